import { siteSettingsInput, usesWithin, type SiteSettings } from '../../../contracts/invites.js';

/** The settings as the form edits them: numbers as typed, domain lists as one per line. */
export interface SettingsForm {
  linkDurationMinutes: string;
  reuse: 'single' | 'several' | 'unlimited';
  uses: string;
  bindToDevice: boolean;
  blockedEmailDomains: string;
  allowedEmailDomains: string;
  lobbyVerification: SiteSettings['lobbyVerification'];
  lobbyAttempts: string;
  selfServiceNewLink: boolean;
  whoMayInvite: SiteSettings['whoMayInvite'];
  endedEventsGoToRecording: boolean;
  /** The longest link owners may choose, in days (stored in minutes). */
  maxLinkDurationDays: string;
  maxReuse: 'any' | 'limit';
  maxUses: string;
  accountLobby: SiteSettings['accountLobby'];
  ssoDomainInvites: SiteSettings['ssoDomainInvites'];
  quota: 'none' | 'limit';
  /** Storage per account in GB (1 GB = 1024³ bytes, as the library shows sizes), decimals allowed. */
  quotaGb: string;
}

const GB = 1024 ** 3;

export function toForm(s: SiteSettings): SettingsForm {
  return {
    linkDurationMinutes: String(s.linkDurationMinutes),
    reuse: s.linkReusability === -1 ? 'unlimited' : s.linkReusability === 1 ? 'single' : 'several',
    uses: s.linkReusability > 1 ? String(s.linkReusability) : '3',
    bindToDevice: s.bindToDevice,
    blockedEmailDomains: s.blockedEmailDomains.join('\n'),
    allowedEmailDomains: s.allowedEmailDomains.join('\n'),
    lobbyVerification: s.lobbyVerification,
    lobbyAttempts: String(s.lobbyAttempts),
    selfServiceNewLink: s.selfServiceNewLink,
    whoMayInvite: s.whoMayInvite,
    endedEventsGoToRecording: s.endedEventsGoToRecording,
    maxLinkDurationDays: String(Math.round((s.maxLinkDurationMinutes / 1440) * 100) / 100),
    maxReuse: s.maxLinkReusability === -1 ? 'any' : 'limit',
    maxUses: s.maxLinkReusability === -1 ? '10' : String(s.maxLinkReusability),
    accountLobby: s.accountLobby,
    ssoDomainInvites: s.ssoDomainInvites,
    quota: s.defaultQuotaBytes === null ? 'none' : 'limit',
    quotaGb: s.defaultQuotaBytes === null ? '5' : String(Math.round((s.defaultQuotaBytes / GB) * 1000) / 1000),
  };
}

/** One domain per line; commas and spaces separate too, since people paste lists from anywhere. */
export const domainLines = (text: string) => text.split(/[\s,;]+/).map((d) => d.trim()).filter(Boolean);

const num = (v: string) => (/^-?\d+$/.test(v.trim()) ? Number(v.trim()) : Number.NaN);

export function fromForm(f: SettingsForm): SiteSettings {
  return {
    linkDurationMinutes: num(f.linkDurationMinutes),
    linkReusability: f.reuse === 'unlimited' ? -1 : f.reuse === 'single' ? 1 : num(f.uses),
    bindToDevice: f.bindToDevice,
    blockedEmailDomains: domainLines(f.blockedEmailDomains),
    allowedEmailDomains: domainLines(f.allowedEmailDomains),
    lobbyVerification: f.lobbyVerification,
    lobbyAttempts: num(f.lobbyAttempts),
    selfServiceNewLink: f.selfServiceNewLink,
    whoMayInvite: f.whoMayInvite,
    endedEventsGoToRecording: f.endedEventsGoToRecording,
    maxLinkDurationMinutes: days(f.maxLinkDurationDays),
    maxLinkReusability: f.maxReuse === 'any' ? -1 : num(f.maxUses),
    accountLobby: f.accountLobby,
    ssoDomainInvites: f.ssoDomainInvites,
    defaultQuotaBytes: f.quota === 'none' ? null : gigabytes(f.quotaGb),
  };
}

