import type { Media } from '../db/schema.js';
import { higherRole } from '../domain/invite-rules.js';
import type { AppError } from '../errors.js';
import { guestRefusal, type Visitor } from '../domain/visitor.js';
import type { GrantRepository } from '../repositories/invite.repository.js';
import type { AccessRule } from './access.service.js';

const TOUCH_EVERY_MS = 60_000;

/** Access through invites: the grants held by this session, or by this account. */
export class InviteAccessRule implements AccessRule {
  constructor(private readonly deps: { grants: GrantRepository; clock: () => number }) {}

  async roleFor(auth: Visitor, media: Media): Promise<string | undefined> {
    if (!auth.session) return undefined;
    // A guest holds exactly the media in its scope (each grant live and unexpired).
    if (auth.guest && !auth.user && !auth.guest.media.some((m) => m.mediaId === media.id)) return undefined;
    const now = this.deps.clock();
    const grants = await this.deps.grants.liveFor({ mediaId: media.id, sessionId: auth.session.id, userId: auth.user?.id, activeAt: now });
    if (grants.length === 0) return undefined;
    const stale = grants.filter((g) => now - g.last_access_at > TOUCH_EVERY_MS).map((g) => g.id);
    if (stale.length) await this.deps.grants.update(stale, { last_access_at: now });
    return grants.map((g) => g.role).reduce(higherRole);
  }

  async scopeRefusal(auth: Visitor, mediaId: string): Promise<AppError | undefined> {
    return auth.guest && !auth.user ? guestRefusal(auth.guest, mediaId) : undefined;
  }
}
