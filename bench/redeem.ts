/**
 * bench/redeem — invite redemption throughput and latency (not a test; asserts nothing about time).
 *
 * 64 concurrent connections, each request a different single-use invite (the lobby's POST with the
 * invite cookie, a fresh device and the CSRF header), against bare Fastify answering a constant on the
 * same machine in the same run. SQLite always; PostgreSQL when BENCH_DATABASE_URL or TEST_DATABASE_URL
 * is set. Afterwards it counts double redemptions (must be zero).
 *
 *   npx tsx bench/redeem.ts [invites=6000] [rounds=3]
 *
 * Rounds alternate the order of the targets; each Foyer round gets a fresh server and database with
 * its own warm-up invites. BENCH_PROFILE=<dir> writes CPU profiles (--cpu-prof) of the Foyer servers.
 */
import autocannon from 'autocannon';
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const COUNT = Number(process.argv[2] ?? 6000);
const ROUNDS = Number(process.argv[3] ?? 3);
const WARM = 1000;
const CONNECTIONS = 64;
if (process.env.BENCH_DATABASE_URL) process.env.TEST_DATABASE_URL = process.env.BENCH_DATABASE_URL;

interface Started {
  port: number;
  invites: Array<{ token: string; email: string }>;
}

function startServer(mode: string) {
  const profile = process.env.BENCH_PROFILE && mode !== 'bare' ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
  const child = fork(path.join(here, 'redeem-server.ts'), [mode, String(COUNT + WARM)], { execArgv: ['--import', 'tsx', ...profile], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const next = <T>() => new Promise<T>((resolve, reject) => {
    child.once('message', (m) => resolve(m as T));
    child.once('exit', (code) => reject(new Error(`${mode} server exited with ${code}`)));
  });
  return { child, next };
}

async function load(port: number, invites: Started['invites'], opts: { durationS?: number; amount?: number } = {}) {
  let i = 0;
  const csrf = randomBytes(32).toString('base64url');
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: CONNECTIONS,
    ...(opts.durationS ? { duration: opts.durationS } : { amount: opts.amount ?? COUNT }),
    requests: [
      {
        method: 'POST',
        path: '/api/lobby/enter',
        setupRequest: (req: autocannon.Request) => {
          const inv = invites.length ? invites[i++ % invites.length] : { token: 'x', email: 'p@bench.example' };
          const device = randomBytes(32).toString('base64url');
          return {
            ...req,
            headers: {
              'content-type': 'application/json',
              'x-csrf-token': csrf,
              cookie: `foyer_csrf=${csrf}; foyer_device=${device}; foyer_invite=${inv.token}`,
            },
            body: JSON.stringify({ email: inv.email }),
          };
        },
      },
    ],
  });
  return {
    // Completed requests over the wall time of the run (autocannon's per-second average rounds short runs badly).
    rps: result.requests.total / (result.duration || 1),
    p50: result.latency.p50,
    p99: result.latency.p99,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

const fmt = (n: number) => n.toFixed(0).padStart(7);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const loadavg = () => os.loadavg().map((n) => n.toFixed(2)).join(' ');

type Server = ReturnType<typeof startServer>;
const cpuMs = async (s: Server) => {
  s.child.send('cpu');
  const { cpu } = await s.next<{ cpu: NodeJS.CpuUsage }>();
  return (cpu.user + cpu.system) / 1000;
};
/** A load phase with the server's own CPU time per completed request. */
async function measured(s: Server, run: () => ReturnType<typeof load>) {
  const before = await cpuMs(s);
  const r = await run();
  const after = await cpuMs(s);
  // The server process only: PostgreSQL's own CPU is not in it.
  return { ...r, cpuMsPerReq: (after - before) / (r.ok + r.non2xx || 1) };
}

async function runBare() {
  const bare = startServer('bare');
  const info = await bare.next<Started>();
  await load(info.port, [], { durationS: 1 }); // warm-up
  const r = await measured(bare, () => load(info.port, [], { durationS: 5 }));
  bare.child.kill();
  return r;
}

async function runFoyer(dialect: string) {
  const s = startServer(dialect);
  const info = await s.next<Started>();
  // Warm-up on invites of its own (JIT, statement caches), then the measured run on fresh ones.
  await load(info.port, info.invites.slice(COUNT), { amount: WARM });
  const r = await measured(s, () => load(info.port, info.invites.slice(0, COUNT), { amount: COUNT }));
  s.child.send('report');
  const report = await s.next<{ redeemed: number; doubleUses: number; doubleGrants: number }>();
  await new Promise((resolve) => s.child.once('exit', resolve));
  return { ...r, ...report, doubles: report.doubleUses + report.doubleGrants };
}

const dialects = ['sqlite', ...(process.env.TEST_DATABASE_URL ? ['postgres'] : [])];
const targets = ['bare', ...dialects];
type Row = Awaited<ReturnType<typeof load>> & { cpuMsPerReq: number; doubles?: number; redeemed?: number };
const results = new Map<string, Row[]>(targets.map((t) => [t, []]));
const ratios = new Map<string, number[]>(dialects.map((d) => [d, []]));
const cpuRatios = new Map<string, number[]>(dialects.map((d) => [d, []]));

console.log(`bench/redeem: ${COUNT} requests (+${WARM} warm-up), ${CONNECTIONS} connections, each a different single-use invite; ${ROUNDS} alternating rounds`);
console.log(`load average at start: ${loadavg()}`);
for (let round = 0; round < ROUNDS; round++) {
  // Alternate the order so that every target sees the machine at the same moments on average.
  const order = round % 2 === 0 ? targets : [...targets].reverse();
  const got = new Map<string, Row>();
  for (const t of order) {
    const r = t === 'bare' ? await runBare() : await runFoyer(t);
    got.set(t, r);
    results.get(t)!.push(r);
  }
  const bare = got.get('bare')!;
  const parts = [`round ${round + 1} (load ${loadavg()}): bare ${fmt(bare.rps)} req/s ${bare.cpuMsPerReq.toFixed(3)} ms CPU/req`];
  for (const d of dialects) {
    const r = got.get(d)!;
    ratios.get(d)!.push(r.rps / bare.rps);
    cpuRatios.get(d)!.push(bare.cpuMsPerReq / r.cpuMsPerReq);
    parts.push(
      `${d} ${fmt(r.rps)} req/s p50 ${r.p50} p99 ${r.p99} ms ${((r.rps / bare.rps) * 100).toFixed(1)}% ${r.cpuMsPerReq.toFixed(3)} ms CPU/req ` +
        `[2xx ${r.ok}/${COUNT}, other ${r.non2xx}, errors ${r.errors}, redeemed ${r.redeemed}, double ${r.doubles}]`,
    );
  }
  console.log(parts.join(' | '));
}

console.log(`\nmedians over ${ROUNDS} rounds (load average at end: ${loadavg()})`);
const bares = results.get('bare')!;
console.log(`bare Fastify (constant)   ${fmt(median(bares.map((r) => r.rps)))} req/s   p50 ${median(bares.map((r) => r.p50))} ms   p99 ${median(bares.map((r) => r.p99))} ms   ${median(bares.map((r) => r.cpuMsPerReq)).toFixed(3)} ms CPU/req`);
for (const d of dialects) {
  const rs = results.get(d)!;
  console.log(
    `Foyer redeem on ${d.padEnd(8)} ${fmt(median(rs.map((r) => r.rps)))} req/s   p50 ${median(rs.map((r) => r.p50))} ms   p99 ${median(rs.map((r) => r.p99))} ms   ` +
      `${(median(ratios.get(d)!) * 100).toFixed(1)}% of bare (median of per-round ratios)   ` +
      `${median(rs.map((r) => r.cpuMsPerReq)).toFixed(3)} ms CPU/req, requests per CPU-second ${(median(cpuRatios.get(d)!) * 100).toFixed(1)}% of bare's   ` +
      `double redemptions ${rs.reduce((n, r) => n + (r.doubles ?? 0), 0)} in ${rs.length * COUNT} requests`,
  );
}
