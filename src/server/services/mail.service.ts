import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Mailer, MailAttachment } from '../adapters/mail/mailer.js';
import type { MailDeliveryState, MailMessage } from '../db/schema.js';
import {
  afterFailure,
  backoffDelay,
  classifyDeliveryError,
  defaultRetryPolicy,
  emailDeliveryOf,
  isFailing,
  messageIdFor,
  serverErrorKinds,
  type DeliveryHealth,
  type EmailDelivery,
  type RetryPolicy,
} from '../domain/mail-delivery.js';
import type { MailRepository } from '../repositories/mail.repository.js';
import type { Tx } from '../repositories/transaction.js';

export interface MailToSend {
  kind: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  attachments?: MailAttachment[];
  /** The invite whose link this message carries (its People with access row shows how the email stands). */
  inviteId?: string;
}

/** How site mail stands, for the owner's and the admin's notice. */
export interface MailHealth {
  mode: 'smtp' | 'outbox';
  /** The last `failingAfterTries` tries (or more) in a row failed because of the server. */
  failing: boolean;
  /** Since when tries have been failing (the first failure of the run). */
  since: number | null;
  /** When the next try will be made while failing. */
  nextTryAt: number | null;
  /** The last error, in plain words. */
  problem: string | null;
}

/**
 * Longer than any one delivery can take (the SMTP adapter's timeouts end a try well within it), so a
 * lease runs out only when its process died; then the message is tried again.
 */
const LEASE_MS = 2 * 60_000;
const BATCH = 50;

/**
 * The outbox. Mail is written to the database inside the caller's transaction and sent after commit:
 * `queue()` inside the transaction, `kick()` after it; a loop (`start()`, in every web process) retries.
 *
 * Exactly once: each try claims its message with a conditional UPDATE (status 'sending' and a lease), so two
 * processes never send one message at the same time, and a message whose claimant died is tried again once
 * the lease runs out. The one window left — the server accepted the message and the process died before
 * recording it — is kept small by recording "sent" right after the accept, and every try of a message
 * carries the same Message-ID, so receivers can drop a repeat.
 *
 * Outages: see domain/mail-delivery.ts. While the server fails, one probe per backoff step (shared by all
 * processes through mail_delivery_state) instead of a try per message; when a probe gets through, every
 * message that waited for the server is due at once and the queue drains through the pooled transport.
 */
export class MailService {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;
  private readonly policy: RetryPolicy;

  constructor(
    private readonly deps: {
      repo: MailRepository;
      mailer: Mailer;
      from: string;
      clock: () => number;
      logger: Logger;
      policy?: Partial<RetryPolicy>;
      /** Host for Message-IDs when MAIL_FROM has no domain. */
      host?: string;
      random?: () => number;
    },
  ) {
    this.policy = { ...defaultRetryPolicy, ...deps.policy };
  }

  private get repo(): MailRepository {
    return this.deps.repo;
  }

  get mode(): 'smtp' | 'outbox' {
    return this.deps.mailer.kind;
  }

  get retryPolicy(): RetryPolicy {
    return this.policy;
  }

  /** Writes the message to the outbox table, inside the caller's transaction when `trx` is given. */
  /** Waiting emails carrying these invites' links are not sent any more (the links died). */
  withdrawForInvites(inviteIds: string[], why: 'replaced' | 'revoked', trx?: Tx): Promise<number> {
    const reason = why === 'replaced' ? 'Not sent: a newer link replaced the one in this email before it could go out.' : 'Not sent: the invite was revoked before this email could go out.';
    return this.repo.withdrawForInvites(inviteIds, reason, trx);
  }

  async queue(mail: MailToSend, trx?: Tx): Promise<string> {
    const id = randomUUID();
    const now = this.deps.clock();
    await this.repo.insert(
      {
        id,
        kind: mail.kind,
        to_address: mail.to,
        subject: mail.subject,
        text_body: mail.text,
        html_body: mail.html,
        attachments_json: mail.attachments ? JSON.stringify(mail.attachments) : null,
        next_attempt_at: now,
        created_at: now,
        invite_id: mail.inviteId ?? null,
      },
      trx,
    );
    return id;
  }

