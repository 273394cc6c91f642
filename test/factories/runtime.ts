import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { InviteRole, User } from '../../src/server/db/schema.js';
import type { Bus } from '../../src/server/adapters/bus/bus.js';
import { RedisBus } from '../../src/server/adapters/bus/redis-bus.js';
import { loadConfig } from '../../src/server/config.js';
import { hashToken, newToken } from '../../src/server/domain/tokens.js';
import { createLogger } from '../../src/server/logger.js';
import { createRuntime, type Runtime } from '../../src/server/runtime.js';
import type { ResolvedSession } from '../../src/server/services/auth.service.js';
import type { CreateEventInput } from '../../src/server/services/live-event.service.js';
import type { LobbyVisitor } from '../../src/server/services/lobby.service.js';
import { MemoryMailer, TestClock, uniqueEmail } from './app.js';
import { createTestDatabase, type TestDatabase, type TestDialect } from './database.js';
import { makePdf } from './media.js';

const HOUR = 3600_000;

/**
 * The whole application without its edges, as `createRuntime()` builds it for a process, over a fresh
 * migrated database, with mail captured in memory and a clock the test moves by hand.
 */
export type TestRuntime = Omit<Runtime, 'mailer'> & {
  mailer: MemoryMailer;
  testClock: TestClock;
  testDatabase: TestDatabase;
};

/**
 * A real runtime for medium tests: services called directly, no HTTP. `close()` also drops the database.
 * The bus is in-process unless `redisBusUrl` (e.g. TEST_REDIS_URL) asks for Redis pub/sub, on channels of this runtime only.
 */
export async function createTestRuntime(opts: { dialect: TestDialect; clock?: TestClock; env?: Record<string, string>; bus?: Bus; redisBusUrl?: string }): Promise<TestRuntime> {
  const testDatabase = await createTestDatabase(opts.dialect);
  const ownBus = !opts.bus && opts.redisBusUrl ? new RedisBus({ url: opts.redisBusUrl, prefix: `foyer:test:${randomBytes(6).toString('hex')}:` }) : undefined;
  const config = loadConfig({
    DATA_DIR: testDatabase.dataDir,
    PUBLIC_URL: 'http://localhost:3000',
    SESSION_SECRET: 'test-secret-test-secret-test-secret-0123',
    LOG_LEVEL: 'silent',
    ...opts.env,
  });
  const testClock = opts.clock ?? new TestClock();
  const mailer = new MemoryMailer();
  const runtime = createRuntime({
    config,
    database: testDatabase.database,
    clock: testClock.fn,
    mailer,
    bus: opts.bus ?? ownBus,
    logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
  });
  let closed: Promise<void> | undefined;
  return {
    ...runtime,
    mailer,
    testClock,
    testDatabase,
    close() {
      closed ??= (async () => {
        await runtime.close();
        await ownBus?.close();
        await testDatabase.dispose();
      })();
      return closed;
    },
  };
}

/** A fresh device id, as the browser keeps in its device cookie (43 base64url characters). */
export const newDeviceId = (): string => newToken();

/** A visitor at the lobby: who they are (nobody, by default) and the device they are on. */
export const lobbyVisitor = (deviceId: string = newDeviceId(), auth: LobbyVisitor['auth'] = {}): LobbyVisitor => ({ auth, deviceId });

/** The id a session is stored under: the SHA-256 of its token. */
export const sessionIdOf = (token: string): string => hashToken(token);

/** The visitor behind a session token, as the auth plugin resolves a cookie; fails loudly when there is none. */
export async function visitorFor(rt: TestRuntime, sessionToken: string): Promise<ResolvedSession> {
  const visitor = await rt.services.auth.resolve(sessionToken);
  if (!visitor) throw new Error('the session token resolves to no session');
  return visitor;
}

export interface TestOwner {
  user: User;
  email: string;
  /** The owner's own logged-in session, as a visitor. */
  visitor: ResolvedSession;
  sessionToken: string;
}

/**
 * An account the real way: sign up, then confirm the address with the token from the verification mail.
 * (The first account on a site becomes its admin, as in production.)
 */
