import type { Session, User } from '../db/schema.js';
import { AppError } from '../errors.js';

/** An invite guest's session: scoped to one media item; ended when the invite is revoked or the media deleted. */
export interface GuestScope {
  mediaId: string;
  mediaTitle: string;
  endedReason: 'invite_revoked' | 'media_deleted' | null;
}

/**
 * Who is asking: the session behind a request or a socket, its account, and for invite guests the
 * one media item the session may open. Every service decision about a person starts from this.
 */
export interface Visitor {
  session?: Session;
  user?: User;
  /** Set for invite guests: the one media item the session may open. */
  guest?: GuestScope;
}

/** The refusal for an invite guest reaching outside their media (or whose access ended). */
export function guestRefusal(guest: GuestScope): AppError {
  if (guest.endedReason) return new AppError(guest.endedReason, { details: { mediaId: guest.mediaId } });
  return new AppError('out_of_scope', {
    message: `Your invite gives you access only to “${guest.mediaTitle}”.`,
    details: { mediaId: guest.mediaId, title: guest.mediaTitle, url: `/media/${guest.mediaId}` },
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
