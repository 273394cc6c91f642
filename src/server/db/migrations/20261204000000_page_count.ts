import type { Kysely } from 'kysely';

/** A document's page count, for its library card (counted once after upload; null until then, or when it cannot be read). */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('media').addColumn('page_count', 'integer').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('media').dropColumn('page_count').execute();
}