  /** Queue outside any transaction and send right away. */
  async send(mail: MailToSend): Promise<string> {
    const id = await this.queue(mail);
    this.kick();
    return id;
  }

  /** Starts a delivery pass now (after a commit). Never throws. */
  kick(): void {
    if (this.stopped) return;
    void this.flush();
  }

  /** Delivers everything due; resolves when the pass is over. Concurrent calls share one pass. */
  flush(): Promise<void> {
    if (this.running) return this.running.then(() => this.flushOnce());
    return this.flushOnce();
  }

  private flushOnce(): Promise<void> {
    if (this.running) return this.running;
    this.running = this.deliverDue()
      .catch((err) => this.deps.logger.error({ err }, 'mail delivery pass failed'))
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  private async deliverDue(): Promise<void> {
    while (!this.stopped) {
      const now = this.deps.clock();
      const state = await this.repo.state();
      if (state.consecutive_failures > 0) {
        // The server is failing: one probe per backoff step, across all processes.
        if (state.next_probe_at > now) return;
        if (!(await this.repo.claimProbe(state.next_probe_at, now, now + LEASE_MS))) return;
        const [probe] = await this.repo.due(now, 1);
        if (!probe) {
          await this.repo.releaseProbe(now);
          return;
        }
        const outcome = await this.attempt(probe);
        if (outcome === 'server_failed') return;
        // 'skipped' (someone else claimed it) or a message error without the server's answer: the step is free again.
        if (outcome === 'skipped' || outcome === 'no_signal') await this.repo.releaseProbe(this.deps.clock());
        continue;
      }
      const due = await this.repo.due(now, BATCH);
      if (due.length === 0) return;
      let serverFailed = false;
      const queue = [...due];
      const worker = async () => {
        for (let m = queue.shift(); m && !serverFailed && !this.stopped; m = queue.shift()) {
          if ((await this.attempt(m)) === 'server_failed') serverFailed = true;
        }
      };
      await Promise.all(Array.from({ length: Math.max(1, this.deps.mailer.concurrency ?? 1) }, worker));
    }
  }

  /** One try of one message: claim, deliver, record. */
  private async attempt(m: MailMessage): Promise<'sent' | 'skipped' | 'server_failed' | 'message_failed' | 'no_signal'> {
    const startedAt = this.deps.clock();
    if (!(await this.repo.claim(m, startedAt, startedAt + LEASE_MS))) return 'skipped';
    const attempt = m.attempts + 1;
    try {
      await this.deps.mailer.deliver({
        from: this.deps.from,
        to: m.to_address,
        subject: m.subject,
        text: m.text_body,
        html: m.html_body,
        attachments: m.attachments_json ? JSON.parse(m.attachments_json) : undefined,
        messageId: messageIdFor(m.id, this.deps.from, this.deps.host ?? 'foyer.localhost'),
      });
    } catch (err) {
      return this.failed(m, attempt, startedAt, err);
    }
    // Recorded at once: the only window for a repeat is between the server's accept and this line.
    await this.repo.markSent(m.id, this.deps.clock());
    await this.serverUp(startedAt);
    return 'sent';
  }

  private async failed(m: MailMessage, attempt: number, startedAt: number, err: unknown) {
    const failure = classifyDeliveryError(err);
    const now = this.deps.clock();
    let serverRetryAt: number | undefined;
    if (failure.scope === 'server') {
      const state = await this.repo.recordServerFailure(startedAt, now, { error: failure.plain, kind: failure.kind }, (count) => now + backoffDelay(count, this.policy, this.deps.random));
      serverRetryAt = state.next_probe_at;
      if (state.consecutive_failures === this.policy.failingAfterTries) {
        this.deps.logger.error({ err: failure.detail, since: state.failing_since }, 'mail delivery is failing: messages wait and are sent when the mail server is back');
      }
    } else if (failure.serverAnswered) {
      await this.serverUp(startedAt);
    }
    const decision = afterFailure({ createdAt: m.created_at, attempts: attempt }, failure, { now, policy: this.policy, serverRetryAt, random: this.deps.random });
    if (decision.action === 'give_up') {
      await this.repo.markFailed(m.id, attempt, { error: decision.reason, kind: decision.kind, detail: failure.detail });
      this.deps.logger.error({ mailId: m.id, kind: m.kind, attempts: attempt, err: failure.detail }, 'mail failed for good');
    } else {
      await this.repo.markRetry(m.id, attempt, { error: failure.plain, kind: failure.kind, detail: failure.detail, nextAt: decision.at });
      this.deps.logger.warn({ mailId: m.id, attempt, err: failure.detail, nextAt: decision.at }, 'mail delivery failed, will retry');
    }
    if (failure.scope === 'server') return 'server_failed' as const;
    return failure.serverAnswered ? ('message_failed' as const) : ('no_signal' as const);
  }

  /** The server answered: a run of failures ends, and every message that waited for it is due now. */
  private async serverUp(startedAt: number) {
    if (await this.repo.recordServerUp(startedAt)) {
      const released = await this.repo.releaseWaitingForServer(this.deps.clock(), serverErrorKinds);
      this.deps.logger.info({ released }, 'mail server is back: sending the waiting messages');
    }
  }

  /** Polls for retries that come due (default: every 5 s, or sooner when the first retry delay is shorter). */
  start(intervalMs = Math.min(5_000, Math.max(100, this.policy.firstDelayMs))): void {
    this.stopped = false;
    if (this.timer) clearInterval(this.timer);
    this.timer = setInterval(() => this.kick(), intervalMs);
    this.timer.unref();
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  list(opts: { limit?: number; to?: string } = {}) {
    return this.repo.list({ limit: opts.limit ?? 200, to: opts.to });
  }

  get(id: string) {
    return this.repo.findById(id);
  }

  private static health(s: MailDeliveryState): DeliveryHealth {
    return { consecutiveFailures: s.consecutive_failures, failingSince: s.failing_since, nextProbeAt: s.next_probe_at, lastError: s.last_error };
  }

  /** Is site mail failing, since when, and when is the next try. */
  async health(): Promise<MailHealth> {
    const h = MailService.health(await this.repo.state());
    const failing = isFailing(h, this.policy);
    return {
      mode: this.mode,
      failing,
      since: h.consecutiveFailures > 0 ? h.failingSince : null,
      nextTryAt: h.consecutiveFailures > 0 ? h.nextProbeAt : null,
      problem: h.consecutiveFailures > 0 ? h.lastError : null,
    };
  }

  /** Every message not sent yet and not given up. */
  countWaiting(): Promise<number> {
    return this.repo.countWaiting();
  }

  /** How the email of each invite stands (the latest message carrying its link), by invite id. */
  async deliveryForInvites(inviteIds: string[]): Promise<Map<string, EmailDelivery>> {
    const out = new Map<string, EmailDelivery>();
    if (inviteIds.length === 0) return out;
    const [messages, state] = await Promise.all([this.repo.forInvites(inviteIds), this.repo.state()]);
    const h = MailService.health(state);
    // Ordered by creation: the latest message of an invite wins.
    for (const m of messages) if (m.invite_id) out.set(m.invite_id, emailDeliveryOf(m, h));
    return out;
  }

  /** Meta for the admin's outbox rows: when a waiting message is next tried. */
  async nextTryFor(messages: MailMessage[]): Promise<Map<string, number | null>> {
    const h = MailService.health(await this.repo.state());
    return new Map(messages.map((m) => [m.id, emailDeliveryOf(m, h).nextTryAt]));
  }
}
