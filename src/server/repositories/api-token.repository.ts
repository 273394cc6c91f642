import type { Kysely } from 'kysely';
import type { ApiTokenRow, DB, User } from '../db/schema.js';

/** Personal API tokens, stored as hashes (migration 20261205000000). */
export class ApiTokenRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async insert(row: ApiTokenRow): Promise<void> {
    await this.db.insertInto('api_tokens').values(row).execute();
  }

  /** An account's tokens, newest first (revoked ones too: the list says when). */
  listFor(userId: string): Promise<ApiTokenRow[]> {
    return this.db.selectFrom('api_tokens').selectAll().where('user_id', '=', userId).orderBy('created_at', 'desc').orderBy('id').execute();
  }

  find(userId: string, id: string): Promise<ApiTokenRow | undefined> {
    return this.db.selectFrom('api_tokens').selectAll().where('user_id', '=', userId).where('id', '=', id).executeTakeFirst();
  }

  /** The token with this hash and its account, in one query (every bearer request asks this). */
  async findByHash(tokenHash: string): Promise<{ token: ApiTokenRow; user: User } | undefined> {
    const row = await this.db
      .selectFrom('api_tokens')
      .innerJoin('users', 'users.id', 'api_tokens.user_id')
      .selectAll('users')
      .select([
        'api_tokens.id as t_id',
        'api_tokens.user_id as t_user_id',
        'api_tokens.name as t_name',
        'api_tokens.token_hash as t_token_hash',
        'api_tokens.last4 as t_last4',
        'api_tokens.scopes as t_scopes',
        'api_tokens.created_at as t_created_at',
        'api_tokens.expires_at as t_expires_at',
        'api_tokens.last_used_at as t_last_used_at',
        'api_tokens.revoked_at as t_revoked_at',
      ])
      .where('api_tokens.token_hash', '=', tokenHash)
      .executeTakeFirst();
    if (!row) return undefined;
    const { t_id, t_user_id, t_name, t_token_hash, t_last4, t_scopes, t_created_at, t_expires_at, t_last_used_at, t_revoked_at, ...user } = row;
    return {
      token: { id: t_id, user_id: t_user_id, name: t_name, token_hash: t_token_hash, last4: t_last4, scopes: t_scopes, created_at: t_created_at, expires_at: t_expires_at, last_used_at: t_last_used_at, revoked_at: t_revoked_at },
      user: user as User,
    };
  }

  /** Marks the token used now, at most once per `everyMs` (a conditional update: racing requests write once). */
  async touch(id: string, now: number, everyMs: number): Promise<void> {
    await this.db
      .updateTable('api_tokens')
      .set({ last_used_at: now })
      .where('id', '=', id)
      .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', now - everyMs)]))
      .execute();
  }

  /** Revokes one of the account's tokens; false when it has none by that id or it was revoked already. */
  async revoke(userId: string, id: string, now: number): Promise<boolean> {
    const r = await this.db.updateTable('api_tokens').set({ revoked_at: now }).where('user_id', '=', userId).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }
}
