import { sql, type Kysely } from 'kysely';

/**
 * A guest session holds every media item the device passed the lobby for, each through its own grant
 * with its own role and expiry. The session's one scoped media and its ended reason go: both are read
 * from the session's grants now (a revoked grant says why its media is refused).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('grants').addColumn('expires_at', 'bigint').execute();
  // Guest access granted so far lasted as long as its session.
  await sql`update grants set expires_at = (select s.expires_at from sessions s where s.id = grants.session_id) where session_id is not null and user_id is null`.execute(db);
  await db.schema.alterTable('sessions').dropColumn('ended_reason').execute();
  await db.schema.alterTable('sessions').dropColumn('scope_media_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('sessions').addColumn('scope_media_id', 'text').execute();
  await db.schema.alterTable('sessions').addColumn('ended_reason', 'text').execute();
  await db.schema.alterTable('grants').dropColumn('expires_at').execute();
}
