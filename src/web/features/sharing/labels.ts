import type { MediaTypeDto } from '../../../contracts/api.js';
import type { EmailDeliveryDto, InviteRoleDto, InviteStatus, refusalReasons } from '../../../contracts/invites.js';

export const roleLabel: Record<InviteRoleDto, string> = { viewer: 'Viewer', moderator: 'Moderator', speaker: 'Speaker' };

export const roleHelp: Record<InviteRoleDto, string> = {
  viewer: 'Can view the media. In live sessions: chat, Q&A and interactions.',
  moderator: 'Everything a viewer can, plus Q&A moderation and the backchannel.',
  speaker: 'Everything a viewer can, plus Q&A answers and the backchannel.',
};

/** Roles an invite may give: viewer only, except for live events (PRODUCT.md). */
export const rolesFor = (type: MediaTypeDto): InviteRoleDto[] => (type === 'live' ? ['viewer', 'moderator', 'speaker'] : ['viewer']);

export const statusLabel: Record<InviteStatus, string> = {
  sent: 'Sent',
  opened: 'Opened',
  active: 'Active',
  expired: 'Expired',
  used_up: 'Used up',
  revoked: 'Revoked',
  locked: 'Locked',
};

export const statusHelp: Record<InviteStatus, string> = {
  sent: 'Link created; not opened yet.',
  opened: 'The link was opened, but nobody has passed the lobby yet.',
  active: 'They have access now.',
  expired: 'The link ran out of time before it was used.',
  used_up: 'The link has no uses left.',
  revoked: 'You removed their access.',
  locked: 'Too many wrong emails or codes: the link locked itself.',
};

/** How the email with a link stands, shown instead of "Sent" until the person opens the link. */
export const emailDeliveryLabel: Record<EmailDeliveryDto['status'], string> = {
  sending: 'Sending',
  retrying: 'Retrying',
  sent: 'Sent',
  failed: 'Email failed',
};

export const emailDeliveryHelp: Record<EmailDeliveryDto['status'], string> = {
  sending: 'The email with the link is on its way.',
  retrying: 'The last try to email the link failed; Foyer keeps trying on its own.',
  sent: 'The email with the link was handed to the mail server; not opened yet.',
  failed: 'The email with the link could not be delivered. Copy a new link to share it another way.',
};

export const refusalLabel: Record<(typeof refusalReasons)[number], string> = {
  malformed: 'Not an email address',
  domain_blocked: 'Domain blocked',
  domain_not_allowed: 'Domain not allowed',
  duplicate: 'Duplicate',
  sso_domain: 'Signs in with SSO',
};
