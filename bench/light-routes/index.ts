/**
 * bench/light-routes — the speed issue's P1: light API routes (`GET /api/session` as a returning
 * visitor, `GET /api/health`) on Foyer vs bare Fastify answering a constant, 64 connections, rounds
 * alternating between the two servers (each in its own process) so both see the same machine.
 * Prints each round, the medians, the ratio and the load average. Asserts nothing about time.
 *
 *   npx tsx bench/light-routes/index.ts [rounds=5] [seconds=4]
 *   BENCH_PROFILE=<dir>  writes a CPU profile of the Foyer server process
 */
import autocannon from 'autocannon';
import { fork } from 'node:child_process';
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const ROUNDS = Number(process.argv[2] ?? 5);
const SECONDS = Number(process.argv[3] ?? 4);
const CONNECTIONS = 64;
const ROUTES = ['/api/session', '/api/health'];

function start(mode: 'bare' | 'foyer') {
  const execArgv = ['--import', 'tsx'];
  if (mode === 'foyer' && process.env.BENCH_PROFILE) execArgv.push('--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`);
  const child = fork(path.join(here, 'server.ts'), [mode], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise<{ port: number; cookie: string; stop: () => Promise<void> }>((resolve, reject) => {
    child.once('message', (m) => {
      const { port, cookie } = m as { port: number; cookie: string };
      resolve({ port, cookie, stop: () => new Promise((r) => { child.once('exit', () => r()); child.kill('SIGTERM'); }) });
    });
    child.once('exit', (code) => reject(new Error(`${mode} server exited with ${code}`)));
  });
}

async function load(port: number, route: string, cookie: string, seconds: number) {
  const r = await autocannon({ url: `http://127.0.0.1:${port}${route}`, connections: CONNECTIONS, duration: seconds, headers: cookie ? { cookie } : {} });
  if (r.non2xx || r.errors) throw new Error(`${route}: ${r.non2xx} non-2xx, ${r.errors} errors`);
  return r.requests.total / (r.duration || seconds);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const [bare, foyer] = await Promise.all([start('bare'), start('foyer')]);
const figures: Record<string, { bare: number[]; foyer: number[] }> = Object.fromEntries(ROUTES.map((r) => [r, { bare: [], foyer: [] }]));
for (const route of ROUTES) {
  await load(bare.port, route, bare.cookie, 1);
  await load(foyer.port, route, foyer.cookie, 1);
}
const loads: number[] = [];
for (let round = 1; round <= ROUNDS; round++) {
  for (const route of ROUTES) {
    // Alternate which server goes first, so neither always meets the other's after-effects.
    const order = round % 2 ? ([['bare', bare], ['foyer', foyer]] as const) : ([['foyer', foyer], ['bare', bare]] as const);
    for (const [name, s] of order) figures[route][name].push(await load(s.port, route, s.cookie, SECONDS));
  }
  loads.push(loadavg()[0]);
  console.log(`round ${round}: ` + ROUTES.map((r) => `${r} bare ${figures[r].bare.at(-1)!.toFixed(0)} / Foyer ${figures[r].foyer.at(-1)!.toFixed(0)} req/s`).join('; ') + `; load ${loadavg()[0].toFixed(2)}`);
}
await Promise.all([bare.stop(), foyer.stop()]);

console.log(`\nbench/light-routes: ${CONNECTIONS} connections, ${ROUNDS} alternating rounds of ${SECONDS} s per route and server; load average ${Math.min(...loads).toFixed(2)}–${Math.max(...loads).toFixed(2)} (2 cores)\n`);
for (const route of ROUTES) {
  const f = figures[route];
  const ratios = f.foyer.map((x, i) => x / f.bare[i]);
  console.log(
    `${route.padEnd(14)} bare Fastify ${median(f.bare).toFixed(0).padStart(6)} req/s   Foyer ${median(f.foyer).toFixed(0).padStart(6)} req/s   ` +
      `median ratio ${(median(ratios) * 100).toFixed(1)}% (rounds ${ratios.map((r) => (r * 100).toFixed(0)).join(', ')}%)   goal ≥ 85%`,
  );
}
