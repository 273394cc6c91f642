import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import type { RoomService } from '../services/room.service.js';
import { LocalRoom } from './local-room.js';
import { RoomConnection } from './room-connection.js';

/**
 * Fan-out over real sockets: a ws server on loopback, real ws clients, the room writing to them.
 * Counts the writes that reach each server socket's stream implementation (the calls that become
 * system calls), without changing what is written.
 */
const servers: WebSocketServer[] = [];
const clients: WebSocket[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.terminate();
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

async function setup(n: number) {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  servers.push(wss);
  await new Promise((r) => wss.once('listening', r));
  const accepted: WebSocket[] = [];
  wss.on('connection', (ws) => accepted.push(ws));
  const received: string[][] = [];
  for (let i = 0; i < n; i++) {
    const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
    clients.push(client);
    const got: string[] = [];
    received.push(got);
    client.on('message', (data, isBinary) => {
      expect(isBinary).toBe(false);
      got.push(data.toString());
    });
    await new Promise((r) => client.once('open', r));
  }
  await expect.poll(() => accepted.length).toBe(n);
  const store = { heads: async () => ({ public: 0, staff: 0 }), eventsAfter: async () => [] } as unknown as RoomService;
  const room = new LocalRoom('room-1', { room: store, logger: pino({ level: 'silent' }), clock: () => 0, processId: 'p1', publishPresence: () => undefined, presenceTtlMs: 90_000, attendeesEveryMs: 60_000 });
  const conns: RoomConnection[] = [];
  const writes: number[] = [];
  for (const [i, ws] of accepted.entries()) {
    // the server socket's own write hooks, counted and then called as they are
    const socket = (ws as unknown as { _socket: { _write: (...a: unknown[]) => void; _writev: (...a: unknown[]) => void } })._socket;
    writes[i] = 0;
    const write = socket._write.bind(socket);
    const writev = socket._writev.bind(socket);
    socket._write = (...a) => (writes[i]++, write(...a));
    socket._writev = (...a) => (writes[i]++, writev(...a));
    const conn = new RoomConnection(ws, 'room-1', undefined, undefined);
    conns.push(conn);
    await room.attach(conn, { public: 0 }, () => undefined);
  }
  writes.fill(0);
  const event = (seq: number) => ({ stream: 'public' as const, seq, at: seq, event: { kind: 'message', message: { id: `m${seq}`, body: `hello ${seq}`, likes: 0 } } });
  return { room, conns, received, writes, event };
}

describe('room fan-out over real sockets', () => {
  it('events that arrive together leave in two writes per socket (the first at once, the rest batched), every frame intact and in order', async () => {
    const { room, received, writes, event } = await setup(3);
    const all = [];
    for (let seq = 1; seq <= 20; seq++) all.push(room.onEvent(event(seq)));
    await Promise.all(all);
    await expect.poll(() => received.map((r) => r.length)).toEqual([20, 20, 20]);
    for (const got of received) {
      expect(got.map((m) => JSON.parse(m))).toEqual(
        Array.from({ length: 20 }, (_, i) => ({ type: 'event', stream: 'public', seq: i + 1, at: new Date(i + 1).toISOString(), event: event(i + 1).event })),
      );
    }
    expect(writes).toEqual([2, 2, 2]);
    room.dispose();
  });

  it('keeps the order of fan-out events and messages sent to one socket in between', async () => {
    const { room, conns, received, event } = await setup(2);
    void room.onEvent(event(1));
    void room.run(() => conns[0].send({ type: 'attendees', count: 7 }));
    void room.onEvent(event(2));
    await room.run(() => room.broadcast({ type: 'recovered' }));
    await expect.poll(() => received.map((r) => r.length)).toEqual([4, 3]);
    const kinds = received.map((r) => r.map((m) => JSON.parse(m)).map((m) => (m.type === 'event' ? m.seq : m.type)));
    expect(kinds).toEqual([
      [1, 'attendees', 2, 'recovered'],
      [1, 2, 'recovered'],
    ]);
    room.dispose();
  });

  it('a client that stops reading is closed as too far behind, the others keep receiving', async () => {
    const { room, received, event } = await setup(2);
    const slow = clients[0];
    (slow as unknown as { _socket: { pause(): void } })._socket.pause();
    const closed = new Promise<number>((r) => slow.once('close', (code) => r(code)));
    const big = 'x'.repeat(60_000);
    let seq = 0;
    // far more than the 4 MiB a socket may hold, a few events per round as a busy room would send
    for (let round = 0; round < 60 && received[1].length === seq; round++) {
      const batch = [];
      for (let i = 0; i < 5; i++) batch.push(room.onEvent({ ...event(++seq), event: { kind: 'message', message: { id: `m${seq}`, body: big } } }));
      await Promise.all(batch);
      await expect.poll(() => received[1].length, { timeout: 10_000 }).toBe(seq);
      if (slow.readyState !== WebSocket.OPEN) break;
    }
    (slow as unknown as { _socket: { resume(): void } })._socket.resume();
    expect(await closed).toBe(1013);
    expect(received[1].length).toBe(seq);
    room.dispose();
  });
});
