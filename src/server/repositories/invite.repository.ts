import { sql, type Insertable, type Kysely, type Updateable } from 'kysely';
import type { AuditLogTable, DB, Grant, GrantsTable, Invite, InvitesTable, Media, Session } from '../db/schema.js';
import { isPostgres, Precompiled } from './compiled.js';

type ClaimParams = { id: string; now: number; deviceHash: string };

/** The conditional UPDATE that uses a link: counts the use and binds the device only if it is still usable now. */
const claimLink = (db: Kysely<DB>, p: <K extends keyof ClaimParams>(k: K) => ClaimParams[K]) =>
  db
    .updateTable('invites')
    .set((eb) => ({
      uses: eb('uses', '+', 1),
      device_hash: eb.fn.coalesce('device_hash', eb.val(p('deviceHash'))),
      first_redeemed_at: eb.fn.coalesce('first_redeemed_at', eb.val(p('now'))),
      last_access_at: p('now'),
      code_hash: null,
      code_expires_at: null,
      code_device_hash: null,
    }))
    .where('id', '=', p('id'))
    .where('revoked_at', 'is', null)
    .where('replaced_by', 'is', null)
    .where('expires_at', '>', p('now'))
    .where((eb) => eb('attempts', '<', eb.ref('max_attempts')))
    .where((eb) => eb.or([eb('max_uses', '=', -1), eb('uses', '<', eb.ref('max_uses'))]))
    .where((eb) => eb.or([eb('bind_device', '=', 0), eb('device_hash', 'is', null), eb('device_hash', '=', p('deviceHash'))]));

/** What a first redemption writes besides the use itself: the new session, its grant and the audit entry. */
export interface FreshRedemption {
  claim: ClaimParams;
  session: Session;
  grant: Required<Insertable<GrantsTable>>;
  audit: Insertable<AuditLogTable> & { details_json: string | null; actor_id: string | null; media_id: string | null; invite_id: string | null };
}

type FreshParams = {
  [K in keyof ClaimParams]: ClaimParams[K];
} & { [K in keyof Session as `s_${K}`]: Session[K] } & { [K in keyof FreshRedemption['grant'] as `g_${K}`]: FreshRedemption['grant'][K] } & {
  [K in keyof FreshRedemption['audit'] as `a_${K}`]: FreshRedemption['audit'][K];
};

const SESSION_COLS = ['id', 'user_id', 'kind', 'device_id', 'created_at', 'expires_at', 'last_seen_at'] as const;
const GRANT_COLS = ['id', 'media_id', 'invite_id', 'email_canonical', 'role', 'session_id', 'user_id', 'created_at', 'last_access_at', 'revoked_at', 'expires_at'] as const;
const AUDIT_COLS = ['id', 'at', 'action', 'actor_kind', 'actor_id', 'actor_label', 'media_id', 'invite_id', 'details_json'] as const;
const BIGINT = new Set(['created_at', 'expires_at', 'last_seen_at', 'last_access_at', 'revoked_at', 'at']);

const freshParams = (r: FreshRedemption): FreshParams => {
  const out: Record<string, unknown> = { ...r.claim };
  for (const c of SESSION_COLS) out[`s_${c}`] = r.session[c];
  for (const c of GRANT_COLS) out[`g_${c}`] = r.grant[c];
  for (const c of AUDIT_COLS) out[`a_${c}`] = r.audit[c];
  return out as FreshParams;
};

export class InviteRepository {
  constructor(private readonly db: Kysely<DB>) {}

