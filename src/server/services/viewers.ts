import type { Kysely } from 'kysely';
import type { ViewerRefDto } from '../../contracts/pipeline.js';
import type { DB } from '../db/schema.js';
import { AppError } from '../errors.js';
import type { RequestAuth } from '../http/plugins/session.js';

/** Who is watching or answering: an account, or an invite guest's session. */
export interface Viewer {
  key: string;
  userId: string | null;
  sessionId: string | null;
}

export function viewerOf(auth: RequestAuth): Viewer {
  if (auth.user) return { key: `user:${auth.user.id}`, userId: auth.user.id, sessionId: null };
  if (auth.session) return { key: `session:${auth.session.id}`, userId: null, sessionId: auth.session.id };
  throw new AppError('unauthenticated');
}

/** Names viewers for the owner. The invite module adds a labeler that names guest sessions by their invite. */
export type ViewerLabeler = (viewers: Viewer[]) => Promise<Map<string, { name: string | null; email: string | null }>>;

export class ViewerDirectory {
  readonly labelers: ViewerLabeler[] = [];

  constructor(private readonly db: Kysely<DB>) {}

  async describe(viewers: Viewer[]): Promise<Map<string, ViewerRefDto>> {
    const out = new Map<string, ViewerRefDto>();
    const userIds = [...new Set(viewers.map((v) => v.userId).filter((id): id is string => id !== null))];
    const users = userIds.length ? await this.db.selectFrom('users').select(['id', 'name', 'email']).where('id', 'in', userIds).execute() : [];
    const byId = new Map(users.map((u) => [u.id, u]));
    for (const v of viewers) {
      const u = v.userId ? byId.get(v.userId) : undefined;
      out.set(v.key, { key: v.key, kind: v.userId ? 'user' : 'guest', name: u?.name ?? null, email: u?.email ?? null, userId: v.userId, sessionId: v.sessionId });
    }
    for (const label of this.labelers) {
      for (const [key, l] of await label(viewers)) {
        const d = out.get(key);
        if (d) out.set(key, { ...d, name: l.name ?? d.name, email: l.email ?? d.email });
      }
    }
    return out;
  }
}
