/**
 * bench/live-delivery — 1,000 simulated viewers of one live webcast on one Foyer instance, against
 * plain @fastify/static serving the same playlist and segments. Not a test: prints figures against a
 * baseline measured in the same run, asserts nothing about time.
 *
 * - Foyer (its own process, bench/live-common/server.ts, SQLite): a webcast is live (a speaker, let
 *   in through a real invite and the lobby, sends a WebM at real time over the ingest socket: H.264
 *   with a key frame every second, 2.5 Mbit/s, Opus). Each viewer is a different guest who entered
 *   through their own invite and the lobby and holds their own signed playlist URL
 *   (/api/events/:id/live). Every playlist and segment request goes through the signature and the
 *   in-memory revocation check (some other invites were revoked first, so the set is not empty).
 * - Baseline (its own process, bench/live-delivery/static-server.ts): @fastify/static serving a copy
 *   of the same live playlist and segments, kept up to date by the bench as Foyer makes them (one
 *   extra blocking-reload client of Foyer, running in every round), no check at all.
 * - Viewers (their own process, bench/live-delivery/viewers.ts): each polls its media playlist about
 *   every second — the blocking `_HLS_msn` form as hls.js does (first figure) and plain polling
 *   (second figure) — and fetches every new segment.
 * Rounds alternate the server that goes first. Each round prints requests/s and bytes/s served,
 * errors, p50/p99 of segment and playlist requests, each server's CPU per request, the viewers'
 * own CPU (a saturated client caps both sides alike), and, for Foyer, every SQL statement its database
 * ran during the round (counted at the driver, better-sqlite3's Statement), against the same count
 * while the static server was measured: the revocation check must not cost a query per request.
 *
 *   npm run bench:live-delivery -- [--viewers 1000] [--seconds 20] [--rounds 3] [--modes blocking,plain]
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ffmpegWebcast, replay } from '../live-common/webcast-source.js';
import { cpuSeconds, fmt, Ingest, load, machine, median, sleep, LiveSite } from '../live-common/site.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    viewers: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '4' },
    rounds: { type: 'string', default: '3' },
    modes: { type: 'string', default: 'blocking,plain' },
  },
});
const VIEWERS = Number(values.viewers);
const SECONDS = Number(values.seconds);
const WARMUP = Number(values.warmup);
const ROUNDS = Number(values.rounds);
const MODES = values.modes!.split(',') as Array<'blocking' | 'plain'>;
const REVOKED = 10;
const GOAL = 0.85;

const children = new Set<ChildProcess>();
const roundSeconds = SECONDS + WARMUP + 4;
const broadcastSeconds = Math.ceil(MODES.length * ROUNDS * 2 * (roundSeconds + 3) + 90);
const hardStop = setTimeout(
  () => {
    console.error('live-delivery: time limit reached, stopping');
    for (const c of children) c.kill('SIGKILL');
    process.exit(2);
  },
  (broadcastSeconds + 900) * 1000,
);
hardStop.unref();

function forkChild(file: string, args: string[]): ChildProcess {
  const child = fork(path.join(here, file), args, { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  children.add(child);
  return child;
}

console.log(`bench/live-delivery: ${machine()} at start`);
const webcast = await ffmpegWebcast({ seconds: broadcastSeconds, width: 1280, height: 720, fps: 30, bitrate: 2_500_000 });
const site = await LiveSite.start();
children.add(site.child);
const mirrorDir = mkdtempSync(path.join(tmpdir(), 'foyer-bench-mirror-'));
mkdirSync(path.join(mirrorDir, 'live'));
const staticServer = forkChild('static-server.ts', [mirrorDir]);
const staticPort = await new Promise<number>((resolve) => staticServer.once('message', (m: { port: number }) => resolve(m.port)));

const eventId = await site.event('webcast', 'Delivery bench');
console.log(`letting ${VIEWERS + REVOKED + 1} guests in through their invites and the lobby…`);
const [speaker] = await site.guests(eventId, 'speaker', 1, 'speaker');
const viewers = await site.guests(eventId, 'viewer', VIEWERS, 'viewer');
const others = await site.guests(eventId, 'viewer', REVOKED + 1, 'other');
const mirrorGuest = others.pop()!;

// the broadcast, for the whole run
const ingest = await Ingest.open(site.url, eventId, speaker!.session);
let broadcasting = true;
const sending = replay(webcast, (chunk) => ingest.send(chunk), () => broadcasting);
await site.waitForState(eventId, 'live', 30_000);
const masters = await site.playback(eventId, viewers.map((v) => v.session));
if (masters.some((u) => !u)) throw new Error('a viewer got no playlist URL');
const foyerUrls = masters.map((u) => `${site.url}${u!.replace(/master\.m3u8$/, 'index.m3u8')}`);
// other guests lose their access: the revocation set holds them, and every request is checked against it
await site.revoke(eventId, others.map((o) => o.inviteId));

// the copy for @fastify/static, kept up to date through a blocking-reload client of Foyer
const [mirrorMaster] = await site.playback(eventId, [mirrorGuest.session]);
const mirrorMedia = `${site.url}${mirrorMaster!.replace(/master\.m3u8$/, 'index.m3u8')}`;
let mirroring = true;
let mirrored = 0;
const mirror = (async () => {
  let next: number | undefined;
  const have = new Set<number>();
  while (mirroring) {
    try {
      const res = await fetch(next === undefined ? mirrorMedia : `${mirrorMedia}?_HLS_msn=${next}`);
      const body = await res.text();
      if (res.status !== 200) throw new Error(`mirror: ${res.status}`);
      const seq = Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(body)?.[1]);
      const names = body.split('\n').filter((l) => l && !l.startsWith('#'));
      for (const [i, name] of names.entries()) {
        if (have.has(seq + i)) continue;
        const seg = Buffer.from(await (await fetch(new URL(name, mirrorMedia))).arrayBuffer());
        writeFileSync(path.join(mirrorDir, 'live', name), seg);
        have.add(seq + i);
      }
      // the playlist last, replaced at once
      writeFileSync(path.join(mirrorDir, 'live', 'index.m3u8.tmp'), body);
      renameSync(path.join(mirrorDir, 'live', 'index.m3u8.tmp'), path.join(mirrorDir, 'live', 'index.m3u8'));
      mirrored++;
      for (const n of have) {
        if (n < seq - 4) {
          have.delete(n);
          try {
            unlinkSync(path.join(mirrorDir, 'live', `seg-${n}.ts`));
          } catch {
            // gone already
          }
        }
      }
      next = seq + names.length;
    } catch (err) {
      if (mirroring) console.error(`mirror: ${(err as Error).message}`);
      await sleep(200);
    }
  }
})();
while (mirrored < 2) await sleep(100);
const staticUrls = viewers.map(() => `http://127.0.0.1:${staticPort}/static/live/index.m3u8`);

interface ViewerStats {
  seconds: number;
  playlists: number;
  segments: number;
  bytes: number;
  playlistBytes: number;
  errors: Record<string, number>;
  missed: number;
  playlistP50: number;
  playlistP99: number;
  segmentP50: number;
  segmentP99: number;
  clientCpu: number;
  clientWall: number;
}
interface Measured extends ViewerStats {
  server: 'foyer' | 'static';
  mode: 'blocking' | 'plain';
  serverCpu: number;
  /** Foyer's own CPU over the same window (packaging the broadcast; in the static rounds: no viewers on it). */
  foyerCpu: number;
  queries: Array<{ sql: string; n: number }>;
  load: string;
}