export async function createOwner(rt: TestRuntime, opts: { name?: string; email?: string } = {}): Promise<TestOwner> {
  const email = opts.email ?? uniqueEmail('owner');
  const signed = await rt.services.auth.signUp({ email, name: opts.name ?? 'Olivia Owner', password: 'correct horse battery', deviceId: newDeviceId() });
  const mail = await rt.mailer.waitFor(email, (m) => m.text.includes('/verify-email?token='));
  const token = decodeURIComponent(/\/verify-email\?token=([^\s&"<>)]+)/.exec(mail.text)![1]);
  await rt.services.auth.verifyEmail(token);
  const visitor = await visitorFor(rt, signed.token);
  if (!visitor.user?.email_verified_at) throw new Error('the owner account was not verified');
  return { user: visitor.user, email, visitor, sessionToken: signed.token };
}

/** Event times relative to the test clock: live now (started 5 minutes ago, ends in 2 hours). */
export const liveNow = (clock: TestClock) => ({
  startsAt: new Date(clock.now - 5 * 60_000).toISOString(),
  endsAt: new Date(clock.now + 2 * HOUR).toISOString(),
});

/** Event times that start `minutes` after the test clock and last an hour. */
export const startsIn = (clock: TestClock, minutes: number) => ({
  startsAt: new Date(clock.now + minutes * 60_000).toISOString(),
  endsAt: new Date(clock.now + minutes * 60_000 + HOUR).toISOString(),
});

/** A live event created by the owner through the live-events service; by default a webcast live now. */
export async function createLiveEvent(rt: TestRuntime, owner: TestOwner, over: Partial<CreateEventInput> = {}) {
  const view = await rt.services.liveEvents.create(owner.user, {
    kind: 'webcast',
    title: 'Quarterly town hall',
    description: 'Numbers and questions',
    timeZone: 'Europe/Berlin',
    ...liveNow(rt.testClock),
    ...over,
  });
  return { id: view.media.id, title: view.media.title, view };
}

/** A document (a small real PDF) uploaded by the owner through the media service. */
export async function uploadDocument(rt: TestRuntime, owner: TestOwner, opts: { fileName?: string; text?: string } = {}) {
  const bytes = makePdf(opts.text);
  const media = await rt.services.media.upload(owner.user, {
    stream: Readable.from([bytes]),
    fileName: opts.fileName ?? 'Employee handbook.pdf',
    isTruncated: () => false,
    limitBytes: 10 * 1024 * 1024,
  });
  return { id: media.id, title: media.title, media };
}

export interface TestInvite {
  inviteId: string;
  email: string;
  /** The invited person's name as the invite holds it. */
  name: string;
  role: InviteRole;
  link: string;
  /** The link's secret: the part after `/i/`. */
  token: string;
}

/** The owner invites one person without email (the link is returned once), through the invite service. */
export async function createInvite(
  rt: TestRuntime,
  owner: TestOwner,
  mediaId: string,
  opts: { email?: string; role?: InviteRole; firstName?: string; lastName?: string } = {},
): Promise<TestInvite> {
  const email = opts.email ?? uniqueEmail('guest');
  const role = opts.role ?? 'viewer';
  const firstName = opts.firstName ?? 'Gail';
  const lastName = opts.lastName ?? 'Guest';
  const res = await rt.services.invites.create(owner.user, mediaId, { people: [{ email, firstName, lastName }], role, message: '', sendEmail: false });
  const created = res.created[0];
  if (!created?.link) throw new Error(`invite refused: ${JSON.stringify(res.refused)}`);
  return { inviteId: created.id, email, name: `${firstName} ${lastName}`.trim(), role, link: created.link, token: created.link.split('/i/')[1] };
}

/** A guest who opened the link on a device of their own and passed the lobby with the invited email. */
export async function redeemInvite(rt: TestRuntime, invite: Pick<TestInvite, 'token' | 'email'>, opts: { deviceId?: string } = {}) {
  const deviceId = opts.deviceId ?? newDeviceId();
  await rt.services.lobby.info(invite.token, lobbyVisitor(deviceId));
  const entered = await rt.services.lobby.enter(invite.token, { email: invite.email }, lobbyVisitor(deviceId));
  if (!('sessionToken' in entered)) throw new Error(`lobby did not let the guest in: ${JSON.stringify(entered)}`);
  return { deviceId, sessionToken: entered.sessionToken, response: entered.response, visitor: await visitorFor(rt, entered.sessionToken) };
}

/** An invited guest in one step: invited by the owner, through the lobby, with their resolved session. */
export async function invitedGuest(rt: TestRuntime, owner: TestOwner, mediaId: string, opts: Parameters<typeof createInvite>[3] = {}) {
  const invite = await createInvite(rt, owner, mediaId, opts);
  const redeemed = await redeemInvite(rt, invite);
  return { invite, ...redeemed };
}

// ------------------------------------------------------------ rows as stored, read through the runtime's database

export const inviteRow = (rt: TestRuntime, id: string) => rt.database.db.selectFrom('invites').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

export const grantRows = (rt: TestRuntime, inviteId: string) => rt.database.db.selectFrom('grants').selectAll().where('invite_id', '=', inviteId).execute();

export const sessionRow = (rt: TestRuntime, sessionToken: string) => rt.database.db.selectFrom('sessions').selectAll().where('id', '=', sessionIdOf(sessionToken)).executeTakeFirst();

// ------------------------------------------------------------ the bus

/**
 * Listens on a bus topic from now on and keeps what arrives, so a test can act and then wait for the
 * message it caused (no sleeps: resolves the moment a matching message arrives).
 */
export async function listen(bus: Bus, topic: string) {
  const messages: unknown[] = [];
  const waiters = new Set<() => void>();
  const unsubscribe = await bus.subscribe(topic, (m) => {
    messages.push(m);
    for (const w of waiters) w();
  });
  return {
    messages,
    /** The first message (already received or still to come) that matches, or a failure after the timeout. */
    next<T = unknown>(pred: (m: T) => boolean, timeoutMs = 10_000): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const check = () => {
          const found = (messages as T[]).find(pred);
          if (found === undefined) return false;
          cleanup();
          resolve(found);
          return true;
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no matching message on ${topic} within ${timeoutMs} ms (got ${JSON.stringify(messages)})`));
        }, timeoutMs);
        const waiter = () => void check();
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(waiter);
        };
        waiters.add(waiter);
        check();
      });
    },
    stop: unsubscribe,
  };
}
