import type { Kysely } from 'kysely';

/** A live event's cover image (issue 12 item 3): where it is stored and its type; null without one. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('live_events').addColumn('cover_key', 'text').execute();
  await db.schema.alterTable('live_events').addColumn('cover_mime', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('live_events').dropColumn('cover_mime').execute();
  await db.schema.alterTable('live_events').dropColumn('cover_key').execute();
}
