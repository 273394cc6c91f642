import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryBus, type Bus } from '../../src/server/adapters/bus/bus.js';
import { RedisBus } from '../../src/server/adapters/bus/redis-bus.js';

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
