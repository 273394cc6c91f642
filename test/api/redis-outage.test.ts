import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { healthResponseSchema } from '../../src/contracts/health.js';
import type { ServerMessage } from '../../src/contracts/live.js';
import { Agent, signUp, TestClock, uniqueEmail, type TestApp } from '../factories/app.js';
import { createTestDatabase, testDialects, type TestDatabase } from '../factories/database.js';
import { createEvent, liveNow, roomCast, startServer } from '../factories/live.js';
import { captureLogs } from '../factories/logs.js';
import { RedisServer } from '../factories/redis-server.js';
import { RoomClient } from '../factories/room-client.js';

type Server = Awaited<ReturnType<typeof startServer>>;
type EventMsg = Extract<ServerMessage, { type: 'event' }>;

const asTestApp = (s: Server, db: TestDatabase, clock: TestClock) => ({ app: s.app, services: s.services, db, clock }) as unknown as TestApp;
const body = (e: EventMsg) => (e.event.kind === 'message' ? e.event.message.body : undefined);
const said = (text: string) => (e: EventMsg) => body(e) === text;

async function health(s: Server) {
  const res = await s.app.inject({ method: 'GET', url: '/api/health' });
  return { statusCode: res.statusCode, body: healthResponseSchema.parse(res.json()) };
}

/** Everything the process wrote through console.error / console.warn (where ioredis and BullMQ complain). */
const consoleText = (spies: MockInstance[]) => spies.flatMap((s) => s.mock.calls.map((args) => args.map(String).join(' '))).join('\n');

/**
 * Two Foyer servers on one database and one Redis — a private redis-server of this test, on its own port,
 * stopped (or frozen) and started again for the outage; never the machine's shared Redis. Both servers are
 * wired as in production from REDIS_URL: bus, rate limits and the BullMQ job queue with its workers.
 */
