import { EventEmitter } from 'node:events';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { parseMail, type ParsedMail } from './mime.js';

export interface ReceivedMail extends ParsedMail {
  /** Envelope sender and recipients, as the SMTP client gave them. */
  envelope: { from: string; to: string[] };
  raw: Buffer;
  receivedAt: number;
}

/**
 * A real SMTP server on 127.0.0.1 that keeps every message it receives, so tests can read the
 * emails Foyer actually sent (through nodemailer and the network). Set SMTP_URL to `url`.
 *
 *   const smtp = await SmtpCapture.start();
 *   const mail = await smtp.waitFor('ada@example.com', (m) => /Confirm/.test(m.subject));
 */
export class SmtpCapture {
  readonly messages: ReceivedMail[] = [];
  private readonly events = new EventEmitter();
  /** Answer each new message with this SMTP error instead of accepting it (tests of retries). */
  rejectWith: { code: number; message: string } | null = null;

  private server!: SMTPServer;
  port = 0;

  private constructor() {}

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<SmtpCapture> {
    const capture = new SmtpCapture();
    capture.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['AUTH', 'STARTTLS'],
      logger: false,
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          if (capture.rejectWith) {
            return callback(Object.assign(new Error(capture.rejectWith.message), { responseCode: capture.rejectWith.code }));
          }
          capture.receive(Buffer.concat(chunks), {
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      capture.server.once('error', reject);
      capture.server.listen(0, '127.0.0.1', () => resolve());
    });
    capture.port = (capture.server.server.address() as AddressInfo).port;
    return capture;
  }

  private receive(raw: Buffer, envelope: ReceivedMail['envelope']): void {
    const mail: ReceivedMail = { ...parseMail(raw), envelope, raw, receivedAt: Date.now() };
    this.messages.push(mail);
    this.events.emit('mail', mail);
  }

  /** Messages whose envelope includes this address (case-insensitive). */
  to(address: string): ReceivedMail[] {
    const a = address.toLowerCase();
    return this.messages.filter((m) => m.envelope.to.some((t) => t.toLowerCase() === a));
  }

  /** Resolves with the first message (already received or still to come) to `address` matching `pred`. */
  waitFor(address: string, pred: (m: ReceivedMail) => boolean = () => true, timeoutMs = 15_000): Promise<ReceivedMail> {
    const a = address.toLowerCase();
    const matches = (m: ReceivedMail) => m.envelope.to.some((t) => t.toLowerCase() === a) && pred(m);
    const found = this.messages.find(matches);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const onMail = (m: ReceivedMail) => {
        if (!matches(m)) return;
        clearTimeout(timer);
        this.events.off('mail', onMail);
        resolve(m);
      };
      const timer = setTimeout(() => {
        this.events.off('mail', onMail);
        const seen = this.messages.map((m) => `${m.envelope.to.join(',')}: ${m.subject}`).join('; ') || 'none';
        reject(new Error(`no matching mail to ${address} within ${timeoutMs} ms (received: ${seen})`));
      }, timeoutMs);
      this.events.on('mail', onMail);
    });
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** The first http(s) link in a text body that starts with `prefix`. */
export function linkIn(text: string, prefix: string): string | undefined {
  const escaped = prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`${escaped}[^\\s<>"')]*`).exec(text)?.[0];
}
