import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { InviteRoleDto } from '../../../contracts/invites.js';
import { endpoints, queryKeys } from '../../api/endpoints.js';

export function useInviteList(mediaId: string) {
  return useQuery({ queryKey: queryKeys.invites(mediaId), queryFn: () => endpoints.listInvites(mediaId), select: (d) => d.items });
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
