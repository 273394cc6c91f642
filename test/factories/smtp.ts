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
  /** Refuse some recipients at RCPT TO (e.g. 550 for one address, 450 for greylisting). */
  rejectRecipient: ((address: string) => { code: number; message: string } | null) | null = null;
  /** While set, a message's DATA is read but not answered until `release()` (a server that stalls). */
  holdData = false;
  private held: Array<() => void> = [];
  /** Connections the server took, including those that failed (to count how hard a client tries). */
  connections = 0;

  private server!: SMTPServer;
  port = 0;
  private running = false;

  private constructor() {}

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** True between start/resume and stop. */
  get isRunning(): boolean {
    return this.running;
  }

  static async start(): Promise<SmtpCapture> {
    const capture = new SmtpCapture();
    await capture.listen(0);
    return capture;
  }

  private async listen(port: number): Promise<void> {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['AUTH', 'STARTTLS'],
      logger: false,
      // stop() drops open connections at once ("421 Server shutting down"), like a mail server going away.
      closeTimeout: 1,
      onConnect: (_session, callback) => {
        this.connections++;
        callback();
      },
      onRcptTo: (address, _session, callback) => {
        const refusal = this.rejectRecipient?.(address.address);
        if (refusal) return callback(Object.assign(new Error(refusal.message), { responseCode: refusal.code }));
        callback();
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const finish = () => {
            if (this.rejectWith) {
              return callback(Object.assign(new Error(this.rejectWith.message), { responseCode: this.rejectWith.code }));
            }
            this.receive(Buffer.concat(chunks), {
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              to: session.envelope.rcptTo.map((r) => r.address),
            });
            callback();
          };
          if (this.holdData) this.held.push(finish);
          else finish();
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.server.address() as AddressInfo).port;
    this.running = true;
  }

  /** Messages whose DATA is held unanswered right now. */
  get heldCount(): number {
    return this.held.length;
  }

  /** Answers the held messages (accepting them, unless `rejectWith` is set) and stops holding. */
  release(): void {
    this.holdData = false;
    this.held.splice(0).forEach((f) => f());
  }

  /** The mail server goes away: the port refuses connections and open ones are dropped. Messages so far are kept. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.held = [];
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The mail server comes back on the same port. */
  async resume(): Promise<void> {
    if (this.running) return;
    await this.listen(this.port);
  }

  /** The Message-ID header of each message received. */
  messageIds(): string[] {
    return this.messages.map((m) => m.headers.get('message-id') ?? '');
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
    await this.stop();
  }
}

/** The first http(s) link in a text body that starts with `prefix`. */
export function linkIn(text: string, prefix: string): string | undefined {
  const escaped = prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`${escaped}[^\\s<>"')]*`).exec(text)?.[0];
}
