/**
 * bench/room-fanout: one live room with N WebSocket clients, one chat message at a time.
 * Measures delivery latency (p50/p99 over every client and message), delivered messages per second
 * in a burst, and memory per connection — for Foyer's room gateway and, in the same run, for a bare
 * `ws` server broadcasting the same bytes to the same number of clients. Rounds alternate between the
 * two, so both see the same machine. Prints figures and ratios; asserts nothing. Loopback only; every
 * step has a time limit and the run stops by itself.
 *
 *   npx tsx bench/room-fanout/index.ts [--sizes 1000,5000,10000] [--rounds 60] [--burst 20]
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const sizes = arg('sizes', '1000,5000,10000').split(',').map(Number);
const rounds = Number(arg('rounds', '60'));
const burst = Number(arg('burst', '20'));
const WARMUP_ROUNDS = 5;
const WARM_CLIENTS = 100;
const BURSTS = 3;

const children = new Set<ChildProcess>();
// the whole run is bounded: whatever happens, it ends
const hardStop = setTimeout(() => {
  console.error('room-fanout: time limit reached, stopping');
  for (const c of children) c.kill('SIGKILL');
  process.exit(2);
}, 40 * 60_000);
hardStop.unref();

function spawn(file: string, gc: boolean): Promise<{ child: ChildProcess; ready: Record<string, unknown> }> {
  const child = fork(path.join(here, file), [], {
    // BENCH_PROFILE=dir writes a CPU profile of each server process there
    execArgv: ['--import', 'tsx', ...(gc ? ['--expose-gc'] : []), ...(gc && process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [])],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.add(child);
  child.on('exit', () => children.delete(child));
  return new Promise((resolve, reject) => {
    child.once('message', (m: Record<string, unknown>) => (m.type === 'ready' ? resolve({ child, ready: m }) : reject(new Error(String(m.type)))));
    child.once('exit', (code) => reject(new Error(`${file} exited with ${code}`)));
  });
}

function ask<T = Record<string, unknown>>(child: ChildProcess, message: Record<string, unknown>, timeoutMs = 120_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer to ${message.type} within ${timeoutMs} ms`)), timeoutMs);
    const on = (m: Record<string, unknown>) => {
      if (m.type !== message.type && m.type !== 'failed') return;
      clearTimeout(timer);
      child.off('message', on);
      if (m.type === 'failed') reject(new Error(String(m.message)));
      else resolve(m as T);
    };
    child.on('message', on);
    child.send(message);
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (x: number, d = 1) => x.toFixed(d);
const kb = (bytes: number) => `${fmt(bytes / 1024)} KB`;

interface Mem {
  heap: number;
  rss: number;
}

interface Side {
  server: ChildProcess;
  clients: ChildProcess;
  k: number;
  /** Before any client, after the first half joined, after all joined. */
  mem: { before?: Mem; half?: Mem; after?: Mem };
  joinSeconds?: number;
  rates: number[];
  report?: { p50: number; p99: number; samples: number };
}

async function measure(n: number) {
  const raw = await spawn('raw-server.ts', true);
  const foyer = await spawn('foyer-server.ts', true);
  const sides: Record<'raw' | 'foyer', Side> = {
    raw: { server: raw.child, clients: (await spawn('clients.ts', false)).child, k: 0, mem: {}, rates: [] },
    foyer: { server: foyer.child, clients: (await spawn('clients.ts', false)).child, k: 0, mem: {}, rates: [] },
  };
  try {
    // every guest is invited and passes the lobby: about a millisecond each
    const { tokens } = await ask<{ tokens: string[] }>(foyer.child, { type: 'sessions', count: n + WARM_CLIENTS }, 10 * 60_000);
    await ask(sides.raw.clients, { type: 'setup', kind: 'raw', url: `ws://127.0.0.1:${raw.ready.port}`, cookies: [] });
    await ask(sides.foyer.clients, {
      type: 'setup',
      kind: 'foyer',
      url: `ws://127.0.0.1:${foyer.ready.port}/api/events/${foyer.ready.eventId}/room`,
      cookies: tokens.slice(WARM_CLIENTS),
      senderCookie: foyer.ready.ownerToken,
    });
    for (const [kind, s] of Object.entries(sides)) {
      await ask(s.clients, { type: 'warm', count: WARM_CLIENTS, k: 1_000_000, ...(kind === 'foyer' ? { cookies: tokens.slice(0, WARM_CLIENTS) } : {}) });
      await new Promise((r) => setTimeout(r, 1_000));
      s.mem.before = await ask(s.server, { type: 'mem' });
      const half = Math.floor(n / 2);
      const first = await ask<{ seconds: number }>(s.clients, { type: 'connect', from: 0, count: half }, 15 * 60_000);
      await new Promise((r) => setTimeout(r, 2_000));
      s.mem.half = await ask(s.server, { type: 'mem' });
      const second = await ask<{ seconds: number }>(s.clients, { type: 'connect', from: half, count: n - half }, 15 * 60_000);
      s.joinSeconds = first.seconds + second.seconds;
    }
    // attendee-count broadcasts and join bookkeeping settle before anything is measured
    await new Promise((r) => setTimeout(r, 3_000));
    for (const s of Object.values(sides)) s.mem.after = await ask(s.server, { type: 'mem' });

    for (let r = 0; r < WARMUP_ROUNDS + rounds; r++) {
      const order = r % 2 ? [sides.foyer, sides.raw] : [sides.raw, sides.foyer];
      for (const s of order) await ask(s.clients, { type: 'round', k: ++s.k, measure: r >= WARMUP_ROUNDS }, 60_000);
    }
    for (let b = 0; b < BURSTS; b++) {
      for (const s of b % 2 ? [sides.foyer, sides.raw] : [sides.raw, sides.foyer]) {
        const { seconds } = await ask<{ seconds: number }>(s.clients, { type: 'burst', k: s.k + 1, count: burst }, 120_000);
        s.k += burst;
        s.rates.push((n * burst) / seconds);
      }
    }
    for (const s of Object.values(sides)) s.report = await ask(s.clients, { type: 'report' });
    return sides;
  } finally {
    for (const s of Object.values(sides)) {
      s.clients.kill('SIGKILL');
      await ask(s.server, { type: 'stop' }, 5_000).catch(() => undefined);
      s.server.kill('SIGKILL');
    }
  }
}

