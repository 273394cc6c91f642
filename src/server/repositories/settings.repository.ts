import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';

/** Site-wide settings as one JSON document per key. */
export class SettingsRepository {
  constructor(private readonly db: Kysely<DB>) {}

  /** `db`: a transaction to read in (a query outside it would wait for it on SQLite's one connection). */
  async find(key: string, db: Kysely<DB> = this.db): Promise<string | undefined> {
    const row = await db.selectFrom('site_settings').select('value_json').where('key', '=', key).executeTakeFirst();
    return row?.value_json;
  }

  async save(key: string, valueJson: string, opts: { now: number; by: string }): Promise<void> {
    await this.db
      .insertInto('site_settings')
      .values({ key, value_json: valueJson, updated_at: opts.now, updated_by: opts.by })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value_json: valueJson, updated_at: opts.now, updated_by: opts.by }))
      .execute();
  }
}
