import type { Insertable, Kysely, Updateable } from 'kysely';
import type { DB, Grant, GrantsTable, Invite, InvitesTable } from '../db/schema.js';

export class InviteRepository {
  constructor(private readonly db: Kysely<DB>) {}

  /** The newest invite to each of these addresses (canonical) on a media item. */
  async newestByEmails(mediaId: string, emails: string[]): Promise<Invite[]> {
    if (emails.length === 0) return [];
    const rows = await this.db.selectFrom('invites').selectAll().where('media_id', '=', mediaId).where('email_canonical', 'in', emails).orderBy('created_at', 'desc').execute();
    const seen = new Set<string>();
    return rows.filter((r) => !seen.has(r.email_canonical) && (seen.add(r.email_canonical), true));
  }

  async insert(row: Insertable<InvitesTable>, db: Kysely<DB> = this.db): Promise<void> {
    await db.insertInto('invites').values(row).execute();
  }

  findByTokenHash(hash: string, db: Kysely<DB> = this.db): Promise<Invite | undefined> {
    return db.selectFrom('invites').selectAll().where('token_hash', '=', hash).executeTakeFirst();
  }

  findById(id: string, db: Kysely<DB> = this.db): Promise<Invite | undefined> {
    return db.selectFrom('invites').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** Current links (not replaced by a newer one) of a media item, newest first. */
  listCurrent(mediaId: string): Promise<Invite[]> {
    return this.db
      .selectFrom('invites')
      .selectAll()
      .where('media_id', '=', mediaId)
      .where('replaced_by', 'is', null)
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .execute();
  }

  /** Links made by the person themselves ("email me a new link") for this media since `since`. */
  async countSelfServiceSince(mediaId: string, emailCanonical: string, since: number): Promise<number> {
    const row = await this.db
      .selectFrom('invites')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('media_id', '=', mediaId)
      .where('email_canonical', '=', emailCanonical)
      .where('created_by', 'is', null)
      .where('created_at', '>=', since)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Current, unrevoked links to these addresses for a media item. */
  currentFor(mediaId: string, emails: string[], db: Kysely<DB> = this.db): Promise<Invite[]> {
    if (emails.length === 0) return Promise.resolve([]);
    return db
      .selectFrom('invites')
      .selectAll()
      .where('media_id', '=', mediaId)
      .where('email_canonical', 'in', emails)
      .where('replaced_by', 'is', null)
      .where('revoked_at', 'is', null)
      .execute();
  }

  async insertMany(rows: Insertable<InvitesTable>[], db: Kysely<DB> = this.db): Promise<void> {
    if (rows.length) await db.insertInto('invites').values(rows).execute();
  }

  async update(id: string, patch: Updateable<InvitesTable>, db: Kysely<DB> = this.db): Promise<void> {
    await db.updateTable('invites').set(patch).where('id', '=', id).execute();
  }

  async countAttempt(id: string, db: Kysely<DB> = this.db): Promise<void> {
    await db.updateTable('invites').set((eb) => ({ attempts: eb('attempts', '+', 1) })).where('id', '=', id).execute();
  }

  /**
   * The atomic use of a link: one conditional UPDATE that counts the use and binds the device only if
   * the link is still usable at this instant. Returns false when another request got there first.
   */
  async redeem(opts: { id: string; now: number; deviceHash: string }, db: Kysely<DB> = this.db): Promise<boolean> {
    const res = await db
      .updateTable('invites')
      .set((eb) => ({
        uses: eb('uses', '+', 1),
        device_hash: eb.fn.coalesce('device_hash', eb.val(opts.deviceHash)),
        first_redeemed_at: eb.fn.coalesce('first_redeemed_at', eb.val(opts.now)),
        last_access_at: opts.now,
        code_hash: null,
        code_expires_at: null,
        code_device_hash: null,
      }))
      .where('id', '=', opts.id)
      .where('revoked_at', 'is', null)
      .where('replaced_by', 'is', null)
      .where('expires_at', '>', opts.now)
      .where((eb) => eb('attempts', '<', eb.ref('max_attempts')))
      .where((eb) => eb.or([eb('max_uses', '=', -1), eb('uses', '<', eb.ref('max_uses'))]))
      .where((eb) => eb.or([eb('bind_device', '=', 0), eb('device_hash', 'is', null), eb('device_hash', '=', opts.deviceHash)]))
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }
}

export class GrantRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async insert(row: Insertable<GrantsTable>, db: Kysely<DB> = this.db): Promise<void> {
    await db.insertInto('grants').values(row).execute();
  }

  /**
   * Live grants a session or account holds on a media item; with `activeAt`, only those not expired
   * then (a guest's grant ends on its own expiry).
   */
  liveFor(opts: { mediaId: string; sessionId?: string; userId?: string; activeAt?: number }, db: Kysely<DB> = this.db): Promise<Grant[]> {
    let q = db.selectFrom('grants').selectAll().where('media_id', '=', opts.mediaId).where('revoked_at', 'is', null);
    if (opts.activeAt !== undefined) {
      const at = opts.activeAt;
      q = q.where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', at)]));
    }
    return q
      .where((eb) => {
        const ors = [];
        if (opts.sessionId) ors.push(eb('session_id', '=', opts.sessionId));
        if (opts.userId) ors.push(eb('user_id', '=', opts.userId));
        // No visitor identity: match nothing.
        return ors.length ? eb.or(ors) : eb('id', '=', '');
      })
      .execute();
  }

  liveByInvites(inviteIds: string[], db: Kysely<DB> = this.db): Promise<Grant[]> {
    if (inviteIds.length === 0) return Promise.resolve([]);
    return db.selectFrom('grants').selectAll().where('invite_id', 'in', inviteIds).where('revoked_at', 'is', null).execute();
  }

  /** Live grants of everyone who came in through any link to this person for this media. */
  liveForPerson(mediaId: string, emailCanonical: string, db: Kysely<DB> = this.db): Promise<Grant[]> {
    return db
      .selectFrom('grants')
      .selectAll()
      .where('media_id', '=', mediaId)
      .where('email_canonical', '=', emailCanonical)
      .where('revoked_at', 'is', null)
      .execute();
  }

  liveForMedia(mediaId: string, db: Kysely<DB> = this.db): Promise<Grant[]> {
    return db.selectFrom('grants').selectAll().where('media_id', '=', mediaId).where('revoked_at', 'is', null).execute();
  }

  /**
   * A rotated session keeps its access: every grant moves to the new session, the revoked ones too
   * (so a lost media keeps saying why).
   */
  async moveToSession(from: string, to: string, db: Kysely<DB> = this.db): Promise<void> {
    await db.updateTable('grants').set({ session_id: to }).where('session_id', '=', from).execute();
  }

  /** The latest expiry among a session's live grants, or undefined when it holds none. */
  async latestExpiry(sessionId: string, db: Kysely<DB> = this.db): Promise<number | undefined> {
    const row = await db
      .selectFrom('grants')
      .select((eb) => eb.fn.max('expires_at').as('at'))
      .where('session_id', '=', sessionId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return row?.at == null ? undefined : Number(row.at);
  }

  /** A replaced link: the grants it gave now belong to the link that replaced it. */
  async moveToInvite(from: string, to: string, db: Kysely<DB> = this.db): Promise<void> {
    await db.updateTable('grants').set({ invite_id: to }).where('invite_id', '=', from).execute();
  }

  /** The invited person behind each of these guest sessions on this media (for naming guests to the owner). */
  inviteesBySession(sessionIds: string[], mediaId: string): Promise<Array<{ session_id: string | null; email: string; first_name: string; last_name: string }>> {
    if (sessionIds.length === 0) return Promise.resolve([]);
    return this.db
      .selectFrom('grants')
      .innerJoin('invites', 'invites.id', 'grants.invite_id')
      .select(['grants.session_id', 'invites.email', 'invites.first_name', 'invites.last_name'])
      .where('grants.session_id', 'in', sessionIds)
      .where('grants.media_id', '=', mediaId)
      .execute();
  }

  async update(ids: string[], patch: Partial<Pick<Grant, 'role' | 'revoked_at' | 'last_access_at' | 'session_id' | 'invite_id' | 'expires_at'>>, db: Kysely<DB> = this.db): Promise<void> {
    if (ids.length === 0) return;
    await db.updateTable('grants').set(patch).where('id', 'in', ids).execute();
  }
}
