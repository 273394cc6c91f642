import type { Kysely } from 'kysely';

/**
 * Invites to an SSO provider's domain shared with the person's account (issue 14, item 3): the provider
 * whose verified sign-in opens the invite; null for an invite that any matching email opens in the lobby.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('invites').addColumn('sso_provider_id', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('invites').dropColumn('sso_provider_id').execute();
}
