import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { AuditActionName } from '../../contracts/invites.js';
import type { AuditEntry, DB } from '../db/schema.js';

/** The list lives in contracts so the admin page can offer it as a filter. */
export type AuditAction = AuditActionName;

export interface AuditActor {
  kind: 'user' | 'guest' | 'system';
  id: string | null;
  label: string;
}

export interface AuditRecord {
  action: AuditAction;
  actor: AuditActor;
  mediaId?: string | null;
  inviteId?: string | null;
  /** Never a token or a code. */
  details?: Record<string, unknown>;
}

export interface AuditFilter {
  action?: string;
  mediaId?: string;
  mediaIds?: string[];
  inviteId?: string;
  from?: number;
  to?: number;
  limit: number;
}

/** Who did what to which invite, when. Written in the same transaction as the change it describes. */
export class AuditService {
  constructor(private readonly deps: { db: Kysely<DB>; clock: () => number }) {}

  async record(entry: AuditRecord, db: Kysely<DB> = this.deps.db): Promise<void> {
    await db
      .insertInto('audit_log')
      .values({
        id: randomUUID(),
        at: this.deps.clock(),
        action: entry.action,
        actor_kind: entry.actor.kind,
        actor_id: entry.actor.id,
        actor_label: entry.actor.label,
        media_id: entry.mediaId ?? null,
        invite_id: entry.inviteId ?? null,
        details_json: entry.details ? JSON.stringify(entry.details) : null,
      })
      .execute();
  }

  list(f: AuditFilter): Promise<AuditEntry[]> {
    let q = this.deps.db.selectFrom('audit_log').selectAll().orderBy('at', 'desc').orderBy('id').limit(f.limit);
    if (f.action) q = q.where('action', '=', f.action);
    if (f.mediaId) q = q.where('media_id', '=', f.mediaId);
    if (f.mediaIds) q = f.mediaIds.length ? q.where('media_id', 'in', f.mediaIds) : q.where('id', '=', '');
    if (f.inviteId) q = q.where('invite_id', '=', f.inviteId);
    if (f.from !== undefined) q = q.where('at', '>=', f.from);
    if (f.to !== undefined) q = q.where('at', '<=', f.to);
    return q.execute();
  }
}
