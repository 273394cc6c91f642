import type { Kysely } from 'kysely';
import type { DB, MailMessage } from '../db/schema.js';

export class MailRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async insert(row: Omit<MailMessage, 'attempts' | 'last_error' | 'sent_at' | 'status'>, db: Kysely<DB> = this.db) {
    await db
      .insertInto('mail_messages')
      .values({ ...row, status: 'pending', attempts: 0, last_error: null, sent_at: null })
      .execute();
  }

  due(now: number, limit = 20): Promise<MailMessage[]> {
    return this.db
      .selectFrom('mail_messages')
      .selectAll()
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', now)
      .orderBy('created_at')
      .limit(limit)
      .execute();
  }

  /** Claims a pending message for one attempt, so two processes never send it twice. */
  async claim(id: string, attempts: number, leaseUntil: number): Promise<boolean> {
    const r = await this.db
      .updateTable('mail_messages')
      .set({ attempts: attempts + 1, next_attempt_at: leaseUntil })
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .where('attempts', '=', attempts)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async markSent(id: string, at: number) {
    await this.db.updateTable('mail_messages').set({ status: 'sent', sent_at: at, last_error: null }).where('id', '=', id).execute();
  }

  async markRetry(id: string, error: string, nextAt: number) {
    await this.db.updateTable('mail_messages').set({ last_error: error, next_attempt_at: nextAt }).where('id', '=', id).execute();
  }

  async markFailed(id: string, error: string) {
    await this.db.updateTable('mail_messages').set({ status: 'failed', last_error: error }).where('id', '=', id).execute();
  }

  list(opts: { limit: number; to?: string }): Promise<MailMessage[]> {
    let q = this.db.selectFrom('mail_messages').selectAll().orderBy('created_at', 'desc').limit(opts.limit);
    if (opts.to) q = q.where('to_address', '=', opts.to);
    return q.execute();
  }

  findById(id: string): Promise<MailMessage | undefined> {
    return this.db.selectFrom('mail_messages').selectAll().where('id', '=', id).executeTakeFirst();
  }
}
