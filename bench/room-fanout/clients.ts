/**
 * Client worker of bench/room-fanout: holds every client socket of one server (raw or Foyer) in a
 * process of its own, sends the chat messages and times their arrival. Times are
 * performance.timeOrigin + now(), comparable between processes on one machine.
 */
import WebSocket from 'ws';

interface Setup {
  kind: 'raw' | 'foyer';
  url: string;
  /** One cookie per client (Foyer) or none (raw). */
  cookies: string[];
  senderCookie?: string;
}

const MARK = '"body":"bench:';
const now = () => performance.timeOrigin + performance.now();
let setup: Setup;
let clients: WebSocket[] = [];
let sender: WebSocket | undefined;
const sentAt = new Map<number, number>();
const got = new Map<number, number>();
const waiting = new Map<number, () => void>();
let measuring = false;
const latencies: number[] = [];
let lastReceipt = 0;

function open(cookie: string | undefined): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = setup.kind === 'foyer' ? { origin: 'http://localhost:3000', cookie: `foyer_session=${cookie}` } : {};
    const ws = new WebSocket(setup.url, { headers, perMessageDeflate: false });
    ws.once('error', reject);
    ws.once('unexpected-response', (_q, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    ws.once('open', () => {
      if (setup.kind === 'raw') return resolve(ws);
      const onMessage = (data: WebSocket.RawData) => {
        if (data.toString().includes('"type":"synced"')) {
          ws.off('message', onMessage);
          resolve(ws);
        }
      };
      ws.on('message', onMessage);
      ws.send(JSON.stringify({ type: 'hello' }));
    });
  });
}

async function openMany(cookies: Array<string | undefined>, parallel = 200): Promise<WebSocket[]> {
  const out: WebSocket[] = new Array(cookies.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(parallel, cookies.length) }, async () => {
      while (next < cookies.length) {
        const i = next++;
        out[i] = await open(cookies[i]);
      }
    }),
  );
  return out;
}

function listen(ws: WebSocket): void {
  ws.on('message', (data) => {
    const s = data.toString();
    const i = s.indexOf(MARK);
    if (i < 0) return;
    const k = parseInt(s.slice(i + MARK.length), 10);
    const t = now();
    lastReceipt = t;
    if (measuring) latencies.push(t - sentAt.get(k)!);
    const c = (got.get(k) ?? 0) + 1;
    got.set(k, c);
    if (c === clients.length) waiting.get(k)?.();
  });
}

/** A frame shaped and sized like the one Foyer fans out for a chat message. */
function rawFrame(k: number): string {
  const at = new Date().toISOString();
  const id = () => crypto.randomUUID();
  return JSON.stringify({
    type: 'event',
    stream: 'public',
    seq: k,
    at,
    event: { kind: 'message', message: { id: id(), channel: 'chat', author: { id: id(), name: 'Bench Owner', role: 'owner' }, body: `bench:${k}`, likes: 0, createdAt: at } },
  });
}

function send(k: number): Promise<void> {
  const done = new Promise<void>((resolve) => waiting.set(k, resolve));
  sentAt.set(k, now());
  sender!.send(setup.kind === 'raw' ? rawFrame(k) : JSON.stringify({ type: 'chat.send', body: `bench:${k}` }));
  return done;
}

const reply = (m: Record<string, unknown>) => process.send!(m);

process.on('message', async (m: { type: string } & Record<string, unknown>) => {
  try {
    switch (m.type) {
      case 'setup':
        setup = m as unknown as Setup;
        sender = await open(setup.senderCookie);
        return reply({ type: 'setup' });
      case 'warm': {
        // compiles the hot paths before memory is measured; these sockets leave again
        const warm = await openMany((m.cookies as string[] | undefined) ?? Array.from({ length: Number(m.count) }, () => undefined));
        clients = warm;
        for (const ws of warm) listen(ws);
        for (let i = 0; i < 3; i++) await send(Number(m.k) + i);
        for (const ws of warm) ws.terminate();
        clients = [];
        return reply({ type: 'warm' });
      }
      case 'connect': {
        // clients [from, from + count): joining in parts lets the parent measure memory in between
        const from = Number(m.from);
        const count = Number(m.count);
        const started = now();
        const opened = await openMany(setup.cookies.length ? setup.cookies.slice(from, from + count) : Array.from({ length: count }, () => undefined));
        for (const ws of opened) listen(ws);
        clients = [...clients, ...opened];
        return reply({ type: 'connect', seconds: (now() - started) / 1000 });
      }
      case 'round':
        measuring = Boolean(m.measure);
        await send(Number(m.k));
        measuring = false;
        return reply({ type: 'round' });
      case 'burst': {
        const first = Number(m.k);
        const started = now();
        const all = [];
        for (let i = 0; i < Number(m.count); i++) all.push(send(first + i));
        await Promise.all(all);
        return reply({ type: 'burst', seconds: (lastReceipt - started) / 1000 });
      }
      case 'report': {
        latencies.sort((a, b) => a - b);
        const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
        return reply({ type: 'report', p50: pct(50), p99: pct(99), samples: latencies.length });
      }
      case 'stop':
        for (const ws of [...clients, sender]) ws?.terminate();
        process.exit(0);
    }
  } catch (err) {
    reply({ type: 'failed', message: (err as Error).message });
  }
});
reply({ type: 'ready' });
