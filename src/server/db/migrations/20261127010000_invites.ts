import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('site_settings')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value_json', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_by', 'text')
    .execute();

  // One row per link. Resending or replacing a link makes a new row; the old one points to it.
  await db.schema
    .createTable('invites')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('media_id', 'text', (c) => c.notNull().references('media.id').onDelete('cascade'))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('email_canonical', 'text', (c) => c.notNull())
    .addColumn('first_name', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('last_name', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('duration_minutes', 'integer', (c) => c.notNull())
    .addColumn('max_uses', 'integer', (c) => c.notNull())
    .addColumn('uses', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('bind_device', 'integer', (c) => c.notNull())
    .addColumn('device_hash', 'text')
    .addColumn('max_attempts', 'integer', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('code_hash', 'text')
    .addColumn('code_expires_at', 'bigint')
    .addColumn('code_device_hash', 'text')
    .addColumn('sent_by_email', 'integer', (c) => c.notNull())
    .addColumn('opened_at', 'bigint')
    .addColumn('first_redeemed_at', 'bigint')
    .addColumn('last_access_at', 'bigint')
    .addColumn('revoked_at', 'bigint')
    .addColumn('replaced_by', 'text')
    .addColumn('replaced_at', 'bigint')
    .execute();
  await db.schema.createIndex('invites_media_email_idx').on('invites').columns(['media_id', 'email_canonical']).execute();

  // Access a person holds through an invite: on a session (guests, or another account) or on an account.
  await db.schema
    .createTable('grants')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('media_id', 'text', (c) => c.notNull().references('media.id').onDelete('cascade'))
    .addColumn('invite_id', 'text', (c) => c.notNull().references('invites.id').onDelete('cascade'))
    .addColumn('email_canonical', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('session_id', 'text')
    .addColumn('user_id', 'text', (c) => c.references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_access_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .execute();
  await db.schema.createIndex('grants_session_idx').on('grants').columns(['session_id', 'media_id']).execute();
  await db.schema.createIndex('grants_user_idx').on('grants').columns(['user_id', 'media_id']).execute();
  await db.schema.createIndex('grants_invite_idx').on('grants').column('invite_id').execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('actor_kind', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('actor_label', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('media_id', 'text')
    .addColumn('invite_id', 'text')
    .addColumn('details_json', 'text')
    .execute();
  await db.schema.createIndex('audit_log_at_idx').on('audit_log').column('at').execute();
  await db.schema.createIndex('audit_log_media_idx').on('audit_log').columns(['media_id', 'at']).execute();

  // Guest sessions are scoped to one media item; ended sessions answer with the reason.
  await db.schema.alterTable('sessions').addColumn('scope_media_id', 'text').execute();
  await db.schema.alterTable('sessions').addColumn('ended_reason', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('sessions').dropColumn('ended_reason').execute();
  await db.schema.alterTable('sessions').dropColumn('scope_media_id').execute();
  for (const t of ['audit_log', 'grants', 'invites', 'site_settings']) await db.schema.dropTable(t).ifExists().execute();
}
