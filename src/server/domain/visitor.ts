import type { InviteRole, Session, User } from '../db/schema.js';
import { higherRole } from './invite-rules.js';
import { AppError } from '../errors.js';

/** One media item an invite guest's session holds, through its own grant. */
export interface GuestMedia {
  mediaId: string;
  title: string;
  type: string;
  role: InviteRole;
  /** When this media's access on the device ends (its grant's expiry). */
  expiresAt: number;
  /** The invited address (canonical) behind this media's access: the person, whichever session. */
  email: string;
}

/** A media item whose access this session had and lost, and why (its refusals name the reason). */
export interface GuestEnded {
  mediaId: string;
  title: string;
  reason: 'invite_revoked' | 'media_deleted';
}

/**
 * An invite guest's session: every media item this device was invited to and passed the lobby for,
 * each in its own role and with its own expiry. The scope is exactly that set.
 */
export interface GuestScope {
  media: GuestMedia[];
  ended: GuestEnded[];
}

/**
 * Who is asking: the session behind a request or a socket, its account, and for invite guests the
 * media items the session may open. Every service decision about a person starts from this.
 */
export interface Visitor {
  session?: Session;
  user?: User;
  /** Set for a request made with an API token (no session then): the token and its scopes. */
  token?: { id: string; scopes: readonly string[] };
  /** Set for invite guests: the media items the session may open (and those it lost). */
  guest?: GuestScope;
}

/** The media an invite guest holds, in words: “A”, “A” and “B”, “A”, “B” and “C”. */
export function scopeTitles(guest: GuestScope): string {
  const t = guest.media.map((m) => `“${m.title}”`);
  return t.length <= 1 ? (t[0] ?? '') : `${t.slice(0, -1).join(', ')} and ${t[t.length - 1]}`;
}

/** Where a guest's page for this media is. */
export const guestMediaUrl = (m: Pick<GuestMedia, 'mediaId' | 'type'>) => (m.type === 'live' ? `/events/${m.mediaId}` : `/media/${m.mediaId}`);

/**
 * The refusal for an invite guest reaching outside their media: for a media item whose access ended,
 * the reason; outside every invite, "out of scope" naming what the person has; with nothing left, the
 * reason the last access ended.
 */
export function guestRefusal(guest: GuestScope, mediaId?: string): AppError {
  const ended = mediaId ? guest.ended.find((e) => e.mediaId === mediaId) : undefined;
  if (ended && !guest.media.some((m) => m.mediaId === mediaId)) return new AppError(ended.reason, { details: { mediaId: ended.mediaId } });
  if (guest.media.length === 0) {
    const last = guest.ended[guest.ended.length - 1];
    if (last) return new AppError(last.reason, { details: { mediaId: last.mediaId } });
    return new AppError('unauthenticated');
  }
  const first = guest.media[0];
  return new AppError('out_of_scope', {
    message: `Your invite gives you access only to ${scopeTitles(guest)}.`,
    details: {
      mediaId: first.mediaId,
      title: first.title,
      url: guestMediaUrl(first),
      media: guest.media.map((m) => ({ mediaId: m.mediaId, title: m.title, url: guestMediaUrl(m) })),
    },
  });
}

/** The visitor's account, or the refusal a guest or an anonymous visitor gets. */
export function requireAccount(visitor: Visitor): User {
  if (!visitor.user && visitor.guest) throw guestRefusal(visitor.guest);
  if (!visitor.user) throw new AppError('unauthenticated');
  return visitor.user;
}

export function requireAdminAccount(visitor: Visitor): User {
  const user = requireAccount(visitor);
  if (!user.is_admin) throw new AppError('forbidden', { message: 'Only site admins can do that.' });
  return user;
}

/** What the scope is built from: each grant a guest session holds or held, with its media. */
export interface GuestGrantFacts {
  media_id: string;
  email_canonical: string;
  role: InviteRole;
  expires_at: number | null;
  revoked_at: number | null;
  title: string;
  type: string;
  deleted_at: number | null;
}

/**
 * A guest session's scope now: the media whose grant is live and unexpired (the highest role where
 * several grants meet on one media; no access outlives its session), and the media lost to a revoke or a deletion, in the order lost.
 */
export function guestScopeOf(rows: readonly GuestGrantFacts[], now: number, sessionExpiresAt: number): GuestScope {
  const media = new Map<string, GuestMedia>();
  for (const r of rows) {
    if (r.revoked_at !== null || r.deleted_at !== null || (r.expires_at !== null && r.expires_at <= now)) continue;
    const prev = media.get(r.media_id);
    const expiresAt = Math.min(r.expires_at ?? sessionExpiresAt, sessionExpiresAt);
    if (!prev) media.set(r.media_id, { mediaId: r.media_id, title: r.title, type: r.type, role: r.role, expiresAt, email: r.email_canonical });
    else media.set(r.media_id, { ...prev, role: higherRole(prev.role, r.role), expiresAt: Math.max(prev.expiresAt, expiresAt) });
  }
  const ended = rows
    .filter((r) => !media.has(r.media_id) && (r.revoked_at !== null || r.deleted_at !== null))
    .sort((a, b) => (a.revoked_at ?? a.deleted_at ?? 0) - (b.revoked_at ?? b.deleted_at ?? 0))
    .map((r): GuestEnded => ({ mediaId: r.media_id, title: r.title, reason: r.deleted_at !== null ? 'media_deleted' : 'invite_revoked' }));
  const lost = new Map(ended.map((e) => [e.mediaId, e]));
  return { media: [...media.values()], ended: [...lost.values()] };
}
