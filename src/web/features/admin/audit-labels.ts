import { formatBytes } from '../../../contracts/bytes.js';
import type { AuditActionName, AuditEntryDto, SiteSettings } from '../../../contracts/invites.js';
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
  'token.created': 'API token created',
  'token.revoked': 'API token revoked',
  'user.quota_changed': 'Storage quota changed',
};

export const actionTone = (action: string): 'success' | 'warning' | 'danger' | 'neutral' =>
  action === 'invite.redeemed' ? 'success'
  : action === 'invite.refused' ? 'warning'
  : action === 'invite.revoked' || action === 'media.deleted' || action === 'token.revoked' ? 'danger'
  : 'neutral';

export const labelOf = (action: string) => actionLabel[action as AuditActionName] ?? action;

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

/** Site settings by the names the settings page gives them. */
export const settingLabel: Record<keyof SiteSettings, string> = {
  linkDurationMinutes: 'Link duration',
  linkReusability: 'Link reusability',
  bindToDevice: 'Bind to device',
  blockedEmailDomains: 'Blocked email domains',
  allowedEmailDomains: 'Allowed email domains',
  lobbyVerification: 'Lobby verification',
  lobbyAttempts: 'Lobby attempts',
  selfServiceNewLink: '“Email me a new link”',
  whoMayInvite: 'Who may invite',
  endedEventsGoToRecording: 'Ended events go to the recording',
  maxLinkDurationMinutes: 'Longest link owners may choose',
  maxLinkReusability: 'Most uses owners may choose',
  accountLobby: 'Account types and the lobby',
  ssoDomainInvites: 'Invites to SSO domains',
  defaultQuotaBytes: 'Storage per account',
};

/** 1440 → "24 h", 4320 → "3 d", 90 → "1 h 30 min": short, as a log line wants it. */
export function shortDuration(minutes: number): string {
  if (minutes >= 2880 && minutes % 1440 === 0) return `${minutes / 1440} d`;
  if (minutes % 60 === 0) return `${minutes / 60} h`;
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

const uses = (n: number, unlimited: string) => (n === -1 ? unlimited : n === 1 ? 'single use' : `${n.toLocaleString()} uses`);

/** One setting's value in words. */
export function settingValue(key: string, v: unknown): string {
  switch (key) {
    case 'linkDurationMinutes':
    case 'maxLinkDurationMinutes':
      return typeof v === 'number' ? shortDuration(v) : String(v);
    case 'linkReusability':
      return typeof v === 'number' ? uses(v, 'unlimited') : String(v);
    case 'maxLinkReusability':
      return typeof v === 'number' ? uses(v, 'any') : String(v);
    case 'lobbyVerification':
      return v === 'email_code' ? 'email and a code' : 'email';
    case 'defaultQuotaBytes':
      return typeof v === 'number' ? formatBytes(v) : 'no limit';
    case 'whoMayInvite':
      return v === 'admins_only' ? 'admins only' : 'owners and admins';
    case 'blockedEmailDomains':
    case 'allowedEmailDomains': {
      const list = Array.isArray(v) ? v.map(String) : [];
      if (list.length === 0) return 'none';
      return list.length <= 3 ? list.join(', ') : `${list.slice(0, 3).join(', ')} and ${list.length - 3} more`;
    }
    default:
      return typeof v === 'boolean' ? (v ? 'on' : 'off') : String(v);
  }
}

const nameOf = (key: string) => settingLabel[key as keyof SiteSettings] ?? key;

/** "Link duration: 24 h → 3 d · Lobby attempts: 5 → 3"; older entries (names only) list the names. */
function describeSettings(d: Record<string, unknown>): string {
  const changed = Array.isArray(d.changed) ? d.changed.map(String) : [];
  const from = (d.from ?? {}) as Record<string, unknown>;
  const to = (d.to ?? {}) as Record<string, unknown>;
  if (changed.length === 0) return '';
  if (!d.to) return `Changed: ${changed.map(nameOf).join(', ')}`;
  return changed.map((k) => `${nameOf(k)}: ${settingValue(k, from[k])} → ${settingValue(k, to[k])}`).join(' · ');
}

/** One line saying what the entry's details mean, in words. */
export function describeAudit(e: AuditEntryDto): string {
  const d = e.details ?? {};
  switch (e.action) {
    case 'invite.created': {
      const parts = [`${str(d.email) ?? 'Someone'} as ${str(d.role) ?? 'viewer'}`];
      if (typeof d.durationMinutes === 'number') parts.push(`link for ${shortDuration(d.durationMinutes)}, ${typeof d.maxUses === 'number' ? uses(d.maxUses, 'unlimited uses') : 'single use'}`);
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
      return describeSettings(d);
    case 'user.quota_changed':
      return `${str(d.account) ?? 'An account'}: ${str(d.from) ?? '?'} → ${str(d.to) ?? '?'}`;
    default:
      return '';
  }
}