  private readonly byTokenHash = new Precompiled<{ hash: string }, Invite>((db, p) => db.selectFrom('invites').selectAll().where('token_hash', '=', p('hash')));
  private readonly claim = new Precompiled<ClaimParams, never>(claimLink);
  private readonly insertSession = new Precompiled<FreshParams, never>((db, p) => db.insertInto('sessions').values(Object.fromEntries(SESSION_COLS.map((c) => [c, p(`s_${c}`)])) as never));
  private readonly insertGrant = new Precompiled<FreshParams, never>((db, p) => db.insertInto('grants').values(Object.fromEntries(GRANT_COLS.map((c) => [c, p(`g_${c}`)])) as never));
  private readonly insertAudit = new Precompiled<FreshParams, never>((db, p) => db.insertInto('audit_log').values(Object.fromEntries(AUDIT_COLS.map((c) => [c, p(`a_${c}`)])) as never));
  /**
   * PostgreSQL: the whole first redemption in one statement (one round trip, atomic on its own). The
   * inserts select from the claim, so they happen only when the conditional UPDATE used the link;
   * a concurrent claim of the same row waits for the first and then re-checks the WHERE (uses < max_uses).
   */
  private readonly freshPg = new Precompiled<FreshParams, { n: number }>((db, p) => {
    const cols = (prefix: string, names: readonly string[]) =>
      sql.join(names.map((c) => (BIGINT.has(c) ? sql`cast(${p(`${prefix}_${c}` as keyof FreshParams)} as bigint)` : sql`cast(${p(`${prefix}_${c}` as keyof FreshParams)} as text)`)));
    const names = (list: readonly string[]) => sql.join(list.map((c) => sql.ref(c)));
    const claimed = claimLink(db, p).returning('id');
    const q = sql<{ n: number }>`with claimed as (${claimed}),
      s as (insert into sessions (${names(SESSION_COLS)}) select ${cols('s', SESSION_COLS)} from claimed),
      g as (insert into grants (${names(GRANT_COLS)}) select ${cols('g', GRANT_COLS)} from claimed),
      a as (insert into audit_log (${names(AUDIT_COLS)}) select ${cols('a', AUDIT_COLS)} from claimed)
      select count(*)::int as n from claimed`;
    return { compile: () => q.compile(db) };
  });

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
    return this.byTokenHash.first(db, { hash });
  }

  private readonly mediaOf = new Precompiled<{ id: string }, Media>((db, p) => db.selectFrom('media').selectAll().where('id', '=', p('id')));
  private readonly withMediaPg = new Precompiled<{ hash: string }, Invite & { media_row: Media }>((db, p) =>
    db
      .selectFrom('invites')
      .innerJoin('media', 'media.id', 'invites.media_id')
      .selectAll('invites')
      // The whole media row, whatever columns migrations added; bigint and integer columns come back as JSON numbers.
      .select(sql<Media>`to_jsonb(media)`.as('media_row'))
      .where('invites.token_hash', '=', p('hash')),
  );

  /**
   * The invite behind a link and its media (deleted or not), for the lobby: one round trip on
   * PostgreSQL; on SQLite two cheap in-process lookups.
   */
  async findWithMediaByTokenHash(hash: string): Promise<{ invite: Invite; media: Media } | undefined> {
    if (isPostgres(this.db)) {
      const row = await this.withMediaPg.first(this.db, { hash });
      if (!row) return undefined;
      const { media_row: media, ...invite } = row;
      return { invite, media };
    }
    const invite = await this.byTokenHash.first(this.db, { hash });
    const media = invite && (await this.mediaOf.first(this.db, { id: invite.media_id }));
    return invite && media ? { invite, media } : undefined;
  }

  private readonly byId = new Precompiled<{ id: string }, Invite>((db, p) => db.selectFrom('invites').selectAll().where('id', '=', p('id')));

  findById(id: string, db: Kysely<DB> = this.db): Promise<Invite | undefined> {
    return this.byId.first(db, { id });
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
  async redeem(opts: ClaimParams, db: Kysely<DB> = this.db): Promise<boolean> {
    return (await this.claim.changed(db, opts)) === 1;
  }

  /**
   * A first redemption (a device with no session yet): the use, the new guest session, its grant and
   * the audit entry, all or nothing. One statement on PostgreSQL; on SQLite one transaction of four
   * precompiled statements. Returns false (and writes nothing) when the link could not be used.
   */
  async redeemFresh(r: FreshRedemption): Promise<boolean> {
    const params = freshParams(r);
    if (isPostgres(this.db)) return ((await this.freshPg.first(this.db, params))?.n ?? 0) === 1;
    return this.db.transaction().execute(async (trx) => {
      if ((await this.claim.changed(trx, params)) !== 1) return false;
      await this.insertSession.changed(trx, params);
      await this.insertGrant.changed(trx, params);
      await this.insertAudit.changed(trx, params);
      return true;
    });
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
  // a guest's access check on every request to a media item: built and compiled once
  private readonly liveForSession = new Precompiled<{ mediaId: string; sessionId: string; activeAt: number }, Grant>((db, p) =>
    db
      .selectFrom('grants')
      .selectAll()
      .where('media_id', '=', p('mediaId'))
      .where('revoked_at', 'is', null)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', p('activeAt'))]))
      .where('session_id', '=', p('sessionId')),
  );

  liveFor(opts: { mediaId: string; sessionId?: string; userId?: string; activeAt?: number }, db: Kysely<DB> = this.db): Promise<Grant[]> {
    if (opts.sessionId && !opts.userId && opts.activeAt !== undefined) {
      return this.liveForSession.all(db, { mediaId: opts.mediaId, sessionId: opts.sessionId, activeAt: opts.activeAt });
    }
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
