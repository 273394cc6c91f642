import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { RedisBus } from '../../src/server/adapters/bus/redis-bus.js';
import { signUp, TestClock, type TestApp } from '../factories/app.js';
import { createTestDatabase, testDialects, type TestDatabase } from '../factories/database.js';
import { createEvent, liveNow, roomCast, startServer } from '../factories/live.js';
import { RoomClient } from '../factories/room-client.js';

/**
 * The parts of TestApp the factories use, for a server started on a shared database. Access lives in that
 * database (invites and grants): a guest let in through one server is known to every other.
 */
const asTestApp = (s: Awaited<ReturnType<typeof startServer>>, db: TestDatabase, clock: TestClock) => ({ app: s.app, services: s.services, db, clock }) as unknown as TestApp;

describe.each(testDialects())('live rooms across restarts and servers on %s', (dialect) => {
  it('a server restart loses nothing: clients resume from the database', async () => {
    const db = await createTestDatabase(dialect);
    const clock = new TestClock();
    const s1 = await startServer(db, { clock });
    try {
      const t1 = asTestApp(s1, db, clock);
      const owner = await signUp(t1);
      const id = (await createEvent(t1, owner.agent, liveNow(t1))).event.id;
      const [viewer, mod] = await roomCast(t1, id, ['viewer', 'moderator']);
      const cv = await RoomClient.join(s1.base, id, viewer.agent);
      const cm = await RoomClient.join(s1.base, id, mod.agent);
      for (const body of ['one', 'two', 'three']) await cm.request({ type: 'chat.send', body });
      await cv.event('message', (e) => e.seq === 3);
      await cm.request({ type: 'question.ask', body: 'kept?' });
      const cursor = cv.cursors();
      await s1.close();
      expect((await cv.closed).code).toBe(1012);

      const s2 = await startServer(db, { clock });
      try {
        const back = await RoomClient.join(s2.base, id, viewer.agent, cursor);
        expect(back.received.some((m) => m.type === 'snapshot')).toBe(false);
        const mod2 = await RoomClient.join(s2.base, id, mod.agent);
        await mod2.request({ type: 'chat.send', body: 'four' });
        expect((await back.event('message')).seq).toBe(4);
        const fresh = await RoomClient.join(s2.base, id, mod.agent);
        const snap = await fresh.next('snapshot');
        expect(snap.messages.map((m) => m.body)).toEqual(['one', 'two', 'three', 'four']);
        expect(snap.questions.map((q) => q.body)).toEqual(['kept?']);
        await Promise.all([back, mod2, fresh].map((c) => c.close()));
      } finally {
        await s2.close();
      }
    } finally {
      await s1.close().catch(() => undefined);
      await db.dispose();
    }
  });

  it.runIf(process.env.TEST_REDIS_URL)('two server instances over Redis share one room', async () => {
    const db = await createTestDatabase(dialect);
    const clock = new TestClock();
    // a namespace of our own, so parallel runs on the same Redis never hear each other
    const prefix = `foyer-test-${randomBytes(6).toString('hex')}:`;
    const busA = new RedisBus({ url: process.env.TEST_REDIS_URL!, prefix });
    const busB = new RedisBus({ url: process.env.TEST_REDIS_URL!, prefix });
    const a = await startServer(db, { clock, bus: busA });
    const b = await startServer(db, { clock, bus: busB });
    try {
      // Everyone is invited through server A.
      const ta = asTestApp(a, db, clock);
      const owner = await signUp(ta);
      const id = (await createEvent(ta, owner.agent, liveNow(ta))).event.id;
      const [viewerA, viewerB, modB] = await roomCast(ta, id, ['viewer', 'viewer', 'moderator']);
      const onA = await RoomClient.join(a.base, id, viewerA.agent);
      const onB = await RoomClient.join(b.base, id, viewerB.agent);
      const modOnB = await RoomClient.join(b.base, id, modB.agent);

      const sent = await onA.request({ type: 'chat.send', body: 'from server A' });
      expect(sent.type).toBe('ack');
      expect((await modOnB.event('message')).event).toMatchObject({ message: { body: 'from server A' } });
      expect((await onB.event('message')).seq).toBe(1);

      await modOnB.request({ type: 'backchannel.send', body: 'staff on B' });
      await modOnB.request({ type: 'announcement.send', body: 'from server B' });
      expect((await onA.event('message', (e) => e.seq === 2)).event).toMatchObject({ message: { body: 'from server B', channel: 'announcement' } });
      expect(JSON.stringify(onA.received)).not.toContain('staff on B');
      await onA.waitFor((m) => m.type === 'attendees' && m.count === 3);

      // the owner revokes through server A: its announcement closes the socket held by server B
      await viewerB.revoke();
      expect((await onB.next('error', { timeoutMs: 2_000 })).error.code).toBe('invite_revoked');
      await onB.closed;
      await Promise.all([onA.close(), modOnB.close()]);
    } finally {
      await a.close();
      await b.close();
      await busA.close();
      await busB.close();
      await db.dispose();
    }
  });

  it('pings quiet sockets: answering ones stay, a vanished peer is dropped', async () => {
    const db = await createTestDatabase(dialect);
    const clock = new TestClock();
    const server = await startServer(db, { clock, roomHeartbeatMs: 150 });
    try {
      const t = asTestApp(server, db, clock);
      const owner = await signUp(t);
      const id = (await createEvent(t, owner.agent, liveNow(t))).event.id;
      const [quiet, gone] = await roomCast(t, id, ['viewer', 'viewer']);
      const alive = await RoomClient.join(server.base, id, quiet.agent);
      const silent = await RoomClient.open(server.base, id, gone.agent, { autoPong: false });
      silent.send({ type: 'hello' });
      await silent.next('synced');
      // a peer that never answers is cut off after a missed round
      expect((await silent.closed).code).toBe(1006);
      // the one that answers keeps being pinged and stays
      await new Promise((resolve) => alive.ws.once('ping', resolve));
      await new Promise((resolve) => alive.ws.once('ping', resolve));
      expect(alive.ws.readyState).toBe(alive.ws.OPEN);
      expect((await alive.request({ type: 'chat.send', body: 'still here' })).type).toBe('ack');
      await alive.close();
    } finally {
      await server.close();
      await db.dispose();
    }
  });
});
