import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { isPostgres } from './compiled.js';
import type { Tx } from './transaction.js';

/** What an account stores (its media that are not deleted) and its own quota. */
export class QuotaRepository {
  constructor(private readonly db: Kysely<DB>) {}

  /** Bytes of the account's media that are not deleted: the files it uploaded and its events' recordings. */
  async usedBytes(ownerId: string, db: Tx = this.db): Promise<number> {
    const row = await db
      .selectFrom('media')
      .select((eb) => eb.fn.sum<number | null>('size_bytes').as('n'))
      .where('owner_id', '=', ownerId)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /** The same for several accounts in one query (the admin's users page); accounts with nothing are absent. */
  async usedByOwners(ownerIds: string[]): Promise<Map<string, number>> {
    if (ownerIds.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('media')
      .select((eb) => ['owner_id', eb.fn.sum<number | null>('size_bytes').as('n')])
      .where('owner_id', 'in', ownerIds)
      .where('deleted_at', 'is', null)
      .groupBy('owner_id')
      .execute();
    return new Map(rows.map((r) => [r.owner_id, Number(r.n ?? 0)]));
  }

  /** The account's own quota: null the site default, -1 none; undefined when there is no such account. */
  async accountQuota(userId: string, db: Tx = this.db): Promise<number | null | undefined> {
    return (await this.account(userId, db))?.quotaBytes;
  }

  async account(userId: string, db: Tx = this.db): Promise<{ email: string; quotaBytes: number | null } | undefined> {
    const row = await db.selectFrom('users').select(['email', 'quota_bytes']).where('id', '=', userId).executeTakeFirst();
    return row ? { email: row.email, quotaBytes: row.quota_bytes === null ? null : Number(row.quota_bytes) } : undefined;
  }

  /** Several accounts' own quotas, for the users page. */
  async accountQuotas(userIds: string[]): Promise<Map<string, number | null>> {
    if (userIds.length === 0) return new Map();
    const rows = await this.db.selectFrom('users').select(['id', 'quota_bytes']).where('id', 'in', userIds).execute();
    return new Map(rows.map((r) => [r.id, r.quota_bytes === null ? null : Number(r.quota_bytes)]));
  }

  async setAccountQuota(userId: string, quotaBytes: number | null): Promise<boolean> {
    const res = await this.db.updateTable('users').set({ quota_bytes: quotaBytes }).where('id', '=', userId).executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  }

  /**
   * Holds the account's row until the transaction ends, so two uploads finishing at once are counted one
   * after the other. PostgreSQL locks the row; SQLite runs one write transaction at a time already.
   */
  async lockAccount(userId: string, trx: Tx): Promise<void> {
    if (!isPostgres(trx)) return;
    await trx.selectFrom('users').select('id').where('id', '=', userId).forUpdate().execute();
  }
}