async function measure(server: 'foyer' | 'static', mode: 'blocking' | 'plain'): Promise<Measured> {
  const child = forkChild('viewers.ts', []);
  await sleep(300);
  const pid = server === 'foyer' ? site.child.pid! : staticServer.pid!;
  const done = new Promise<ViewerStats>((resolve) => child.once('message', (m) => resolve(m as ViewerStats)));
  child.send({ urls: server === 'foyer' ? foyerUrls : staticUrls, mode, warmupMs: WARMUP * 1000, seconds: SECONDS });
  await sleep(WARMUP * 1000);
  // the measured window
  await site.queries(true);
  const cpu0 = cpuSeconds(pid);
  const foyer0 = cpuSeconds(site.child.pid!);
  await sleep(SECONDS * 1000);
  const serverCpu = cpuSeconds(pid) - cpu0;
  const foyerCpu = cpuSeconds(site.child.pid!) - foyer0;
  const queries = await site.queries(false);
  const stats = await done;
  child.kill();
  children.delete(child);
  return { ...stats, server, mode, serverCpu, foyerCpu, queries, load: load() };
}

const results: Measured[] = [];
for (const mode of MODES) {
  for (let round = 0; round < ROUNDS; round++) {
    const order: Array<'foyer' | 'static'> = round % 2 === 0 ? ['static', 'foyer'] : ['foyer', 'static'];
    for (const server of order) {
      const r = await measure(server, mode);
      results.push(r);
      const errors = Object.entries(r.errors).map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
      console.log(
        `${mode} round ${round + 1} ${server.padEnd(6)}: ${fmt((r.playlists + r.segments) / r.seconds, 0)} req/s, ${fmt(r.bytes / r.seconds / 1e6, 1)} MB/s, segments ${fmt(r.segments / r.seconds, 0)}/s, missed ${r.missed}, errors ${errors}; segment p99 ${fmt(r.segmentP99, 0)} ms; server CPU ${fmt(r.serverCpu, 2)} s, viewers' CPU ${fmt(r.clientCpu / r.clientWall * 100, 0)} %; SQL ${r.queries.reduce((n, q) => n + q.n, 0)}; load ${r.load}`,
      );
      await sleep(1500);
    }
  }
}
// a last look: a viewer whose invite is revoked now is refused from its next playlist request on
const before = await fetch(foyerUrls[0]!);
const revokedAt = Date.now();
await site.revoke(eventId, [viewers[0]!.inviteId]);
let after = await fetch(foyerUrls[0]!);
let tries = 1;
while (after.status === 200 && Date.now() - revokedAt < 5000) {
  await sleep(10);
  after = await fetch(foyerUrls[0]!);
  tries++;
}
const refusedMs = Date.now() - revokedAt;

