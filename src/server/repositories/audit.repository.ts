import type { Insertable, Kysely } from 'kysely';
import type { AuditEntry, AuditLogTable, DB } from '../db/schema.js';

export interface AuditQuery {
  action?: string;
  mediaId?: string;
  /** Only entries about these media (an empty list matches nothing). */
  mediaIds?: string[];
  inviteId?: string;
  from?: number;
  to?: number;
  limit: number;
}

export class AuditRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async insert(row: Insertable<AuditLogTable>, db: Kysely<DB> = this.db): Promise<void> {
    await db.insertInto('audit_log').values(row).execute();
  }

  list(f: AuditQuery): Promise<AuditEntry[]> {
    let q = this.db.selectFrom('audit_log').selectAll().orderBy('at', 'desc').orderBy('id').limit(f.limit);
    if (f.action) q = q.where('action', '=', f.action);
    if (f.mediaId) q = q.where('media_id', '=', f.mediaId);
    if (f.mediaIds) q = f.mediaIds.length ? q.where('media_id', 'in', f.mediaIds) : q.where('id', '=', '');
    if (f.inviteId) q = q.where('invite_id', '=', f.inviteId);
    if (f.from !== undefined) q = q.where('at', '>=', f.from);
    if (f.to !== undefined) q = q.where('at', '<=', f.to);
    return q.execute();
  }

  /** Every media id the log mentions. */
  async mediaIds(): Promise<string[]> {
    const rows = await this.db.selectFrom('audit_log').select('media_id').distinct().where('media_id', 'is not', null).execute();
    return rows.map((r) => r.media_id!);
  }
}
