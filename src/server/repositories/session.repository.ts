import type { Insertable, Kysely } from 'kysely';
import type { DB, Grant, Media, Session, SessionsTable } from '../db/schema.js';
import { Precompiled } from './compiled.js';

export type GuestGrantRow = Pick<Grant, 'media_id' | 'email_canonical' | 'role' | 'expires_at' | 'revoked_at' | 'created_at'> & Pick<Media, 'title' | 'type' | 'deleted_at'>;

export class SessionRepository {
  constructor(private readonly db: Kysely<DB>) {}

  /** Every request with a session cookie looks it up: built and compiled once. */
  private readonly byId = new Precompiled<{ id: string }, Session>((db, p) => db.selectFrom('sessions').selectAll().where('id', '=', p('id')));

  async insert(row: Insertable<SessionsTable>, db: Kysely<DB> = this.db): Promise<void> {
    await db.insertInto('sessions').values(row).execute();
  }

  findById(id: string): Promise<Session | undefined> {
    return this.byId.first(this.db, { id });
  }

  /**
   * Every grant a guest session holds or held, with its media (deleted media too): the session's scope
   * and the reasons its lost media are refused with. Oldest first.
   */
  private readonly guestGrantsQ = new Precompiled<{ sessionId: string }, GuestGrantRow>((db, p) =>
    db
      .selectFrom('grants')
      .innerJoin('media', 'media.id', 'grants.media_id')
      .select([
        'grants.media_id',
        'grants.email_canonical',
        'grants.role',
        'grants.expires_at',
        'grants.revoked_at',
        'grants.created_at',
        'media.title',
        'media.type',
        'media.deleted_at',
      ])
      .where('grants.session_id', '=', p('sessionId'))
      .orderBy('grants.created_at')
      .orderBy('grants.id'),
  );

  guestGrants(sessionId: string): Promise<GuestGrantRow[]> {
    return this.guestGrantsQ.all(this.db, { sessionId });
  }

  async setExpiry(id: string, expiresAt: number, db: Kysely<DB> = this.db): Promise<void> {
    await db.updateTable('sessions').set({ expires_at: expiresAt }).where('id', '=', id).execute();
  }

  async touch(id: string, at: number): Promise<void> {
    await this.db.updateTable('sessions').set({ last_seen_at: at }).where('id', '=', id).execute();
  }

  async delete(id: string, db: Kysely<DB> = this.db): Promise<void> {
    await db.deleteFrom('sessions').where('id', '=', id).execute();
  }

  /** Ends every session signed in through these identities; returns how many. */
  async deleteByIdentities(identityIds: string[], db: Kysely<DB> = this.db): Promise<number> {
    if (identityIds.length === 0) return 0;
    const res = await db.deleteFrom('sessions').where('identity_id', 'in', identityIds).executeTakeFirst();
    return Number(res.numDeletedRows);
  }

  async deleteExpired(now: number): Promise<void> {
    await this.db.deleteFrom('sessions').where('expires_at', '<', now).execute();
  }
}