describe.each(testDialects())('a Redis outage with two servers on %s', (dialect) => {
  let redis: RedisServer;
  let db: TestDatabase;
  let spies: MockInstance[];
  const servers: Server[] = [];
  beforeEach(async () => {
    spies = [vi.spyOn(console, 'error'), vi.spyOn(console, 'warn')];
    redis = await RedisServer.start();
    db = await createTestDatabase(dialect);
  });
  afterEach(async () => {
    for (const s of servers.splice(0)) await s.close();
    await redis.dispose();
    await db.dispose();
    for (const s of spies) s.mockRestore();
  });

  /** Two servers, an event with three viewers (two on A, one on B), and a first message that crosses over. */
  async function cluster() {
    const clock = new TestClock();
    const logsA = captureLogs();
    const logsB = captureLogs();
    const a = await startServer(db, { clock, env: { REDIS_URL: redis.url }, logger: logsA.logger });
    servers.push(a);
    const b = await startServer(db, { clock, env: { REDIS_URL: redis.url }, logger: logsB.logger });
    servers.push(b);
    const ta = asTestApp(a, db, clock);
    const owner = await signUp(ta);
    const id = (await createEvent(ta, owner.agent, liveNow(ta))).event.id;
    const [sender, neighbour, remote] = await roomCast(ta, id, ['viewer', 'viewer', 'viewer']);
    const onA = await RoomClient.join(a.base, id, sender.agent);
    const nextToA = await RoomClient.join(a.base, id, neighbour.agent);
    const onB = await RoomClient.join(b.base, id, remote.agent);
    expect((await onA.request({ type: 'chat.send', body: 'before' })).type).toBe('ack');
    await onB.event('message', said('before'));
    return { a, b, ta, owner, id, onA, nextToA, onB, logs: [logsA, logsB] };
  }

  it('Redis stops: each server keeps delivering to its own sockets, says degraded, and every server catches up after', async () => {
    const { a, b, ta, owner, id, onA, nextToA, onB, logs } = await cluster();
    expect((await health(a)).body.checks.redis.state).toBe('up');
    const quiet = (await createEvent(ta, owner.agent, liveNow(ta, { title: 'Opened during the outage' }))).event.id;
    const [lateJoiner] = await roomCast(ta, quiet, ['viewer']);

    await redis.stop();

    // every socket, on both servers, is told
    for (const c of [onA, nextToA, onB]) expect((await c.next('degraded')).reason).toBe('cluster_unreachable');
    const during = await health(a);
    expect(during.statusCode).toBe(200);
    expect(during.body.status).toBe('degraded');
    expect(during.body.checks.redis.state).toBe('down');
    expect(during.body.checks.database.state).toBe('up');
    expect(during.body.checks.storage.state).toBe('up');

    // the sender's ack, its own echo and the neighbour on the same server: at once, not after Redis retries
    const ack = await onA.request({ type: 'chat.send', body: 'during the outage' }, { timeoutMs: 2_000 });
    expect(ack.type).toBe('ack');
    expect((await onA.event('message', said('during the outage'), { timeoutMs: 2_000 })).seq).toBe(2);
    expect((await nextToA.event('message', said('during the outage'), { timeoutMs: 2_000 })).seq).toBe(2);

    // a room nobody had open on B yet opens without Redis, and says degraded too
    const late = await RoomClient.join(b.base, quiet, lateJoiner.agent);
    await late.next('degraded');

    // the lobby still lets an invited person in (no 500 from the rate limiter)...
    const [newcomer] = await roomCast(ta, id, ['viewer']);
    expect(newcomer.role).toBe('viewer');
    // ...and the rate limits still limit, per process: 8 login attempts per window on this server
    const email = uniqueEmail('locked-out');
    await signUp(ta, { email });
    const codes: number[] = [];
    for (let i = 0; i < 9; i++) codes.push((await new Agent(a.app).post('/api/auth/login', { email, password: 'wrong password' })).statusCode);
    expect(codes.slice(0, 8)).toEqual(Array(8).fill(401));
    expect(codes[8]).toBe(429);

    await redis.start();

    for (const c of [onA, nextToA, onB, late]) await c.next('recovered', { timeoutMs: 20_000 });
    // B's socket gets what it missed though nobody speaks again in the room
    expect((await onB.event('message', said('during the outage'), { timeoutMs: 10_000 })).seq).toBe(2);
    for (const s of [a, b]) {
      const after = await health(s);
      expect(after.statusCode).toBe(200);
      expect(after.body.status).toBe('ok');
      expect(after.body.checks.redis.state).toBe('up');
    }

    // and the room spans both servers again
    expect((await onB.request({ type: 'chat.send', body: 'after' })).type).toBe('ack');
    await onA.event('message', said('after'));
    await nextToA.event('message', said('after'));

    // one warning for the outage and one for the recovery on each server; nothing else went wrong
    for (const l of logs) expect(l.atLeast(40).map((x) => x.msg)).toEqual([expect.stringMatching(/^Redis unreachable/), expect.stringMatching(/^Redis reachable again/)]);
    expect(consoleText(spies)).not.toMatch(/Unhandled error event/);
    expect(consoleText(spies)).toBe('');
    await Promise.all([onA, nextToA, onB, late].map((c) => c.close()));
  });

  it('Redis stops answering (frozen, sockets open): actions still cost a short bounded wait, and all catch up after', async () => {
    const { a, b, onA, nextToA, onB, logs } = await cluster();

    redis.pause();

    // no connection closes: the first command that gets no answer in time gives the outage away
    const ack = await onA.request({ type: 'chat.send', body: 'into the void' }, { timeoutMs: 2_000 });
    expect(ack.type).toBe('ack');
    expect((await onA.event('message', said('into the void'), { timeoutMs: 2_000 })).seq).toBe(2);
    expect((await nextToA.event('message', said('into the void'), { timeoutMs: 2_000 })).seq).toBe(2);
    await onA.next('degraded');
    // B has nothing to send: its heartbeat finds out
    await onB.next('degraded', { timeoutMs: 15_000 });
    // the next action does not wait for Redis at all
    expect((await onA.request({ type: 'chat.send', body: 'still here' }, { timeoutMs: 2_000 })).type).toBe('ack');
    await nextToA.event('message', said('still here'), { timeoutMs: 2_000 });
    const during = await health(b);
    expect(during.statusCode).toBe(200);
    expect(during.body.checks.redis.state).toBe('down');
    // logging in is limited per process, without waiting on the frozen Redis
    expect((await new Agent(b.app).post('/api/auth/login', { email: uniqueEmail('nobody'), password: 'wrong password' })).statusCode).toBe(401);

    redis.resume();

    for (const c of [onA, nextToA, onB]) await c.next('recovered', { timeoutMs: 20_000 });
    const missed = await onB.event('message', said('still here'), { timeoutMs: 10_000 });
    expect(missed.seq).toBe(3);
    expect(onB.events().filter((e) => e.seq === 2).map(body)).toEqual(['into the void']);
    expect((await health(a)).body.checks.redis.state).toBe('up');

    for (const l of logs) expect(l.atLeast(40).map((x) => x.msg)).toEqual([expect.stringMatching(/^Redis unreachable/), expect.stringMatching(/^Redis reachable again/)]);
    expect(consoleText(spies)).toBe('');
    await Promise.all([onA, nextToA, onB].map((c) => c.close()));
  });
});