broadcasting = false;
mirroring = false;
await sending;
await ingest.stop();
await Promise.race([mirror, sleep(5000)]);

// ---- report
const perMode = (mode: string, server: string) => results.filter((r) => r.mode === mode && r.server === server);
console.log(`\nbench/live-delivery: ${VIEWERS} viewers on one instance (SQLite), a 1280×720 2.5 Mbit/s webcast in 1-s segments, ${ROUNDS} alternating rounds of ${SECONDS} s per server and mode (medians)\n`);
console.log('| polling | server | requests/s | bytes/s | segments/s (per viewer) | errors | missed segments | segment p50 / p99 | playlist p50 / p99 | server CPU per request (Foyer: less its packaging) | viewers\' CPU | SQL statements in the window |');
console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
const summary: Record<string, { reqRatio: number; bytesRatio: number; cpuRatio: number }> = {};
for (const mode of MODES) {
  const rows = { foyer: perMode(mode, 'foyer'), static: perMode(mode, 'static') };
  for (const server of ['foyer', 'static'] as const) {
    const rs = rows[server];
    const m = (f: (r: Measured) => number) => median(rs.map(f));
    const errors = rs.reduce((n, r) => n + Object.values(r.errors).reduce((a, b) => a + b, 0), 0);
    // Foyer packages the broadcast all along: its CPU while the viewers were on the static server is that share
    const packaging = median(rows.static.map((r) => r.foyerCpu));
    const cpuPerRequest = (r: Measured) => ((server === 'foyer' ? r.serverCpu - packaging : r.serverCpu) / (r.playlists + r.segments)) * 1000;
    console.log(
      `| ${mode === 'blocking' ? 'blocking `_HLS_msn`' : 'plain, every second'} | ${server === 'foyer' ? 'Foyer (signed URL, revocation check)' : '@fastify/static (no check)'} | ${fmt(m((r) => (r.playlists + r.segments) / r.seconds), 0)} | ${fmt(m((r) => r.bytes / r.seconds / 1e6), 1)} MB/s | ${fmt(m((r) => r.segments / r.seconds), 0)} (${fmt(m((r) => r.segments / r.seconds / VIEWERS), 2)}) | ${errors} | ${rs.reduce((n, r) => n + r.missed, 0)} | ${fmt(m((r) => r.segmentP50), 0)} / ${fmt(m((r) => r.segmentP99), 0)} ms | ${fmt(m((r) => r.playlistP50), 0)} / ${fmt(m((r) => r.playlistP99), 0)} ms | ${fmt(m(cpuPerRequest), 3)} ms${server === 'foyer' ? ` (packaging: ${fmt(packaging / SECONDS * 1000, 0)} ms/s)` : ''} | ${fmt(m((r) => (r.clientCpu / r.clientWall) * 100), 0)} % | ${server === 'foyer' ? m((r) => r.queries.reduce((n, q) => n + q.n, 0)) : `(Foyer, not delivering: ${m((r) => r.queries.reduce((n, q) => n + q.n, 0))})`} |`,
    );
  }
  const ratio = (f: (r: Measured) => number) => median(rows.foyer.map((r, i) => f(r) / f(rows.static[i]!)));
  const packaging = median(rows.static.map((r) => r.foyerCpu));
  summary[mode] = {
    reqRatio: ratio((r) => r.playlists + r.segments),
    bytesRatio: ratio((r) => r.bytes),
    cpuRatio: ratio((r) => (r.playlists + r.segments) / (r.server === 'foyer' ? r.serverCpu - packaging : r.serverCpu)),
  };
}
console.log('');
for (const mode of MODES) {
  const s = summary[mode]!;
  console.log(`${mode}: Foyer / static — requests/s ${fmt(s.reqRatio * 100, 1)} %, bytes/s ${fmt(s.bytesRatio * 100, 1)} %, requests per CPU-second ${fmt(s.cpuRatio * 100, 1)} % (medians of the per-round ratios); goal ≥ ${GOAL * 100} %: ${Math.min(s.reqRatio, s.bytesRatio) >= GOAL ? 'MET' : 'MISSED'}`);
}