/** GB as typed ("5", "0.5") to whole bytes; NaN when it is not a positive number. */
function gigabytes(v: string): number {
  const t = v.trim().replace(',', '.');
  return /^\d+(\.\d+)?$/.test(t) && Number(t) > 0 ? Math.max(1, Math.round(Number(t) * GB)) : Number.NaN;
}

/** Days as typed ("30", "0.5") to whole minutes; NaN when it is not a number. */
function days(v: string): number {
  const t = v.trim().replace(',', '.');
  return /^\d+(\.\d+)?$/.test(t) ? Math.round(Number(t) * 1440) : Number.NaN;
}

/** Where a setting's error shows: reusability's number lives in the `uses` box. */
const fieldOf = (key: string): string => {
  const top = key.split('.')[0];
  return top === 'linkReusability' ? 'uses' : top === 'maxLinkReusability' ? 'maxUses' : top === 'maxLinkDurationMinutes' ? 'maxLinkDurationDays' : top === 'defaultQuotaBytes' ? 'quotaGb' : top;
};

const friendly: Record<string, string> = {
  linkDurationMinutes: 'Enter a whole number of minutes from 1 to 525,600 (one year).',
  uses: 'Enter a whole number of uses from 2 to 10,000.',
  lobbyAttempts: 'Enter a whole number from 1 to 100.',
  maxLinkDurationDays: 'Enter a number of days from 1 minute up to 365 days.',
  maxUses: 'Enter a whole number of uses from 1 to 10,000.',
  quotaGb: 'Enter a size in GB greater than 0, such as 5 or 0.5.',
};

/** Field errors from the shared schema (before sending) or from the server's `details` (after). */
export function settingsErrors(source: SettingsForm | Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  if ('reuse' in source) {
    const value = fromForm(source as SettingsForm);
    const r = siteSettingsInput.safeParse(value);
    if (!r.success) for (const i of r.error.issues) out[fieldOf(String(i.path[0]))] ??= friendly[fieldOf(String(i.path[0]))] ?? i.message;
    if ((source as SettingsForm).reuse === 'several' && value.linkReusability === 1) out.uses = friendly.uses;
    if (!out.linkDurationMinutes && !out.maxLinkDurationDays && value.linkDurationMinutes > value.maxLinkDurationMinutes) {
      out.linkDurationMinutes = 'Longer than the longest link owners may choose (below). Shorten it or raise that.';
    }
    if (!out.uses && !out.maxUses && !usesWithin(value.linkReusability, value.maxLinkReusability)) {
      out.uses = 'More uses than owners may choose (below). Lower it or raise that.';
    }
    return out;
  }
  for (const [k, v] of Object.entries(source)) out[fieldOf(k)] ??= v;
  return out;
}

/** Only what changed: the audit log records which settings an admin touched. */
export function changedSettings(before: SiteSettings, after: SiteSettings): Partial<SiteSettings> {
  const patch: Record<string, unknown> = {};
  for (const k of Object.keys(after) as (keyof SiteSettings)[]) {
    if (JSON.stringify(before[k]) !== JSON.stringify(after[k])) patch[k] = after[k];
  }
  return patch as Partial<SiteSettings>;
}

export function describeMinutes(text: string): string {
  const m = num(text);
  if (!Number.isFinite(m) || m <= 0) return '';
  const days = m / 1440;
  const hours = m / 60;
  // A day is easier to grasp as 24 hours; beyond two days, in days.
  if (Number.isInteger(days) && days >= 2) return `${days} days`;
  if (Number.isInteger(hours)) return hours === 1 ? '1 hour' : `${hours} hours`;
  if (m < 60) return m === 1 ? '1 minute' : `${m} minutes`;
  return `${Math.floor(hours)} h ${m % 60} min`;
}
