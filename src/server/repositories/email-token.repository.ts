import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';

export class EmailTokenRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async insert(row: { id: string; user_id: string; purpose: 'verify_email'; created_at: number; expires_at: number }, db: Kysely<DB> = this.db) {
    await db.insertInto('email_tokens').values({ ...row, used_at: null }).execute();
  }

  /** Marks the token used if it is still valid; returns its user id, or undefined. Atomic. */
  async consume(id: string, now: number, db: Kysely<DB> = this.db): Promise<string | undefined> {
    const res = await db
      .updateTable('email_tokens')
      .set({ used_at: now })
      .where('id', '=', id)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .returning('user_id')
      .executeTakeFirst();
    return res?.user_id;
  }
}
