import type { Insertable, Kysely } from 'kysely';
import type { DB, MailDeliveryState, MailErrorKind, MailMessage, MailMessagesTable } from '../db/schema.js';

const STATE_KEY = 'smtp';
const IN_CHUNK = 500;

export type NewMailMessage = Omit<Insertable<MailMessagesTable>, 'attempts' | 'last_error' | 'sent_at' | 'status' | 'lease_until' | 'last_attempt_at' | 'error_kind' | 'error_detail'>;

/** The outbox (mail_messages) and the shared delivery state (mail_delivery_state). */
export class MailRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async insert(row: NewMailMessage, db: Kysely<DB> = this.db) {
    await db
      .insertInto('mail_messages')
      .values({ ...row, status: 'pending', attempts: 0, last_error: null, sent_at: null })
      .execute();
  }

  /** Messages to try now: pending and due, or claimed by a process whose lease ran out. Oldest first. */
  async due(now: number, limit = 20): Promise<MailMessage[]> {
    await this.settleWithdrawn(undefined, now);
    return this.db
      .selectFrom('mail_messages')
      .selectAll()
      .where((eb) =>
        eb.or([
          eb.and([eb('status', '=', 'pending'), eb('next_attempt_at', '<=', now)]),
          eb.and([eb('status', '=', 'sending'), eb('lease_until', '<=', now)]),
        ]),
      )
      .orderBy('created_at')
      .orderBy('id')
      .limit(limit)
      .execute();
  }

  /**
   * Claims a message for one try until `leaseUntil`: one conditional UPDATE, so two processes (or a
   * process and its restarted self) never send it at the same time. The attempt count is the fence: only
   * the claimant (attempts = seen + 1) may record the try's outcome.
   */
  async claim(m: Pick<MailMessage, 'id' | 'attempts'>, now: number, leaseUntil: number): Promise<boolean> {
    const r = await this.db
      .updateTable('mail_messages')
      .set({ status: 'sending', attempts: m.attempts + 1, lease_until: leaseUntil, last_attempt_at: now })
      .where('id', '=', m.id)
      .where('attempts', '=', m.attempts)
      .where((eb) =>
        eb.or([
          eb.and([eb('status', '=', 'pending'), eb('next_attempt_at', '<=', now)]),
          eb.and([eb('status', '=', 'sending'), eb('lease_until', '<=', now)]),
        ]),
      )
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** The server accepted it. Written right after the accept, whoever holds the lease now. */
  /**
   * Invite emails still waiting for these invites are not sent any more: their link was replaced or
   * revoked (after an outage the person would get a dead link, and a replaced one beside the new).
   * A message on its way right now is marked too: if that try fails it is not tried again, and if its
   * process died it is not picked up again (if the server accepts it, it is sent: that is the truth).
   */
  async withdrawForInvites(inviteIds: string[], reason: string, db: Kysely<DB> = this.db): Promise<number> {
    if (inviteIds.length === 0) return 0;
    const r = await db
      .updateTable('mail_messages')
      .set({ status: 'failed', last_error: reason, error_kind: 'withdrawn', error_detail: null, lease_until: null })
      .where('invite_id', 'in', inviteIds)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    await db.updateTable('mail_messages').set({ error_kind: 'withdrawn', last_error: reason }).where('invite_id', 'in', inviteIds).where('status', '=', 'sending').execute();
    return Number(r.numUpdatedRows);
  }

  /** Withdrawn messages whose try ended without an accept (or whose process died): failed, with the reason given. */
  private async settleWithdrawn(id: string | undefined, now: number, attempt?: number): Promise<boolean> {
    let q = this.db.updateTable('mail_messages').set({ status: 'failed', lease_until: null }).where('status', '=', 'sending').where('error_kind', '=', 'withdrawn');
    if (id !== undefined) {
      q = q.where('id', '=', id);
      if (attempt !== undefined) q = q.where('attempts', '=', attempt);
    } else q = q.where('lease_until', '<=', now);
    return Number((await q.executeTakeFirst()).numUpdatedRows) > 0;
  }

  async markSent(id: string, at: number) {
    await this.db
      .updateTable('mail_messages')
      .set({ status: 'sent', sent_at: at, last_error: null, error_kind: null, error_detail: null, lease_until: null })
      .where('id', '=', id)
      .where('status', '!=', 'sent')
      .execute();
  }

  async markRetry(id: string, attempt: number, f: { error: string; kind: MailErrorKind; detail: string; nextAt: number }) {
    if (await this.settleWithdrawn(id, 0, attempt)) return;
    await this.db
      .updateTable('mail_messages')
      .set({ status: 'pending', last_error: f.error, error_kind: f.kind, error_detail: f.detail, next_attempt_at: f.nextAt, lease_until: null })
      .where('id', '=', id)
      .where('status', '=', 'sending')
      .where('attempts', '=', attempt)
      .execute();
  }

  async markFailed(id: string, attempt: number, f: { error: string; kind: MailErrorKind; detail: string }) {
    if (await this.settleWithdrawn(id, 0, attempt)) return;
    await this.db
      .updateTable('mail_messages')
      .set({ status: 'failed', last_error: f.error, error_kind: f.kind, error_detail: f.detail, lease_until: null })
      .where('id', '=', id)
      .where('status', '=', 'sending')
      .where('attempts', '=', attempt)
      .execute();
  }

  /** The mail server is back: messages that were waiting for it are due now (not at their own backoff). */
  async releaseWaitingForServer(now: number, kinds: readonly MailErrorKind[]): Promise<number> {
    const r = await this.db
      .updateTable('mail_messages')
      .set({ next_attempt_at: now })
      .where('status', '=', 'pending')
      .where('next_attempt_at', '>', now)
      .where('error_kind', 'in', [...kinds])
      .executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  list(opts: { limit: number; to?: string }): Promise<MailMessage[]> {
    let q = this.db.selectFrom('mail_messages').selectAll().orderBy('created_at', 'desc').limit(opts.limit);
    if (opts.to) q = q.where('to_address', '=', opts.to);
    return q.execute();
  }

  findById(id: string): Promise<MailMessage | undefined> {
    return this.db.selectFrom('mail_messages').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** The messages carrying these invites' links. */
  async forInvites(inviteIds: string[]): Promise<MailMessage[]> {
    const out: MailMessage[] = [];
    for (let i = 0; i < inviteIds.length; i += IN_CHUNK) {
      const ids = inviteIds.slice(i, i + IN_CHUNK);
      out.push(...(await this.db.selectFrom('mail_messages').selectAll().where('invite_id', 'in', ids).orderBy('created_at').execute()));
    }
    return out;
  }

  /** Messages not sent yet and not given up: waiting, or being tried. */
  async countWaiting(): Promise<number> {
    const r = await this.db
      .selectFrom('mail_messages')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('status', 'in', ['pending', 'sending'])
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async oldestWaiting(): Promise<number | null> {
    const r = await this.db
      .selectFrom('mail_messages')
      .select((eb) => eb.fn.min('created_at').as('t'))
      .where('status', 'in', ['pending', 'sending'])
      .executeTakeFirst();
    return r?.t === null || r?.t === undefined ? null : Number(r.t);
  }

  // ------------------------------------------------------------ the shared delivery state

  async state(): Promise<MailDeliveryState> {
    const row = await this.db.selectFrom('mail_delivery_state').selectAll().where('key', '=', STATE_KEY).executeTakeFirst();
    if (row) return row;
    // The migration inserts the row; a concurrent first reader may find it missing only if someone deleted it.
    await this.db.insertInto('mail_delivery_state').values({ key: STATE_KEY, consecutive_failures: 0, next_probe_at: 0 }).onConflict((oc) => oc.column('key').doNothing()).execute();
    return this.db.selectFrom('mail_delivery_state').selectAll().where('key', '=', STATE_KEY).executeTakeFirstOrThrow();
  }

  /**
   * Takes the one probe of this backoff step (across processes): moves the probe time from `seen` to
   * `holdUntil` only if nobody else did. A process that dies while probing holds the step until then.
   */
  async claimProbe(seen: number, now: number, holdUntil: number): Promise<boolean> {
    const r = await this.db
      .updateTable('mail_delivery_state')
      .set({ next_probe_at: holdUntil })
      .where('key', '=', STATE_KEY)
      .where('next_probe_at', '=', seen)
      .where('next_probe_at', '<=', now)
      .where('consecutive_failures', '>', 0)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** Gives the probe back (it had nothing to send, or its message said nothing about the server). */
  async releaseProbe(now: number) {
    await this.db.updateTable('mail_delivery_state').set({ next_probe_at: now }).where('key', '=', STATE_KEY).where('consecutive_failures', '>', 0).where('next_probe_at', '>', now).execute();
  }

  /**
   * A server failure of a try that started at `startedAt`. It counts as one more failure in a row only
   * when the try started after the last recorded failure (tries running side by side fail together and
   * count once). `nextProbe(count)` gives the next probe time for the new count. Returns the state after.
   */
  async recordServerFailure(startedAt: number, now: number, f: { error: string; kind: MailErrorKind }, nextProbe: (count: number) => number): Promise<MailDeliveryState> {
    for (let i = 0; i < 5; i++) {
      const s = await this.state();
      const counts = s.last_failure_at === null || startedAt > s.last_failure_at;
      if (!counts) {
        await this.db.updateTable('mail_delivery_state').set({ last_error: f.error, last_error_kind: f.kind }).where('key', '=', STATE_KEY).execute();
        return { ...s, last_error: f.error, last_error_kind: f.kind };
      }
      const count = s.consecutive_failures + 1;
      const next = {
        consecutive_failures: count,
        failing_since: s.consecutive_failures === 0 || s.failing_since === null ? startedAt : s.failing_since,
        last_failure_at: now,
        next_probe_at: nextProbe(count),
        last_error: f.error,
        last_error_kind: f.kind,
      };
      const r = await this.db
        .updateTable('mail_delivery_state')
        .set(next)
        .where('key', '=', STATE_KEY)
        .where('consecutive_failures', '=', s.consecutive_failures)
        .where((eb) => (s.last_failure_at === null ? eb('last_failure_at', 'is', null) : eb('last_failure_at', '=', s.last_failure_at)))
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) === 1) return { ...s, ...next };
    }
    return this.state();
  }

  /**
   * The server answered a try that started at `startedAt`: it is up. Ends a run of failures unless a
   * failure was recorded after this try started (then the server went down meanwhile). True when this
   * call ended a run of failures.
   */
  async recordServerUp(startedAt: number): Promise<boolean> {
    const r = await this.db
      .updateTable('mail_delivery_state')
      .set({ consecutive_failures: 0, failing_since: null, next_probe_at: 0, last_error: null, last_error_kind: null })
      .where('key', '=', STATE_KEY)
      .where('consecutive_failures', '>', 0)
      .where((eb) => eb.or([eb('last_failure_at', 'is', null), eb('last_failure_at', '<', startedAt)]))
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }
}
