/**
 * bench/join-storm — the speed issue's P8: N invitees arrive at once and each goes the whole way in:
 * link → lobby page → lobby info → enter (the email check; a single-use redemption) → event page →
 * room socket → `hello` → `synced`. Foyer (SQLite; PostgreSQL too with BENCH_DATABASE_URL or
 * TEST_DATABASE_URL) against a skeleton server (bare Fastify + raw `ws`) answering the same request
 * sequence with constant bodies: Foyer's own answers to the first joiner. Rounds alternate which
 * server goes first; each Foyer round joins N fresh invites. Every socket stays open until the round
 * ends (N people in the room). After each Foyer round, the server counts guest sessions and grants:
 * exactly one of each per join. Prints joins/s, join times and the ratio, with the load average.
 * Asserts nothing about time. Needs the web app built (npm run build:web) for the lobby page.
 *
 *   npx tsx bench/join-storm/index.ts [N=10000] [rounds=3] [concurrency=200]
 *   BENCH_PROFILE=<dir>  writes a CPU profile of each Foyer server process
 */
import { fork, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import type { Recorded } from './server.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const N = Number(process.argv[2] ?? 10_000);
const ROUNDS = Number(process.argv[3] ?? 3);
const CONCURRENCY = Number(process.argv[4] ?? 200);
const PUBLIC_URL = 'http://localhost:3000';
if (process.env.BENCH_DATABASE_URL) process.env.TEST_DATABASE_URL = process.env.BENCH_DATABASE_URL;
const dialects = ['sqlite', ...(process.env.TEST_DATABASE_URL ? ['postgres'] : [])] as const;

interface Server {
  child: ChildProcess;
  port: number;
  eventId: string;
  ask<T>(m: { type: string; [k: string]: unknown }, reply?: string): Promise<T>;
}

function start(kind: 'foyer' | 'skeleton', dialect = 'sqlite', recorded?: Recorded): Promise<Server> {
  const execArgv = ['--import', 'tsx'];
  const child = fork(path.join(here, 'server.ts'), [kind, dialect], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ask = <T>(m: { type: string }, reply = m.type) =>
    new Promise<T>((resolve) => {
      const on = (x: { type: string }) => {
        if (x.type !== reply) return;
        child.off('message', on);
        resolve(x as T);
      };
      child.on('message', on);
      child.send(m);
    });
  return new Promise((resolve, reject) => {
    child.once('message', (m) => {
      const { port, eventId } = m as { port: number; eventId?: string };
      resolve({ child, port, eventId: eventId ?? '00000000-0000-4000-8000-000000000000', ask });
    });
    if (recorded) child.send({ recorded });
    child.once('exit', (code) => reject(new Error(`${kind} server exited with ${code}`)));
  });
}

type Link = { email: string; path: string };

// node:http with keep-alive: a lighter client than fetch, so the servers, not the client, set the pace
const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY * 2 });
function request(port: number, method: string, url: string, headers: Record<string, string>, body?: string): Promise<{ status: number; setCookie: string[]; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: url, headers: body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) }, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, setCookie: res.headers['set-cookie'] ?? [], body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** One invitee's way in, as the browser goes; resolves with its sockets and, when asked, the bodies it got. */
async function join(s: Server, link: Link, record: boolean): Promise<{ ws: WebSocket; ms: number; recorded?: Recorded }> {
  const t0 = performance.now();
  const jar = new Map<string, string>();
  const take = (res: { setCookie: string[] }) => {
    for (const c of res.setCookie) {
      const nv = c.split(';')[0]!;
      const i = nv.indexOf('=');
      jar.set(nv.slice(0, i), nv.slice(i + 1));
    }
  };
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const step = async (what: string, url: string, init: { method?: string; headers?: Record<string, string>; body?: string }, status: number) => {
    const res = await request(s.port, init.method ?? 'GET', url, { ...init.headers, cookie: cookie() }, init.body);
    take(res);
    if (res.status !== status) throw new Error(`${what}: ${res.status} ${res.body.slice(0, 300)}`);
    return res.body;
  };
  await step('link', link.path, {}, 303);
  const lobbyHtml = await step('lobby page', '/lobby', {}, 200);
  // as the web app asks: expected refusals would come as 200 with the outcome in the body
  const lobbyInfo = await step('lobby info', '/api/lobby?outcome=body', { headers: { prefer: 'outcome-in-body' } }, 200);
  const enter = await step('enter', '/api/lobby/enter', { method: 'POST', headers: { prefer: 'outcome-in-body', 'content-type': 'application/json', 'x-csrf-token': jar.get('foyer_csrf') ?? '', origin: PUBLIC_URL }, body: JSON.stringify({ email: link.email }) }, 200);
  const eventPage = await step('event page', `/api/events/${s.eventId}`, { headers: { prefer: 'outcome-in-body' } }, 200);
  const frames: string[] = [];
  const ws = await new Promise<WebSocket>((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${s.port}/api/events/${s.eventId}/room`, { headers: { origin: PUBLIC_URL, cookie: cookie() }, perMessageDeflate: false });
    ws.once('error', reject);
    ws.once('unexpected-response', (_q, res) => reject(new Error(`room socket refused: ${res.statusCode}`)));
    ws.once('open', () => ws.send(JSON.stringify({ type: 'hello' })));
    const onMessage = (data: WebSocket.RawData) => {
      const text = data.toString();
      if (record) frames.push(text);
      if (text.includes('"type":"synced"')) {
        ws.off('message', onMessage);
        resolve(ws);
      }
    };
    ws.on('message', onMessage);
  });
  return { ws, ms: performance.now() - t0, recorded: record ? { lobbyHtml, lobbyInfo, enter, eventPage, roomFrames: frames } : undefined };
}

/** All `links` joining, `CONCURRENCY` at a time, as fast as the server lets them. */
async function storm(s: Server, links: Link[]) {
  const times: number[] = [];
  const sockets: WebSocket[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(CONCURRENCY, links.length) }, async () => {
      while (next < links.length) {
        const r = await join(s, links[next++]!, false);
        times.push(r.ms);
        sockets.push(r.ws);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  await s.ask({ type: 'close-sockets' }, 'closed');
  for (const ws of sockets) ws.terminate();
  times.sort((a, b) => a - b);
  return { perSecond: links.length / seconds, p50: times[Math.floor(times.length / 2)]!, p99: times[Math.floor(times.length * 0.99)]! };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const fakeLinks = (n: number): Link[] => Array.from({ length: n }, (_, i) => ({ email: `guest-${i}@bench.example`, path: `/i/${'x'.repeat(20)}${i}` }));

for (const dialect of dialects) {
  const foyer = await start('foyer', dialect);
  // warm-up: 200 joins; the first one's answers are what the skeleton sends
  const warm = (await foyer.ask<{ links: Link[] }>({ type: 'links', count: 200 })).links;
  const first = await join(foyer, warm[0]!, true);
  first.ws.terminate();
  await storm(foyer, warm.slice(1));
  const skeleton = await start('skeleton', 'sqlite', first.recorded);
  await storm(skeleton, fakeLinks(200));
  let joined = 200;
  const figures = { foyer: [] as Array<Awaited<ReturnType<typeof storm>>>, skeleton: [] as Array<Awaited<ReturnType<typeof storm>>> };
  const loads: number[] = [];
  let wrong = 0;
  for (let round = 1; round <= ROUNDS; round++) {
    const links = (await foyer.ask<{ links: Link[] }>({ type: 'links', count: N })).links;
    const order = round % 2 ? (['skeleton', 'foyer'] as const) : (['foyer', 'skeleton'] as const);
    for (const side of order) figures[side].push(side === 'foyer' ? await storm(foyer, links) : await storm(skeleton, fakeLinks(N)));
    joined += N;
    const counted = await foyer.ask<{ sessions: number; grants: number }>({ type: 'count' });
    if (counted.sessions !== joined || counted.grants !== joined) wrong++;
    loads.push(loadavg()[0]!);
    const f = figures.foyer.at(-1)!;
    const k = figures.skeleton.at(-1)!;
    console.log(
      `${dialect} round ${round}: skeleton ${k.perSecond.toFixed(0)} joins/s (p50 ${k.p50.toFixed(0)} / p99 ${k.p99.toFixed(0)} ms); Foyer ${f.perSecond.toFixed(0)} joins/s (p50 ${f.p50.toFixed(0)} / p99 ${f.p99.toFixed(0)} ms); ` +
        `${(f.perSecond / k.perSecond * 100).toFixed(1)} %; guest sessions ${counted.sessions} and grants ${counted.grants} for ${joined} joins; load ${loadavg()[0]!.toFixed(2)}`,
    );
  }
  const ratios = figures.foyer.map((f, i) => f.perSecond / figures.skeleton[i]!.perSecond);
  console.log(
    `\nbench/join-storm (${dialect}): N = ${N}, ${CONCURRENCY} invitees at a time, ${ROUNDS} alternating rounds; load average ${Math.min(...loads).toFixed(2)}–${Math.max(...loads).toFixed(2)} (2 cores)\n` +
      `  skeleton ${median(figures.skeleton.map((x) => x.perSecond)).toFixed(0)} joins/s (p99 ${median(figures.skeleton.map((x) => x.p99)).toFixed(0)} ms)   ` +
      `Foyer ${median(figures.foyer.map((x) => x.perSecond)).toFixed(0)} joins/s (p99 ${median(figures.foyer.map((x) => x.p99)).toFixed(0)} ms)   ` +
      `median ratio ${(median(ratios) * 100).toFixed(1)} % (rounds ${ratios.map((r) => (r * 100).toFixed(0)).join(', ')} %)   goal ≥ 40 % at N = 10,000 on SQLite\n` +
      `  exactly one guest session and one grant per join: ${wrong === 0 ? 'yes, every round' : `NO, in ${wrong} round(s)`}\n`,
  );
  await Promise.all([foyer, skeleton].map((x) => new Promise((r) => (x.child.once('exit', r), x.child.send({ type: 'stop' })))));
}
process.exit(0);
