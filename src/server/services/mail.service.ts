import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Mailer, MailAttachment } from '../adapters/mail/mailer.js';
import type { MailRepository } from '../repositories/mail.repository.js';
import type { Tx } from '../repositories/transaction.js';

export interface MailToSend {
  kind: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  attachments?: MailAttachment[];
}

const MAX_ATTEMPTS = 5;
const LEASE_MS = 60_000;
const backoffMs = (attempt: number) => Math.min(5_000 * 2 ** (attempt - 1), 5 * 60_000);

/** A permanent SMTP refusal (5xx) is about that one message (a bad address), not the mail server being unreachable. */
const isTransportFailure = (err: unknown): boolean => {
  const code = (err as { responseCode?: unknown } | null)?.responseCode;
  return !(typeof code === 'number' && code >= 500 && code < 600);
};

/**
 * Mail is written to the database inside the caller's transaction and sent after commit:
 * `queue()` inside the transaction, `kick()` after it. A background loop retries failures with
 * backoff; after the last attempt the message is marked failed, with the error, on the Outbox page.
 */
export class MailService {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;
  /** Since when the mail server could not be reached or refused for now (the last attempt), with its error. */
  private failing?: { since: number; message: string };

  constructor(
    private readonly deps: { repo: MailRepository; mailer: Mailer; from: string; clock: () => number; logger: Logger },
  ) {}

  private get repo(): MailRepository {
    return this.deps.repo;
  }

  get mode(): 'smtp' | 'outbox' {
    return this.deps.mailer.kind;
  }

  /**
   * Whether the mail server took the last message this process tried to send (`down` when that try
   * failed for a reason other than a permanent refusal of the message itself). Nothing is sent to
   * find out: with nothing to send the last outcome stands.
   */
  health(): { state: 'up' | 'down'; message?: string; since?: number } {
    return this.failing ? { state: 'down', message: this.failing.message, since: this.failing.since } : { state: 'up' };
  }

  /** Writes the message to the outbox table, inside the caller's transaction when `trx` is given. */
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
    for (;;) {
      const due = await this.repo.due(this.deps.clock());
      if (due.length === 0) return;
      for (const m of due) {
        if (!(await this.repo.claim(m.id, m.attempts, this.deps.clock() + LEASE_MS))) continue;
        const attempt = m.attempts + 1;
        try {
          await this.deps.mailer.deliver({
            from: this.deps.from,
            to: m.to_address,
            subject: m.subject,
            text: m.text_body,
            html: m.html_body,
            attachments: m.attachments_json ? JSON.parse(m.attachments_json) : undefined,
          });
          this.failing = undefined;
          await this.repo.markSent(m.id, this.deps.clock());
        } catch (err) {
          const message = err instanceof Error ? err.message : String(err);
          if (isTransportFailure(err)) this.failing = { since: this.failing?.since ?? this.deps.clock(), message };
          if (attempt >= MAX_ATTEMPTS) {
            await this.repo.markFailed(m.id, message);
            this.deps.logger.error({ mailId: m.id, kind: m.kind, err: message }, 'mail failed for good');
          } else {
            await this.repo.markRetry(m.id, message, this.deps.clock() + backoffMs(attempt));
            this.deps.logger.warn({ mailId: m.id, attempt, err: message }, 'mail delivery failed, will retry');
          }
        }
      }
    }
  }

  /** Polls for retries that come due. */
  start(intervalMs = 5_000): void {
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
}
