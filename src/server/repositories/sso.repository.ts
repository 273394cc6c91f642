import type { Insertable, Kysely, Updateable } from 'kysely';
import type { DB, SsoLink, SsoLinksTable, SsoLogin, SsoLoginsTable, SsoProviderRow, SsoProvidersTable, UserIdentitiesTable, UserIdentity } from '../db/schema.js';

/** SSO providers, the identities accounts sign in with, and sign-ins and links on their way. */
export class SsoRepository {
  constructor(private readonly db: Kysely<DB>) {}

  listProviders(): Promise<SsoProviderRow[]> {
    return this.db.selectFrom('sso_providers').selectAll().orderBy('name').orderBy('id').execute();
  }

  findProvider(id: string): Promise<SsoProviderRow | undefined> {
    return this.db.selectFrom('sso_providers').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async insertProvider(row: Insertable<SsoProvidersTable>): Promise<void> {
    await this.db.insertInto('sso_providers').values(row).execute();
  }

  async updateProvider(id: string, patch: Updateable<SsoProvidersTable>): Promise<void> {
    await this.db.updateTable('sso_providers').set(patch).where('id', '=', id).execute();
  }

  async identityIdsOfProvider(providerId: string, db: Kysely<DB> = this.db): Promise<string[]> {
    return (await db.selectFrom('user_identities').select('id').where('provider_id', '=', providerId).execute()).map((r) => r.id);
  }

  async deleteProvider(id: string, db: Kysely<DB> = this.db): Promise<boolean> {
    const res = await db.deleteFrom('sso_providers').where('id', '=', id).executeTakeFirst();
    return Number(res.numDeletedRows) > 0;
  }

  findIdentity(issuer: string, subject: string): Promise<UserIdentity | undefined> {
    return this.db.selectFrom('user_identities').selectAll().where('issuer', '=', issuer).where('subject', '=', subject).executeTakeFirst();
  }

  findIdentityById(id: string): Promise<UserIdentity | undefined> {
    return this.db.selectFrom('user_identities').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async insertIdentity(row: Insertable<UserIdentitiesTable>, db: Kysely<DB> = this.db): Promise<void> {
    await db.insertInto('user_identities').values(row).execute();
  }

  async updateIdentity(id: string, patch: Pick<UserIdentity, 'email' | 'email_verified' | 'last_login_at'>): Promise<void> {
    await this.db.updateTable('user_identities').set(patch).where('id', '=', id).execute();
  }

  async insertLogin(row: Insertable<SsoLoginsTable>): Promise<void> {
    await this.db.insertInto('sso_logins').values(row).execute();
  }

  /** Takes a sign-in on its way out of the table: a state works once. */
  async takeLogin(id: string): Promise<SsoLogin | undefined> {
    const row = await this.db.selectFrom('sso_logins').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) return undefined;
    const res = await this.db.deleteFrom('sso_logins').where('id', '=', id).executeTakeFirst();
    return Number(res.numDeletedRows) === 1 ? row : undefined;
  }

  async insertLink(row: Insertable<SsoLinksTable>): Promise<void> {
    await this.db.insertInto('sso_links').values(row).execute();
  }

  findLink(id: string): Promise<SsoLink | undefined> {
    return this.db.selectFrom('sso_links').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async countLinkAttempt(id: string): Promise<void> {
    await this.db.updateTable('sso_links').set((eb) => ({ attempts: eb('attempts', '+', 1) })).where('id', '=', id).execute();
  }

  async deleteLink(id: string, db: Kysely<DB> = this.db): Promise<boolean> {
    const res = await db.deleteFrom('sso_links').where('id', '=', id).executeTakeFirst();
    return Number(res.numDeletedRows) === 1;
  }

  /** Sign-ins and links nobody finished. */
  async purge(now: number): Promise<void> {
    await this.db.deleteFrom('sso_logins').where('expires_at', '<', now).execute();
    await this.db.deleteFrom('sso_links').where('expires_at', '<', now).execute();
  }
}
