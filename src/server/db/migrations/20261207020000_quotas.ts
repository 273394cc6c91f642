import type { Kysely } from 'kysely';

/**
 * Storage quotas (issue 14, item 4): an account's own quota in bytes, overriding the site's default.
 * Null: the site default applies; -1: no limit for this account.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').addColumn('quota_bytes', 'bigint').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').dropColumn('quota_bytes').execute();
}
