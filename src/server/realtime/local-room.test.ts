import fc from 'fast-check';
import pino from 'pino';
import type { WebSocket } from 'ws';
import { describe, expect, it, vi } from 'vitest';
import type { RoomService } from '../services/room.service.js';
import { LocalRoom } from './local-room.js';
import { RoomConnection } from './room-connection.js';

/** The stored log (what the database holds) and what a socket received. */
function setup(over: { publishPresence?: (m: unknown) => void } = {}) {
  const stored = new Map<number, { seq: number; at: number; event: unknown }>();
  const store = {
    heads: async () => ({ public: Math.max(0, ...stored.keys()), staff: 0 }),
    eventsAfter: async (_room: string, _stream: string, after: number, opts: { untilSeq?: number; limit: number }) =>
      [...stored.values()].filter((e) => e.seq > after && (opts.untilSeq === undefined || e.seq <= opts.untilSeq)).sort((a, b) => a.seq - b.seq).slice(0, opts.limit).map((e) => ({ ...e, stream: 'public' as const })),
  } as unknown as RoomService;
  const room = new LocalRoom('room-1', { room: store, logger: pino({ level: 'silent' }), clock: () => 0, processId: 'p1', publishPresence: over.publishPresence ?? (() => undefined), presenceTtlMs: 90_000, attendeesEveryMs: 1_000 });
  const commit = (seq: number) => {
    const e = { seq, at: seq, event: { kind: 'message.likes', id: `m${seq}`, likes: seq } };
    stored.set(seq, e);
    return { stream: 'public' as const, ...e };
  };
  const socket = () => {
    const got: number[] = [];
    const counts: number[] = [];
    const ws = { readyState: 1, bufferedAmount: 0, send: (data: Buffer | string) => {
      const m = JSON.parse(data.toString());
      if (m.type === 'event') got.push(m.seq);
      if (m.type === 'attendees') counts.push(m.count);
    }, close() {}, terminate() {} } as unknown as WebSocket;
    return { conn: new RoomConnection(ws, 'room-1', undefined, undefined), got, counts };
  };
  return { room, commit, socket };
}

describe('local room sequencing', () => {
  it('delivers in order and drops duplicates', async () => {
    const { room, commit, socket } = setup();
    const a = socket();
    await room.attach(a.conn, { public: 0 }, () => undefined);
    const e1 = commit(1);
    await room.onEvent(e1);
    await room.onEvent(commit(2));
    await room.onEvent(e1);
    expect(a.got).toEqual([1, 2]);
    room.dispose();
  });

  it('fills a gap from the store when the bus delivers out of order or loses a message', async () => {
    const { room, commit, socket } = setup();
    const a = socket();
    await room.attach(a.conn, { public: 0 }, () => undefined);
    const e1 = commit(1);
    const e2 = commit(2);
    const e3 = commit(3);
    commit(4);
    const e5 = commit(5);
    await room.onEvent(e3);
    await room.onEvent(e1);
    await room.onEvent(e2);
    await room.onEvent(e5);
    expect(a.got).toEqual([1, 2, 3, 4, 5]);
    room.dispose();
  });

  it('catches up from the store without waiting for a next event (after a bus outage), in order, once', async () => {
    const { room, commit, socket } = setup();
    const a = socket();
    await room.attach(a.conn, { public: 0 }, () => undefined);
    await room.onEvent(commit(1));
    // the bus lost everything after 1 (another process stored 1234 more); nobody speaks again
    for (let s = 2; s <= 1234; s++) commit(s);
    await room.catchUp();
    expect(a.got).toEqual(Array.from({ length: 1234 }, (_, i) => i + 1));
    await room.catchUp();
    await room.onEvent(commit(7));
    expect(a.got).toHaveLength(1234);
    await room.onEvent(commit(1235));
    expect(a.got.at(-1)).toBe(1235);
    room.dispose();
  });

  it('catches a late joiner up to the room, and skips what its snapshot already had', async () => {
    const { room, commit, socket } = setup();
    const early = socket();
    await room.attach(early.conn, { public: 0 }, () => undefined);
    for (let s = 1; s <= 3; s++) await room.onEvent(commit(s));
    const behind = socket();
    await room.attach(behind.conn, { public: 1 }, () => undefined);
    expect(behind.got).toEqual([2, 3]);
    commit(4);
    commit(5);
    const ahead = socket();
    // its snapshot saw 5 before the bus brought 4 and 5 here
    await room.attach(ahead.conn, { public: 5 }, () => undefined);
    await room.onEvent(commit(6));
    expect(early.got).toEqual([1, 2, 3, 4, 5, 6]);
    expect(behind.got).toEqual([2, 3, 4, 5, 6]);
    expect(ahead.got).toEqual([6]);
    room.dispose();
  });

  it('every socket sees each event after its start exactly once, in order, whatever the bus does', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 40 }),
        fc.array(fc.tuple(fc.integer({ min: 1, max: 40 }), fc.boolean()), { maxLength: 60 }),
        fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 4 }),
        async (total, busOrder, joinAt) => {
          const { room, commit, socket } = setup();
          const sockets: Array<{ got: number[]; start: number }> = [];
          // the bus delivers a shuffled, lossy, duplicating selection; the last event always arrives
          const deliveries = busOrder.filter(([s]) => s <= total).map(([s]) => s);
          deliveries.push(total);
          for (let s = 1; s <= total; s++) commit(s);
          const committed = total;
          let step = 0;
          for (const s of deliveries) {
            for (const j of joinAt.filter((x) => x === step)) {
              const sock = socket();
              const start = Math.min(j, committed);
              sockets.push({ got: sock.got, start });
              await room.attach(sock.conn, { public: start }, () => undefined);
            }
            await room.onEvent({ stream: 'public', seq: s, at: s, event: { kind: 'message.likes', id: `m${s}`, likes: s } });
            step++;
          }
          room.dispose();
          return sockets.every(({ got, start }) => got.join() === Array.from({ length: total - start }, (_, i) => start + 1 + i).join());
        },
      ),
      { numRuns: 200 },
    );
  });

  it('counts people, not sockets, and adds what other processes report', async () => {
    vi.useFakeTimers();
    try {
      const told: unknown[] = [];
      const { room, socket } = setup({ publishPresence: (m) => told.push(m) });
      const a = socket();
      const a2 = socket();
      const b = socket();
      a.conn.actor = a2.conn.actor = { roomId: 'room-1', participantId: 'pa', name: 'A', role: 'viewer' };
      b.conn.actor = { roomId: 'room-1', participantId: 'pb', name: 'B', role: 'viewer' };
      for (const s of [a, a2, b]) await room.attach(s.conn, { public: 0 }, () => undefined);
      await vi.advanceTimersByTimeAsync(1_000);
      expect(a.counts.at(-1)).toBe(2);
      expect(told.at(-1)).toMatchObject({ t: 'presence', process: 'p1', count: 2 });
      room.onPresence({ process: 'p2', count: 3, at: 0 });
      await vi.advanceTimersByTimeAsync(1_000);
      expect(b.counts.at(-1)).toBe(5);
      room.onPresence({ process: 'p2', count: 0, at: 0 });
      room.detach(a2.conn);
      await vi.advanceTimersByTimeAsync(1_000);
      expect(b.counts.at(-1)).toBe(2);
      room.detach(a.conn);
      await vi.advanceTimersByTimeAsync(1_000);
      expect(b.counts.at(-1)).toBe(1);
      room.dispose();
      expect(told.at(-1)).toMatchObject({ count: 0 });
    } finally {
      vi.useRealTimers();
    }
  });
});
