import type { Media } from '../../src/server/db/schema.js';
import type { RequestAuth } from '../../src/server/http/plugins/session.js';
import type { AccessRule } from '../../src/server/services/access.service.js';
import path from 'node:path';
import type { Bus } from '../../src/server/adapters/bus/bus.js';
import { buildApp, type App } from '../../src/server/app.js';
import { loadConfig } from '../../src/server/config.js';
import { createLogger } from '../../src/server/logger.js';
import type { Services } from '../../src/server/services/index.js';
import { Agent, MemoryMailer, type TestApp, type TestClock } from './app.js';
import type { TestDatabase } from './database.js';
import { wsBase } from './room-client.js';

/**
 * Stand-in for the invite module's access rule until it lands: grants a role on one media item
 * to a session (a guest) or an account. Tests change or remove grants to play upgrades and revokes.
 */
export class TestGrantRule implements AccessRule {
  private readonly grants = new Map<string, string>();
  /** Display names of guest sessions, as the invite would carry them. */
  readonly names = new Map<string, string>();

  private key = (mediaId: string, who: string) => `${mediaId}|${who}`;

  grant(mediaId: string, who: { sessionId?: string; userId?: string }, role: string | null): void {
    const id = who.sessionId ? `s:${who.sessionId}` : `u:${who.userId}`;
    if (role) this.grants.set(this.key(mediaId, id), role);
    else this.grants.delete(this.key(mediaId, id));
  }

  async roleFor(auth: RequestAuth, media: Media): Promise<string | undefined> {
    return (
      (auth.session && this.grants.get(this.key(media.id, `s:${auth.session.id}`))) ||
      (auth.user && this.grants.get(this.key(media.id, `u:${auth.user.id}`))) ||
      undefined
    );
  }
}

/** Installs (once per app) the test grant rule; pass `rule` to share one between app instances. */
export function grantRule(t: { services: Services }, rule?: TestGrantRule): TestGrantRule {
  const existing = t.services.access.rules.find((r) => r instanceof TestGrantRule);
  if (existing) return existing as TestGrantRule;
  const installed = rule ?? new TestGrantRule();
  t.services.access.rules.push(installed);
  t.services.room.guestNames.push(async (auth) => (auth.session ? installed.names.get(auth.session.id) : undefined));
  return installed;
}

/** A guest visitor: an invite-style session with no account, as the lobby would create. */
export async function guestAgent(t: TestApp, name = 'guest'): Promise<{ agent: Agent; sessionId: string; token: string; name: string }> {
  const agent = new Agent(t.app);
  await agent.get('/api/health');
  const { token, session } = await t.services.auth.createSession({ userId: null, kind: 'guest' });
  agent.cookies.set('foyer_session', token);
  return { agent, sessionId: session.id, token, name };
}

const HOUR = 3600_000;

/** Creates a live event through the API; by default a webcast that starts an hour after the test clock. */
export async function createEvent(t: TestApp, owner: Agent, over: Record<string, unknown> = {}) {
  const startsAt = new Date(t.clock.now + HOUR).toISOString();
  const endsAt = new Date(t.clock.now + 2 * HOUR).toISOString();
  const res = await owner.post('/api/events', {
    kind: 'webcast',
    title: 'Quarterly town hall',
    description: 'Numbers and questions',
    startsAt,
    endsAt,
    timeZone: 'Europe/Berlin',
    ...over,
  });
  if (res.statusCode !== 201) throw new Error(`event create failed: ${res.statusCode} ${res.body}`);
  return res.json() as import('../../src/contracts/live.js').EventPageDto;
}

/** An event that is live at the test clock (started 5 minutes ago, ends in 2 hours). */
export const liveNow = (t: TestApp, over: Record<string, unknown> = {}) => ({
  startsAt: new Date(t.clock.now - 5 * 60_000).toISOString(),
  endsAt: new Date(t.clock.now + 2 * HOUR).toISOString(),
  ...over,
});

/** A room cast: the owner, and one guest per role with a grant on the event. */
export async function roomCast(t: TestApp, eventId: string, roles: string[]) {
  const rule = grantRule(t);
  const people = [];
  for (const [i, role] of roles.entries()) {
    const g = await guestAgent(t, `${role}-${i}`);
    rule.grant(eventId, { sessionId: g.sessionId }, role);
    rule.names.set(g.sessionId, g.name);
    people.push({ ...g, role });
  }
  return people;
}

/**
 * Another server process on the same database (and, with a RedisBus, the same bus): for restarts
 * and several instances. Listens on a random port.
 */
export async function startServer(db: TestDatabase, opts: { clock: TestClock; bus?: Bus; env?: Record<string, string>; roomHeartbeatMs?: number }): Promise<App & { base: string; close(): Promise<void> }> {
  const config = loadConfig({
    DATA_DIR: db.dataDir,
    PUBLIC_URL: 'http://localhost:3000',
    SESSION_SECRET: 'test-secret-test-secret-test-secret-0123',
    LOG_LEVEL: 'silent',
    ...opts.env,
  });
  const built = await buildApp({
    config,
    database: db.database,
    mailer: new MemoryMailer(),
    clock: opts.clock.fn,
    bus: opts.bus,
    roomHeartbeatMs: opts.roomHeartbeatMs,
    logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
    webRoot: path.join(db.dataDir, 'no-web'),
  });
  await built.app.listen({ port: 0, host: '127.0.0.1' });
  return { ...built, base: wsBase(built.app), close: () => built.app.close() };
}
