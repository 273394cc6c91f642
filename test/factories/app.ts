import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import path from 'node:path';
import { createLogger } from '../../src/server/logger.js';
import { buildApp, type App } from '../../src/server/app.js';
import type { Mailer, OutgoingMail } from '../../src/server/adapters/mail/mailer.js';
import { loadConfig, type Config } from '../../src/server/config.js';
import { createTestDatabase, type TestDatabase, type TestDialect } from './database.js';

/** A clock tests move by hand. */
export class TestClock {
  constructor(public now = Date.UTC(2026, 10, 27, 9, 0, 0)) {}
  readonly fn = () => this.now;
  advance(ms: number) {
    this.now += ms;
  }
}

/**
 * The real clock, for tests whose timers run for real (mail retries against a real SMTP server): the app
 * reads `fn`, which follows the wall clock; `now` keeps the time the clock was made (set-up rows use it).
 */
export class WallClock extends TestClock {
  constructor() {
    super(Date.now());
  }
  override readonly fn = () => Date.now();
  override advance(): void {
    throw new Error('the wall clock cannot be advanced');
  }
}

/** Captures delivered mail in memory (tests that need real SMTP use test/factories/smtp.ts). */
export class MemoryMailer implements Mailer {
  readonly kind = 'outbox' as const;
  readonly sent: OutgoingMail[] = [];
  private waiters: Array<() => void> = [];
  async deliver(mail: OutgoingMail) {
    this.sent.push(mail);
    this.waiters.splice(0).forEach((w) => w());
  }
  /** Resolves with the newest mail to this address once it has arrived. */
  async waitFor(to: string, pred: (m: OutgoingMail) => boolean = () => true, timeoutMs = 10_000): Promise<OutgoingMail> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = [...this.sent].reverse().find((m) => m.to.toLowerCase() === to.toLowerCase() && pred(m));
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no mail to ${to} within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  }
}

export interface TestApp extends App {
  config: Config;
  db: TestDatabase;
  clock: TestClock;
  mailer: Mailer;
  close(): Promise<void>;
}

export async function createTestApp(opts: {
  dialect?: TestDialect;
  env?: Record<string, string>;
  mailer?: Mailer;
  clock?: TestClock;
  webRoot?: string;
  logger?: import('pino').Logger;
  redis?: import('ioredis').Redis;
  /** The message bus (default: in-process, or Redis with `redis`). */
  bus?: import('../../src/server/adapters/bus/bus.js').Bus;
  /** Another app's database: this app is that site restarted (its `close()` then leaves the database alone). */
  db?: TestDatabase;
  /** Per-person rate limits in live rooms (default: the product's). */
  roomRateLimits?: Partial<import('../../src/server/realtime/rate-limiter.js').RoomRateLimits>;
} = {}): Promise<TestApp> {
  const db = opts.db ?? (await createTestDatabase(opts.dialect ?? 'sqlite'));
  const config = loadConfig({
    DATA_DIR: db.dataDir,
    PUBLIC_URL: 'http://localhost:3000',
    SESSION_SECRET: 'test-secret-test-secret-test-secret-0123',
    LOG_LEVEL: 'silent',
    // one ffmpeg per broadcast unless a test asks for the 480p rendition (auto would make one here)
    LIVE_LOW_RENDITION: 'off',
    ...opts.env,
  });
  const clock = opts.clock ?? new TestClock();
  const mailer = opts.mailer ?? new MemoryMailer();
  const built = await buildApp({
    config,
    database: db.database,
    mailer,
    clock: clock.fn,
    logger: opts.logger ?? createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
    webRoot: opts.webRoot ?? path.join(db.dataDir, 'no-web'),
    redis: opts.redis,
    bus: opts.bus,
    roomRateLimits: opts.roomRateLimits,
  });
  await built.app.ready();
  siteOrigins.set(built.app, new URL(config.publicUrl).origin);
  return {
    ...built,
    config,
    db,
    clock,
    mailer,
    async close() {
      await built.app.close();
      if (!opts.db) await db.dispose();
    },
  };
}

/** The site origin (PUBLIC_URL) of each test app, so agents send the Origin its browsers would. */
const siteOrigins = new WeakMap<FastifyInstance, string>();

/** A cookie jar plus CSRF header, like a browser on the site. */
export class Agent {
  readonly cookies = new Map<string, string>();
  readonly origin: string;
  constructor(
    readonly app: FastifyInstance,
    origin?: string,
  ) {
    this.origin = origin ?? siteOrigins.get(app) ?? 'http://localhost:3000';
  }

  private store(res: LightMyRequestResponse) {
    for (const c of res.cookies as Array<{ name: string; value: string; maxAge?: number; expires?: Date }>) {
      if (c.value === '' || c.maxAge === 0 || (c.expires && c.expires.getTime() < Date.now())) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
  }

  get cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async request(method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT' | 'HEAD', url: string, body?: unknown, headers: Record<string, string> = {}) {
    if (!this.cookies.has('foyer_csrf')) {
      this.store(await this.app.inject({ method: 'GET', url: '/api/health' }));
    }
    const res = await this.app.inject({
      method,
      url,
      headers: {
        cookie: this.cookieHeader,
        ...(method === 'GET' || method === 'HEAD' ? {} : { 'x-csrf-token': this.cookies.get('foyer_csrf') ?? '', origin: this.origin }),
        ...(body !== undefined && !(body instanceof Buffer) ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(body !== undefined ? { payload: body instanceof Buffer ? body : JSON.stringify(body) } : {}),
    });
    this.store(res);
    return res;
  }

  get(url: string) {
    return this.request('GET', url);
  }
  post(url: string, body: unknown = {}) {
    return this.request('POST', url, body);
  }
  patch(url: string, body: unknown) {
    return this.request('PATCH', url, body);
  }
  delete(url: string) {
    return this.request('DELETE', url);
  }
}

let seq = 0;
export const uniqueEmail = (prefix = 'user') => `${prefix}.${Date.now().toString(36)}.${++seq}@example.com`;

/** Signs up (and by default verifies) an account through the API. */
export async function signUp(t: TestApp, opts: { email?: string; name?: string; password?: string; verify?: boolean } = {}) {
  const agent = new Agent(t.app);
  const email = opts.email ?? uniqueEmail();
  const password = opts.password ?? 'correct horse battery';
  const res = await agent.post('/api/auth/signup', { email, name: opts.name ?? 'Test User', password });
  if (res.statusCode !== 201) throw new Error(`signup failed: ${res.statusCode} ${res.body}`);
  const user = res.json().user as { id: string; email: string; isAdmin: boolean };
  if (opts.verify !== false) {
    await t.db.database.db.updateTable('users').set({ email_verified_at: t.clock.now }).where('id', '=', user.id).execute();
  }
  return { agent, user, email, password };
}
