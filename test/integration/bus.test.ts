import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { MemoryBus, type Bus, type BusState } from '../../src/server/adapters/bus/bus.js';
import { RedisBus } from '../../src/server/adapters/bus/redis-bus.js';
import { RedisServer } from '../factories/redis-server.js';
import { waitFor } from '../factories/wait.js';

/** Subscribes (resolving once messages can arrive) and hands back a promise of the next message. */
async function next(bus: Bus, topic: string) {
  let resolve!: (m: unknown) => void;
  const message = new Promise<unknown>((r) => (resolve = r));
  const unsubscribe = await bus.subscribe(topic, (m) => resolve(m));
  return { message, unsubscribe };
}

describe('MemoryBus', () => {
  it('delivers a copy to every subscriber of the topic and none after unsubscribe', async () => {
    const bus = new MemoryBus();
    const got: unknown[] = [];
    const off = await bus.subscribe('a', (m) => got.push(m));
    const original = { n: 1 };
    const heard = await next(bus, 'a');
    await bus.publish('a', original);
    expect(await heard.message).toEqual({ n: 1 });
    expect(got[0]).not.toBe(original);
    await off();
    await bus.publish('b', { n: 2 });
    const last = await next(bus, 'a');
    await bus.publish('a', { n: 3 });
    expect(await last.message).toEqual({ n: 3 });
    expect(got).toEqual([{ n: 1 }]);
  });
});

describe.runIf(process.env.TEST_REDIS_URL)('RedisBus', () => {
  const url = process.env.TEST_REDIS_URL!;
  const buses: RedisBus[] = [];
  const make = (prefix: string) => {
    const bus = new RedisBus({ url, prefix });
    buses.push(bus);
    return bus;
  };
  afterEach(async () => {
    await Promise.all(buses.splice(0).map((b) => b.close()));
  });

  it('carries a message from one connection to another, within its namespace only', async () => {
    const prefix = `foyer-test-${randomBytes(6).toString('hex')}:`;
    const a = make(prefix);
    const b = make(prefix);
    const stranger = make(`${prefix}other:`);
    const strangerGot: unknown[] = [];
    await stranger.subscribe('room:1', (m) => strangerGot.push(m));
    const heard = await next(b, 'room:1');
    const second = await next(b, 'room:1');
    await a.publish('room:1', { hello: 'there', n: [1, 2] });
    expect(await heard.message).toEqual({ hello: 'there', n: [1, 2] });
    expect(await second.message).toEqual({ hello: 'there', n: [1, 2] });
    // a round trip through the stranger's own namespace proves it had the chance to receive
    const own = await next(stranger, 'room:1');
    await make(`${prefix}other:`).publish('room:1', { mine: true });
    expect(await own.message).toEqual({ mine: true });
    expect(strangerGot).toEqual([{ mine: true }]);
  });

  it('stops delivering after the last unsubscribe', async () => {
    const prefix = `foyer-test-${randomBytes(6).toString('hex')}:`;
    const a = make(prefix);
    const b = make(prefix);
    const got: unknown[] = [];
    const off = await b.subscribe('t', (m) => got.push(m));
    const first = await next(b, 't');
    await a.publish('t', 1);
    await first.message;
    await first.unsubscribe();
    await off();
    const canary = await next(b, 'u');
    await a.publish('t', 2);
    await a.publish('u', 'canary');
    await canary.message;
    expect(got).toEqual([1]);
  });
});

/** Rejects when the promise takes longer than `ms`: the wait is bounded. */
const within = <T>(ms: number, p: Promise<T>, what: string) =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms))]);

describe('RedisBus through a Redis outage (a private redis-server of this test)', () => {
  let redis: RedisServer;
  const buses: RedisBus[] = [];
  let spies: MockInstance[];
  beforeEach(async () => {
    spies = [vi.spyOn(console, 'error'), vi.spyOn(console, 'warn')];
    redis = await RedisServer.start();
  });
  afterEach(async () => {
    await Promise.all(buses.splice(0).map((b) => b.close()));
    await redis.dispose();
    for (const s of spies) s.mockRestore();
  });

  it('delivers to its own process at once whatever Redis does, and to the others again once Redis is back', async () => {
    const a = new RedisBus({ url: redis.url });
    const b = new RedisBus({ url: redis.url });
    buses.push(a, b);
    const states: BusState[] = [];
    a.onStateChange((s) => states.push(s));
    const gotA: unknown[] = [];
    const gotB: unknown[] = [];
    await a.subscribe('t', (m) => gotA.push(m));
    await b.subscribe('t', (m) => gotB.push(m));

    await a.publish('t', 1);
    await waitFor(() => gotB.includes(1), { what: 'b to hear 1' });
    // a heard its own message once (at once), not a second time when Redis echoed it
    await b.publish('t', 'canary');
    await waitFor(() => gotA.includes('canary'), { what: 'a to hear the canary' });
    expect(gotA).toEqual([1, 'canary']);

    await redis.stop();
    await waitFor(() => a.state === 'down' && b.state === 'down', { what: 'both buses to see the outage' });
    await within(1_000, a.publish('t', 2), 'publishing during the outage');
    await waitFor(() => gotA.includes(2), { what: 'a to hear its own message during the outage' });
    // a new subscription during the outage does not wait for Redis either
    const gotLater: unknown[] = [];
    await within(1_000, b.subscribe('later', (m) => gotLater.push(m)), 'subscribing during the outage');

    await redis.start();
    await waitFor(() => a.state === 'up' && b.state === 'up', { what: 'both buses to be back', timeoutMs: 20_000 });
    // subscribed again on the fresh Redis, including what was subscribed meanwhile
    await b.publish('t', 3);
    await a.publish('later', 'hello');
    await waitFor(() => gotA.includes(3) && gotLater.includes('hello'), { what: 'messages across the restarted Redis' });
    // 2 never reached b: pub/sub is at-most-once (rooms read what they missed from the database)
    expect(gotB).toEqual([1, 'canary', 3]);
    expect(gotA).toEqual([1, 'canary', 2, 3]);
    expect(states).toEqual(['up', 'down', 'up']);
    expect(spies.flatMap((s) => s.mock.calls)).toEqual([]);
  });
});
