import type { InviteStatus, SiteSettings } from '../../contracts/invites.js';
import type { Invite, InviteRole, MediaType } from '../db/schema.js';
import { canonicalDomain, domainCoveredBy, emailDomain } from './email.js';

/** Roles from least to most: a newer invite only ever moves a person up this list. */
const rank: Record<InviteRole, number> = { viewer: 0, speaker: 1, moderator: 2 };

export const higherRole = (a: InviteRole, b: InviteRole): InviteRole => (rank[b] > rank[a] ? b : a);

/** "Email me a new link" from the lobby: at most this many per person and media within the window. */
export const SELF_SERVICE_LINKS_PER_WINDOW = 3;
export const SELF_SERVICE_WINDOW_MS = 3600_000;

/** Roles an invite to this kind of media may carry. */
export const rolesFor = (type: MediaType): InviteRole[] => (type === 'live' ? ['viewer', 'moderator', 'speaker'] : ['viewer']);

export type DomainRefusal = 'domain_blocked' | 'domain_not_allowed';

/** Whether the site's domain rules let this (canonical) address be invited or let in. */
export function domainRefusal(emailCanonical: string, settings: Pick<SiteSettings, 'blockedEmailDomains' | 'allowedEmailDomains'>): DomainRefusal | null {
  const domain = emailDomain(emailCanonical);
  const rules = (list: string[]) => list.map((d) => canonicalDomain(d.replace(/^\*?\./, ''))).filter((d): d is string => !!d);
  if (rules(settings.blockedEmailDomains).some((r) => domainCoveredBy(domain, r))) return 'domain_blocked';
  const allowed = rules(settings.allowedEmailDomains);
  if (allowed.length > 0 && !allowed.some((r) => domainCoveredBy(domain, r))) return 'domain_not_allowed';
  return null;
}

export type RedemptionRefusal =
  | 'media_deleted'
  | 'invite_revoked'
  | 'domain_blocked'
  | 'too_many_attempts'
  | 'link_expired'
  | 'link_used'
  | 'device_mismatch';

/**
 * Why a link whose email already matched cannot be used now, or null when it can.
 * The order matters: permanent reasons first, so the message names what the person can act on.
 */
export function redemptionRefusal(
  invite: Pick<Invite, 'revoked_at' | 'replaced_by' | 'attempts' | 'max_attempts' | 'expires_at' | 'max_uses' | 'uses' | 'bind_device' | 'device_hash' | 'email_canonical'>,
  ctx: { now: number; deviceHash: string; mediaDeleted: boolean; settings: Pick<SiteSettings, 'blockedEmailDomains' | 'allowedEmailDomains'> },
): RedemptionRefusal | null {
  if (ctx.mediaDeleted) return 'media_deleted';
  if (invite.revoked_at !== null) return 'invite_revoked';
  if (domainRefusal(invite.email_canonical, ctx.settings)) return 'domain_blocked';
  if (invite.attempts >= invite.max_attempts) return 'too_many_attempts';
  // A replaced link is dead: the person was sent a newer one.
  if (invite.replaced_by !== null) return 'link_expired';
  if (ctx.now >= invite.expires_at) return 'link_expired';
  if (invite.bind_device && invite.device_hash !== null && invite.device_hash !== ctx.deviceHash) return 'device_mismatch';
  if (invite.max_uses !== -1 && invite.uses >= invite.max_uses) return 'link_used';
  return null;
}

/** The status the owner sees in "People with access". */
export function inviteStatus(
  invite: Pick<Invite, 'revoked_at' | 'attempts' | 'max_attempts' | 'max_uses' | 'uses' | 'expires_at' | 'opened_at'>,
  ctx: { now: number; hasLiveGrant: boolean },
): InviteStatus {
  if (invite.revoked_at !== null) return 'revoked';
  if (invite.attempts >= invite.max_attempts) return 'locked';
  if (ctx.hasLiveGrant) return 'active';
  if (invite.max_uses !== -1 && invite.uses >= invite.max_uses) return 'used_up';
  if (ctx.now >= invite.expires_at) return 'expired';
  if (invite.opened_at !== null) return 'opened';
  return 'sent';
}

export const usesLeft = (invite: Pick<Invite, 'max_uses' | 'uses'>): number | null =>
  invite.max_uses === -1 ? null : Math.max(0, invite.max_uses - invite.uses);
