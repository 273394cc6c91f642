import type { Kysely } from 'kysely';

/**
 * DIY live: one stream key per event, for the owner's encoder (OBS) over RTMP. Only the key's SHA-256 is
 * kept (it is a 256-bit random secret, not a password); the key itself is shown once, when it is made.
 * A new key replaces the row, so the old one stops working at once. docs/live-video.md.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('live_stream_keys')
    .addColumn('media_id', 'text', (c) => c.primaryKey().references('media.id').onDelete('cascade'))
    .addColumn('key_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('live_stream_keys_hash_uq').unique().on('live_stream_keys').column('key_hash').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('live_stream_keys').ifExists().execute();
}
