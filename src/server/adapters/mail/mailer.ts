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
}

/** Delivers one message or throws; retries and bookkeeping live in MailService. */
export interface Mailer {
  readonly kind: 'smtp' | 'outbox';
  deliver(mail: OutgoingMail): Promise<void>;
  close?(): Promise<void>;
}

export class SmtpMailer implements Mailer {
  readonly kind = 'smtp' as const;
  private readonly transport: Transporter;

  constructor(smtpUrl: string) {
    this.transport = nodemailer.createTransport(smtpUrl);
  }

  async deliver(mail: OutgoingMail): Promise<void> {
    await this.transport.sendMail({
      from: mail.from,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
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
