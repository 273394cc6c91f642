import type { ViewerRefDto } from '../../contracts/pipeline.js';
import type { Visitor } from '../domain/visitor.js';
import { AppError } from '../errors.js';

/**
 * Who is watching or answering one media item: an account, or an invite guest as the person invited
 * (`invitee:<address>`), so quiz attempts, resume points and analytics follow the person across the
 * session rotations of every lobby pass. (`session:<id>` keys are older guests' rows.)
 */
export interface Viewer {
  key: string;
  userId: string | null;
  sessionId: string | null;
}

const INVITEE = 'invitee:';

export function viewerOf(auth: Visitor, mediaId: string): Viewer {
  if (auth.user) return { key: `user:${auth.user.id}`, userId: auth.user.id, sessionId: null };
  const held = auth.guest?.media.find((m) => m.mediaId === mediaId);
  if (held && auth.session) return { key: `${INVITEE}${held.email}`, userId: null, sessionId: auth.session.id };
  if (auth.session) return { key: `session:${auth.session.id}`, userId: null, sessionId: auth.session.id };
  throw new AppError('unauthenticated');
}

export interface ViewerDirectoryDeps {
  /** Names and addresses of accounts (the accounts module). */
  users: (ids: string[]) => Promise<Array<{ id: string; name: string; email: string }>>;
  /** The invited person behind each guest session on a media item (the invites module), keyed by session id. */
  guests: (sessionIds: string[], mediaId: string) => Promise<Map<string, { name: string | null; email: string | null }>>;
  /** The invited people on a media item by their canonical address (the invites module). */
  invitees: (emails: string[], mediaId: string) => Promise<Map<string, { name: string | null; email: string }>>;
}

/** Names viewers of one media item for its owner: accounts by their name, invite guests by the invite behind their session. */
export class ViewerDirectory {
  constructor(private readonly deps: ViewerDirectoryDeps) {}

  async describe(viewers: Viewer[], mediaId: string): Promise<Map<string, ViewerRefDto>> {
    const out = new Map<string, ViewerRefDto>();
    const userIds = [...new Set(viewers.map((v) => v.userId).filter((id): id is string => id !== null))];
    const byId = new Map((userIds.length ? await this.deps.users(userIds) : []).map((u) => [u.id, u]));
    for (const v of viewers) {
      const u = v.userId ? byId.get(v.userId) : undefined;
      out.set(v.key, { key: v.key, kind: v.userId ? 'user' : 'guest', name: u?.name ?? null, email: u?.email ?? null, userId: v.userId, sessionId: v.sessionId });
    }
    const invited = [...new Set(viewers.filter((v) => v.key.startsWith(INVITEE)).map((v) => v.key.slice(INVITEE.length)))];
    if (invited.length) {
      const people = await this.deps.invitees(invited, mediaId);
      for (const v of viewers) {
        const p = v.key.startsWith(INVITEE) ? people.get(v.key.slice(INVITEE.length)) : undefined;
        const d = out.get(v.key);
        if (p && d) out.set(v.key, { ...d, name: p.name ?? d.name, email: p.email });
      }
    }
    const guestSessions = [...new Set(viewers.filter((v) => v.sessionId && !v.userId && !v.key.startsWith(INVITEE)).map((v) => v.sessionId!))];
    if (guestSessions.length) {
      const guests = await this.deps.guests(guestSessions, mediaId);
      for (const v of viewers) {
        const g = v.sessionId && !v.userId ? guests.get(v.sessionId) : undefined;
        const d = out.get(v.key);
        if (g && d) out.set(v.key, { ...d, name: g.name ?? d.name, email: g.email ?? d.email });
      }
    }
    return out;
  }
}