const os = await import('node:os');
const load = () => os.loadavg().map((x) => x.toFixed(1)).join(' ');
console.log(`room-fanout: sizes ${sizes.join(', ')}; ${rounds} measured rounds (+${WARMUP_ROUNDS} warm-up) alternating raw/Foyer, ${BURSTS} bursts of ${burst}; Node ${process.version}, ${os.cpus().length} CPUs, load average ${load()}`);
const out: Array<Record<string, number>> = [];
for (const n of sizes) {
  try {
    const { raw, foyer } = await measure(n);
    // marginal cost: what the second half of the clients added, free of one-off costs (compiled code, caches)
    const per = (s: Side, key: 'heap' | 'rss') => (s.mem.after![key] - s.mem.half![key]) / (n - Math.floor(n / 2));
    const allIn = (s: Side) => (s.mem.after!.heap - s.mem.before!.heap) / n;
    const row = {
      n,
      rawP50: raw.report!.p50,
      foyerP50: foyer.report!.p50,
      rawP99: raw.report!.p99,
      foyerP99: foyer.report!.p99,
      rawRate: median(raw.rates),
      foyerRate: median(foyer.rates),
      rawHeap: per(raw, 'heap'),
      foyerHeap: per(foyer, 'heap'),
      rawRss: per(raw, 'rss'),
      foyerRss: per(foyer, 'rss'),
      rawHeapAllIn: allIn(raw),
      foyerHeapAllIn: allIn(foyer),
      rawJoin: raw.joinSeconds!,
      foyerJoin: foyer.joinSeconds!,
    };
    out.push(row);
    console.log(
      `\nN=${n}  (${foyer.report!.samples} deliveries timed per server)\n` +
        `  latency p50      raw ${fmt(row.rawP50)} ms   foyer ${fmt(row.foyerP50)} ms   ratio ${fmt(row.foyerP50 / row.rawP50, 2)}\n` +
        `  latency p99      raw ${fmt(row.rawP99)} ms   foyer ${fmt(row.foyerP99)} ms   ratio ${fmt(row.foyerP99 / row.rawP99, 2)}  (goal ≤ 1.25)\n` +
        `  delivered msg/s  raw ${fmt(row.rawRate, 0)}   foyer ${fmt(row.foyerRate, 0)}   ratio ${fmt(row.foyerRate / row.rawRate, 2)}  (goal ≥ 0.80)\n` +
        `  heap per conn    raw ${kb(row.rawHeap)}   foyer ${kb(row.foyerHeap)}   ratio ${fmt(row.foyerHeap / row.rawHeap, 2)}  (goal ≤ 1.5; marginal, second half of the clients)\n` +
        `  heap all-in      raw ${kb(row.rawHeapAllIn)}   foyer ${kb(row.foyerHeapAllIn)}   ratio ${fmt(row.foyerHeapAllIn / row.rawHeapAllIn, 2)}  (everything since the warm-up, over N)\n` +
        `  RSS per conn     raw ${kb(row.rawRss)}   foyer ${kb(row.foyerRss)}   ratio ${fmt(row.foyerRss / row.rawRss, 2)}  (marginal; RSS is coarse)\n` +
        `  join all         raw ${fmt(row.rawJoin)} s   foyer ${fmt(row.foyerJoin)} s`,
    );
  } catch (err) {
    console.log(`\nN=${n}: not completed on this machine: ${(err as Error).message}`);
    break;
  }
}
console.log(`\nload average at the end ${load()}`);
console.log('\nJSON ' + JSON.stringify(out));
process.exit(0);
