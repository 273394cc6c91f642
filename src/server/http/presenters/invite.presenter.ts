import type { InviteRowDto } from '../../../contracts/invites.js';
import { usesLeft } from '../../domain/invite-rules.js';
import { isoOrNull, iso } from '../../domain/time.js';
import type { EmailDelivery } from '../../domain/mail-delivery.js';
import type { InviteView } from '../../services/invite.service.js';
import { csvCell } from '../../domain/csv.js';

const presentDelivery = (d: EmailDelivery | null): InviteRowDto['emailDelivery'] =>
  d && {
    status: d.status,
    attempts: d.attempts,
    lastTryAt: isoOrNull(d.lastTryAt),
    nextTryAt: isoOrNull(d.nextTryAt),
    problem: d.problem,
    sentAt: isoOrNull(d.sentAt),
  };

/** One row of "People with access". */
export const presentInviteRow = ({ invite: i, status, lastAccessAt, emailDelivery }: InviteView): InviteRowDto => ({
  id: i.id,
  email: i.email,
  firstName: i.first_name,
  lastName: i.last_name,
  role: i.role,
  status,
  usesLeft: usesLeft(i),
  expiresAt: iso(i.expires_at),
  // The device is recorded on every use; the link is bound to it only if it was made with binding on.
  deviceBound: i.bind_device === 1 && i.device_hash !== null,
  lastAccessAt: isoOrNull(lastAccessAt),
  createdAt: iso(i.created_at),
  sentByEmail: i.sent_by_email === 1,
  sharedWithAccount: i.sso_provider_id !== null,
  emailDelivery: presentDelivery(emailDelivery),
});

/** "People with access" as CSV, one row per person. */
export function invitesCsv(views: InviteView[]): string {
  // email_delivery: sending, retrying, sent or failed; empty when the link was not emailed.
  const head = ['email', 'first_name', 'last_name', 'role', 'status', 'uses_left', 'expires_at', 'device_bound', 'last_access_at', 'invited_at', 'email_delivery', 'email_problem'];
  const lines = views.map(presentInviteRow).map((r) =>
    [
      r.email,
      r.firstName,
      r.lastName,
      r.role,
      r.status,
      r.usesLeft ?? 'unlimited',
      r.expiresAt,
      r.deviceBound ? 'yes' : 'no',
      r.lastAccessAt ?? '',
      r.createdAt,
      r.emailDelivery?.status ?? '',
      r.emailDelivery?.problem ?? '',
    ]
      .map((v) => csvCell(String(v)))
      .join(','),
  );
  return [head.join(','), ...lines].join('\r\n') + '\r\n';
}
