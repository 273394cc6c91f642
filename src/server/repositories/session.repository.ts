import type { Insertable, Kysely } from 'kysely';
import type { DB, Session, SessionsTable } from '../db/schema.js';

export class SessionRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async insert(row: Insertable<SessionsTable>, db: Kysely<DB> = this.db): Promise<void> {
    await db.insertInto('sessions').values(row).execute();
  }

  findById(id: string): Promise<Session | undefined> {
    return this.db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** The title of the media a guest session is scoped to (deleted media too), for its refusals. */
  async scopeTitle(mediaId: string): Promise<string | undefined> {
    const row = await this.db.selectFrom('media').select('title').where('id', '=', mediaId).executeTakeFirst();
    return row?.title;
  }

  async touch(id: string, at: number): Promise<void> {
    await this.db.updateTable('sessions').set({ last_seen_at: at }).where('id', '=', id).execute();
  }

  async delete(id: string, db: Kysely<DB> = this.db): Promise<void> {
    await db.deleteFrom('sessions').where('id', '=', id).execute();
  }

  /** Ends these guest sessions (never an account's) with the reason their next request is refused with. */
  async endGuests(ids: string[], reason: 'invite_revoked' | 'media_deleted', db: Kysely<DB> = this.db): Promise<void> {
    if (ids.length === 0) return;
    await db.updateTable('sessions').set({ ended_reason: reason }).where('id', 'in', ids).where('user_id', 'is', null).execute();
  }

  async deleteExpired(now: number): Promise<void> {
    await this.db.deleteFrom('sessions').where('expires_at', '<', now).execute();
  }
}
