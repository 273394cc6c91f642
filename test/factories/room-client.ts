import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import type { ClientMessageInput, ServerMessage } from '../../src/contracts/live.js';
import type { Agent } from './app.js';

type Msg<T extends ServerMessage['type']> = Extract<ServerMessage, { type: T }>;

/** Base ws:// address of an app listening on a random port. */
export const wsBase = (app: { server: { address(): AddressInfo | string | null } }) => {
  const a = app.server.address() as AddressInfo;
  return `ws://127.0.0.1:${a.port}`;
};

/** Puts a test app on a random loopback port for real sockets; answers its ws:// base address. */
export async function listenForSockets(app: { listen(o: { port: number; host: string }): Promise<unknown>; server: { address(): AddressInfo | string | null } }): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  return wsBase(app);
}

/**
 * A room socket as the browser would open it: the agent's cookies, the site's Origin.
 * Keeps every message received; tests wait for the ones they expect.
 */
export class RoomClient {
  readonly received: ServerMessage[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private waiters: Array<() => void> = [];
  private refs = 0;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.received.push(JSON.parse(data.toString()) as ServerMessage);
      this.waiters.splice(0).forEach((w) => w());
    });
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        resolve({ code, reason: reason.toString() });
        this.waiters.splice(0).forEach((w) => w());
      });
    });
  }

  /** Opens the socket (resolves on open); does not say hello. */
  static open(base: string, eventId: string, agent: Agent | undefined, opts: { origin?: string; autoPong?: boolean } = {}): Promise<RoomClient> {
    const ws = new WebSocket(`${base}/api/events/${eventId}/room`, {
      headers: { origin: opts.origin ?? 'http://localhost:3000', ...(agent ? { cookie: agent.cookieHeader } : {}) },
      autoPong: opts.autoPong ?? true,
    });
    const client = new RoomClient(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(client));
      ws.once('unexpected-response', (_req, res) => reject(Object.assign(new Error(`upgrade refused: ${res.statusCode}`), { statusCode: res.statusCode })));
      ws.once('error', reject);
    });
  }

  /** Opens, says hello, and waits until live (synced). */
  static async join(base: string, eventId: string, agent: Agent, resume?: { public: number; staff?: number }): Promise<RoomClient> {
    const c = await RoomClient.open(base, eventId, agent);
    c.send({ type: 'hello', ...(resume ? { resume } : {}) });
    await c.next('synced');
    return c;
  }

  send(msg: ClientMessageInput | Record<string, unknown>): void {
    this.ws.send(JSON.stringify(msg));
  }

  /** Sends with a fresh ref and resolves with its ack or error (within `timeoutMs`, default 10 s). */
  async request(msg: ClientMessageInput, opts: { timeoutMs?: number } = {}): Promise<Msg<'ack'> | Msg<'error'> | Msg<'participants'>> {
    const ref = `r${++this.refs}-${Math.random().toString(36).slice(2, 8)}`;
    this.send({ ...msg, ref });
    return this.waitFor((m): m is Msg<'ack'> | Msg<'error'> | Msg<'participants'> => (m.type === 'ack' || m.type === 'error' || m.type === 'participants') && m.ref === ref, opts);
  }

  /** Resolves with the first received message (from `from` on) matching the predicate. */
  waitFor<T extends ServerMessage>(pred: (m: ServerMessage) => m is T, opts?: { from?: number; timeoutMs?: number }): Promise<T>;
  waitFor(pred: (m: ServerMessage) => boolean, opts?: { from?: number; timeoutMs?: number }): Promise<ServerMessage>;
  async waitFor(pred: (m: ServerMessage) => boolean, opts: { from?: number; timeoutMs?: number } = {}): Promise<ServerMessage> {
    const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
    let from = opts.from ?? 0;
    for (;;) {
      for (; from < this.received.length; from++) if (pred(this.received[from])) return this.received[from];
      if (this.ws.readyState === WebSocket.CLOSED) throw new Error(`socket closed while waiting; got ${JSON.stringify(this.received.slice(-5))}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting; last messages ${JSON.stringify(this.received.slice(-5))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  next<T extends ServerMessage['type']>(type: T, opts: { from?: number; timeoutMs?: number } = {}): Promise<Msg<T>> {
    return this.waitFor((m): m is Msg<T> => m.type === type, opts);
  }

  /** The next stored event of a kind (and matching a test), from a stream. */
  event(kind: string, test: (e: Msg<'event'>) => boolean = () => true, opts: { from?: number; timeoutMs?: number } = {}): Promise<Msg<'event'>> {
    return this.waitFor((m): m is Msg<'event'> => m.type === 'event' && m.event.kind === kind && test(m), opts);
  }

  events(): Msg<'event'>[] {
    return this.received.filter((m): m is Msg<'event'> => m.type === 'event');
  }

  /** Highest sequence seen per stream, as the browser keeps it for resuming. */
  cursors(): { public: number; staff?: number } {
    const snap = [...this.received].reverse().find((m): m is Msg<'snapshot'> => m.type === 'snapshot');
    const out: { public: number; staff?: number } = { public: snap?.streams.public ?? 0, ...(snap?.streams.staff !== undefined ? { staff: snap.streams.staff } : {}) };
    for (const e of this.events()) if (out[e.stream] === undefined || e.seq > out[e.stream]!) out[e.stream] = e.seq;
    return out;
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    this.ws.close();
    await this.closed;
  }

  /** Drops the TCP connection without a close handshake, like a network failure. */
  async drop(): Promise<void> {
    this.ws.terminate();
    await this.closed;
  }
}
