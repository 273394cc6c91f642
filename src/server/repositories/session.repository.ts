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

  async touch(id: string, at: number): Promise<void> {
    await this.db.updateTable('sessions').set({ last_seen_at: at }).where('id', '=', id).execute();
  }

  async delete(id: string, db: Kysely<DB> = this.db): Promise<void> {
    await db.deleteFrom('sessions').where('id', '=', id).execute();
  }

  async deleteExpired(now: number): Promise<void> {
    await this.db.deleteFrom('sessions').where('expires_at', '<', now).execute();
  }
}
