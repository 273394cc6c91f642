import path from 'node:path';
import type { Logger } from 'pino';
import type { Bus } from '../../src/server/adapters/bus/bus.js';
import { buildApp, type App } from '../../src/server/app.js';
import { loadConfig } from '../../src/server/config.js';
import { createLogger } from '../../src/server/logger.js';
import { MemoryMailer, type Agent, type TestApp, type TestClock } from './app.js';
import type { TestDatabase } from './database.js';
import { invitedGuest } from './guests.js';
import { wsBase } from './room-client.js';

const HOUR = 3600_000;

/** Who created each event through createEvent: roomCast invites people as that owner. */
const eventOwners = new Map<string, Agent>();

/** Creates a live event through the API; by default a webcast that starts an hour after the test clock. */
export async function createEvent(t: Pick<TestApp, 'clock'>, owner: Agent, over: Record<string, unknown> = {}) {
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
  const page = res.json() as import('../../src/contracts/live.js').EventPageDto;
  eventOwners.set(page.event.id, owner);
  return page;
}

/** An event that is live at the test clock (started 5 minutes ago, ends in 2 hours). */
export const liveNow = (t: TestApp, over: Record<string, unknown> = {}) => ({
  startsAt: new Date(t.clock.now - 5 * 60_000).toISOString(),
  endsAt: new Date(t.clock.now + 2 * HOUR).toISOString(),
  ...over,
});

/**
 * A room cast: one invited guest per role, named `<role>-<i>` (the invite's first name). The owner who
 * created the event (or `opts.owner`) invites each through the API; each guest, in a browser of their own,
 * opens the link and passes the lobby, and holds a guest session in that role.
 */
export async function roomCast(t: Pick<TestApp, 'app'>, eventId: string, roles: string[], opts: { owner?: Agent } = {}) {
  const owner = opts.owner ?? eventOwners.get(eventId);
  if (!owner) throw new Error(`roomCast: no owner known for event ${eventId}; create it with createEvent or pass opts.owner`);
  const people = [];
  for (const [i, role] of roles.entries()) people.push(await invitedGuest(t, owner, eventId, { role, firstName: `${role}-${i}`, lastName: '' }));
  return people;
}

/**
 * Another server process on the same database (and, with a RedisBus, the same bus): for restarts
 * and several instances. Listens on a random port.
 */
export async function startServer(
  db: TestDatabase,
  opts: { clock: TestClock; bus?: Bus; env?: Record<string, string>; roomHeartbeatMs?: number; logger?: Logger },
): Promise<App & { base: string; close(): Promise<void> }> {
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
    logger: opts.logger ?? createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
    webRoot: path.join(db.dataDir, 'no-web'),
  });
  await built.app.listen({ port: 0, host: '127.0.0.1' });
  return { ...built, base: wsBase(built.app), close: () => built.app.close() };
}
