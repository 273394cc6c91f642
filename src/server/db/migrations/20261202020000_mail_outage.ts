import type { Kysely } from 'kysely';

/**
 * Mail that survives an SMTP outage (hardening item 11).
 *
 * `mail_messages` gains a lease (status 'sending' + `lease_until`, so a message is sent by one process at a
 * time and a dead process's claim runs out), the time of the last try, what kind of error the last try
 * met (`error_kind`, for the retry policy and People with access) with the server's own words
 * (`error_detail`), and the invite whose link the message carries (`invite_id`, for People with access).
 *
 * `mail_delivery_state` is one row shared by every process: whether the mail server is failing
 * (consecutive failed tries), since when, and when the next probe may run, so an outage is probed once per
 * backoff step across all processes and restarts instead of once per queued message.
 */
const messageColumns = ['lease_until', 'last_attempt_at', 'error_kind', 'error_detail', 'invite_id'] as const;

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('mail_messages').addColumn('lease_until', 'bigint').execute();
  await db.schema.alterTable('mail_messages').addColumn('last_attempt_at', 'bigint').execute();
  await db.schema.alterTable('mail_messages').addColumn('error_kind', 'text').execute();
  await db.schema.alterTable('mail_messages').addColumn('error_detail', 'text').execute();
  await db.schema.alterTable('mail_messages').addColumn('invite_id', 'text').execute();
  await db.schema.createIndex('mail_messages_invite_idx').on('mail_messages').column('invite_id').execute();

  await db.schema
    .createTable('mail_delivery_state')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('consecutive_failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('failing_since', 'bigint')
    .addColumn('last_failure_at', 'bigint')
    .addColumn('next_probe_at', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('last_error_kind', 'text')
    .execute();
  await db.insertInto('mail_delivery_state').values({ key: 'smtp', consecutive_failures: 0, next_probe_at: 0 }).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('mail_delivery_state').ifExists().execute();
  await db.schema.dropIndex('mail_messages_invite_idx').ifExists().execute();
  // A message held by a lease goes back to the queue the old code knows.
  await db.updateTable('mail_messages').set({ status: 'pending' }).where('status', '=', 'sending').execute();
  for (const c of messageColumns) await db.schema.alterTable('mail_messages').dropColumn(c).execute();
}
