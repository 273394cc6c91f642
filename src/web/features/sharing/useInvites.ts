import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { InviteRoleDto, InviteRowDto } from '../../../contracts/invites.js';
import { endpoints, queryKeys } from '../../api/endpoints.js';

/** While an email is still on its way (sending or retrying), the list refreshes itself: mail goes out in the background. */
const EMAIL_POLL_MS = 3_000;
const waitingForEmail = (items: InviteRowDto[] | undefined) => Boolean(items?.some((r) => r.emailDelivery?.status === 'sending' || r.emailDelivery?.status === 'retrying'));

export function useInviteList(mediaId: string) {
  return useQuery({
    queryKey: queryKeys.invites(mediaId),
    queryFn: () => endpoints.listInvites(mediaId),
    select: (d) => d.items,
    refetchInterval: (q) => (waitingForEmail(q.state.data?.items) ? EMAIL_POLL_MS : false),
  });
}

/** "Email delivery is failing": asked while this media's emails are on their way, and while failing. */
export function useMailNotice(mediaId: string, emailsWaiting: boolean) {
  return useQuery({
    queryKey: queryKeys.inviteMailStatus(mediaId),
    queryFn: () => endpoints.inviteMailStatus(mediaId),
    refetchInterval: (q) => (emailsWaiting || q.state.data?.failing ? EMAIL_POLL_MS : false),
  });
}

/** After any change: the people list and the media's activity both moved. */
export function useRefreshSharing(mediaId: string) {
  const qc = useQueryClient();
  return () =>
    Promise.all([qc.invalidateQueries({ queryKey: queryKeys.invites(mediaId) }), qc.invalidateQueries({ queryKey: ['audit', mediaId] })]);
}

export function useInviteActions(mediaId: string) {
  const refresh = useRefreshSharing(mediaId);
  return {
    resend: useMutation({ mutationFn: (inviteId: string) => endpoints.resendInvite(mediaId, inviteId), onSuccess: refresh }),
    newLink: useMutation({ mutationFn: (inviteId: string) => endpoints.newInviteLink(mediaId, inviteId), onSuccess: refresh }),
    changeRole: useMutation({
      mutationFn: (v: { inviteId: string; role: InviteRoleDto }) => endpoints.changeInviteRole(mediaId, v.inviteId, v.role),
      onSuccess: refresh,
    }),
    revoke: useMutation({ mutationFn: (ids: string[]) => endpoints.revokeInvites(mediaId, ids), onSuccess: refresh }),
  };
}
