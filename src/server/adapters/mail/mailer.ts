import nodemailer, { type Transporter } from 'nodemailer';
import type { Logger } from 'pino';

export interface MailAttachment {
  filename: string;
  contentType: string;
  content: string;
}

export interface OutgoingMail {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  attachments?: MailAttachment[];
  /** The same for every try of one outbox message, so receivers can drop a repeat. */
  messageId?: string;
}

/**
 * Delivers one message or throws; retries and bookkeeping live in MailService. An SMTP failure keeps
 * nodemailer's fields (`code`, `responseCode`, `command`, `permanent`), which domain/mail-delivery.ts reads.
 */
export interface Mailer {
  readonly kind: 'smtp' | 'outbox';
  /** How many deliveries may run at once (the SMTP pool's connections). */
  readonly concurrency?: number;
  deliver(mail: OutgoingMail): Promise<void>;
  close?(): Promise<void>;
}

/** Connections of the SMTP pool: the pace at which a queue drains after an outage. */
const POOL_CONNECTIONS = 3;

export class SmtpMailer implements Mailer {
  readonly kind = 'smtp' as const;
  readonly concurrency: number;
  private readonly transport: Transporter;

  constructor(smtpUrl: string) {
    // Pooled: a drained queue reuses a few connections instead of opening one per message. The timeouts
    // end any one try well within MailService's lease (2 minutes), so a lease runs out only when its
    // process died.
    this.transport = nodemailer.createTransport({
      url: smtpUrl,
      pool: true,
      maxConnections: POOL_CONNECTIONS,
      maxMessages: 100,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
      // The pool would quietly re-queue a message up to 5 times when its connection drops, holding it
      // "sending" through an outage; the outbox decides about retries (backoff, probes, withdrawal).
      maxRequeues: 0,
    });
    // SMTP_URL's own parameters (?pool=false, ?maxConnections=5) win over these defaults.
    const used = (this.transport.transporter as { options?: { pool?: unknown; maxConnections?: unknown } }).options;
    this.concurrency = used?.pool === false || used?.pool === 'false' ? 1 : Number(used?.maxConnections) || POOL_CONNECTIONS;
  }

  async deliver(mail: OutgoingMail): Promise<void> {
    await this.transport.sendMail({
      from: mail.from,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      ...(mail.messageId ? { messageId: mail.messageId } : {}),
      attachments: mail.attachments?.map((a) => ({ filename: a.filename, contentType: a.contentType, content: a.content })),
    });
  }

  async close(): Promise<void> {
    this.transport.close();
  }
}

/**
 * Development outbox: the message stays in the database (listed on the admin's Outbox page)
 * and its headline is logged. Links are logged only as the outbox page's address, never the body,
 * since bodies may carry invite links.
 */
export class OutboxMailer implements Mailer {
  readonly kind = 'outbox' as const;
  constructor(private readonly logger: Pick<Logger, 'info'>) {}

  async deliver(mail: OutgoingMail): Promise<void> {
    this.logger.info({ to: mail.to, subject: mail.subject }, 'mail kept in the development outbox (no SMTP_URL set)');
  }
}
