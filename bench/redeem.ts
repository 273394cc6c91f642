/**
 * bench/redeem — invite redemption throughput and latency (not a test; asserts nothing about time).
 *
 * 64 concurrent connections, each request a different single-use invite (the lobby's POST with the
 * invite cookie, a fresh device and the CSRF header), against bare Fastify answering a constant on the
 * same machine in the same run. SQLite always; PostgreSQL when BENCH_DATABASE_URL or TEST_DATABASE_URL
 * is set. Afterwards it counts double redemptions (must be zero).
 *
 *   npx tsx bench/redeem.ts [invites=8000]
 */
import autocannon from 'autocannon';
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const COUNT = Number(process.argv[2] ?? 8000);
const CONNECTIONS = 64;
if (process.env.BENCH_DATABASE_URL) process.env.TEST_DATABASE_URL = process.env.BENCH_DATABASE_URL;

interface Started {
  port: number;
  invites: Array<{ token: string; email: string }>;
}

function startServer(mode: string) {
  const child = fork(path.join(here, 'redeem-server.ts'), [mode, String(COUNT)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const next = <T>() => new Promise<T>((resolve, reject) => {
    child.once('message', (m) => resolve(m as T));
    child.once('exit', (code) => reject(new Error(`${mode} server exited with ${code}`)));
  });
  return { child, next };
}

async function load(port: number, invites: Started['invites'], opts: { durationS?: number } = {}) {
  let i = 0;
  const csrf = randomBytes(32).toString('base64url');
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: CONNECTIONS,
    ...(opts.durationS ? { duration: opts.durationS } : { amount: COUNT }),
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
const rows: string[] = [];

const bare = startServer('bare');
const bareInfo = await bare.next<Started>();
await load(bareInfo.port, [], { durationS: 1 }); // warm-up
const baseline = await load(bareInfo.port, [], { durationS: 5 });
bare.child.kill();
rows.push(`bare Fastify (constant)   ${fmt(baseline.rps)} req/s   p50 ${baseline.p50} ms   p99 ${baseline.p99} ms`);

const dialects = ['sqlite', ...(process.env.TEST_DATABASE_URL ? ['postgres'] : [])];
for (const dialect of dialects) {
  const s = startServer(dialect);
  const info = await s.next<Started>();
  const r = await load(info.port, info.invites);
  s.child.send('report');
  const report = await s.next<{ redeemed: number; doubleUses: number; doubleGrants: number }>();
  rows.push(
    `Foyer redeem on ${dialect.padEnd(8)} ${fmt(r.rps)} req/s   p50 ${r.p50} ms   p99 ${r.p99} ms   ` +
      `${((r.rps / baseline.rps) * 100).toFixed(1)}% of bare   2xx ${r.ok}/${COUNT}, other ${r.non2xx}, errors ${r.errors}; ` +
      `redeemed ${report.redeemed}, double redemptions ${report.doubleUses + report.doubleGrants}`,
  );
}

console.log(`\nbench/redeem: ${COUNT} requests, ${CONNECTIONS} connections, each a different single-use invite\n`);
for (const r of rows) console.log(r);