// the database during the Foyer windows, by statement
const foyerRounds = results.filter((r) => r.server === 'foyer');
const staticRounds = results.filter((r) => r.server === 'static');
const bySql = (rs: Measured[]) => {
  const m = new Map<string, number>();
  for (const r of rs) for (const q of r.queries) m.set(q.sql, (m.get(q.sql) ?? 0) + q.n);
  return m;
};
const fq = bySql(foyerRounds);
const sq = bySql(staticRounds);
const requests = foyerRounds.reduce((n, r) => n + r.playlists + r.segments, 0);
const totalF = [...fq.values()].reduce((a, b) => a + b, 0);
const totalS = [...sq.values()].reduce((a, b) => a + b, 0);
console.log(`\nSQL statements Foyer's database ran: ${totalF} in ${foyerRounds.length} Foyer windows (${fmt(requests, 0)} requests served in them) and ${totalS} in ${staticRounds.length} windows of the same length while the viewers were on the static server:`);
for (const sql of new Set([...fq.keys(), ...sq.keys()])) console.log(`  ${String(fq.get(sql) ?? 0).padStart(6)} / ${String(sq.get(sql) ?? 0).padStart(6)}  ${sql.replace(/\s+/g, ' ').slice(0, 150)}`);
console.log(`statements per request served: ${fmt((totalF - totalS) / Math.max(1, requests), 5)} (the difference between the Foyer and static windows, over the requests)`);
console.log(`\nrevocation: a viewer's playlist answered ${before.status} before its invite was revoked; after the owner's revoke returned, its request ${tries === 1 ? 'right after' : `number ${tries}`} answered ${after.status} (${((await after.json().catch(() => ({}))) as { error?: { code: string } }).error?.code ?? '?'}), ${refusedMs} ms after the revoke was sent`);

await site.stop();
staticServer.kill();
rmSync(mirrorDir, { recursive: true, force: true });
console.log(`\nload average ${load()} at the end`);
process.exit(0);
