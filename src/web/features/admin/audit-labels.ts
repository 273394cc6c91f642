import type { AuditActionName, AuditEntryDto } from '../../../contracts/invites.js';
import { isLobbyErrorCode, outcomes } from '../lobby/outcomes.js';

export const actionLabel: Record<AuditActionName, string> = {
  'invite.created': 'Invite created',
  'invite.sent': 'Invite emailed',
  'invite.opened': 'Link opened',
  'invite.redeemed': 'Entered',
  'invite.refused': 'Refused',
  'invite.revoked': 'Access revoked',
  'invite.role_changed': 'Role changed',
  'invite.new_link_requested': 'New link requested',
  'invite.link_replaced': 'New link made',
  'invite.code_sent': 'Lobby code emailed',
  'settings.changed': 'Settings changed',
  'media.deleted': 'Media deleted',
};

export const actionTone = (action: string): 'success' | 'warning' | 'danger' | 'neutral' =>
  action === 'invite.redeemed' ? 'success'
  : action === 'invite.refused' ? 'warning'
  : action === 'invite.revoked' || action === 'media.deleted' ? 'danger'
  : 'neutral';

export const labelOf = (action: string) => actionLabel[action as AuditActionName] ?? action;

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

/** One line saying what the entry's details mean, in words. */
export function describeAudit(e: AuditEntryDto): string {
  const d = e.details ?? {};
  switch (e.action) {
    case 'invite.created': {
      const parts = [`${str(d.email) ?? 'Someone'} as ${str(d.role) ?? 'viewer'}`];
      if (d.sendEmail === false) parts.push('link to copy, no email');
      if (d.replaces) parts.push('replaces an earlier link');
      return parts.join(' · ');
    }
    case 'invite.sent':
    case 'invite.revoked':
      return str(d.email) ?? '';
    case 'invite.refused': {
      const code = str(d.code) ?? '';
      return isLobbyErrorCode(code) ? `${outcomes[code].title({})} (${code})` : code;
    }
    case 'invite.redeemed': {
      const parts = [`as ${str(d.role) ?? 'viewer'}`];
      if (d.account) parts.push('with their account');
      if (d.reentry) parts.push('came back on the same device');
      if (str(d.upgradedFrom)) parts.push(`upgraded from ${str(d.upgradedFrom)}`);
      return parts.join(' · ');
    }
    case 'invite.role_changed':
      return `${str(d.from) ?? '?'} → ${str(d.to) ?? '?'}`;
    case 'invite.link_replaced':
      return d.sentByEmail ? 'emailed; the old link stopped working' : 'to copy; the old link stopped working';
    case 'invite.new_link_requested':
      return 'from the lobby; sent to the invited address';
    case 'settings.changed':
      return Array.isArray(d.changed) ? `Changed: ${d.changed.join(', ')}` : '';
    default:
      return '';
  }
}
