/**
 * bench/live-cpu — the CPU a live session costs in Foyer against the same ffmpeg command alone. Not
 * a test: prints figures against a baseline measured in the same run, asserts nothing about time.
 *
 * Input: a recorded webcast (by default Chromium's MediaRecorder recording of the bench's clock
 * camera, made once, exactly as the Go live panel records: bench/live-common/webcast-source.ts),
 * replayed chunk by chunk at the moments the browser produced them.
 *
 * - Foyer: the real server (its own process, bench/live-common/server.ts). A speaker, let in through
 *   a real invite and the lobby, opens the ingest socket (`start`, `ready`) and the chunks go in as
 *   binary frames; Foyer's packager runs ffmpeg, reads each finished segment, stores it (Storage and
 *   a database row), keeps the playlist; at the end `stop`, ffmpeg flushes, the stream ends.
 *   CPU = the server process's user + system time over the session, with its ffmpeg child's
 *   (/proc/<pid>/stat utime + stime + cutime + cstime: ffmpeg counts once it has exited).
 * - Alone: the same ffmpeg command (`liveFfmpegArgs`, exactly what Foyer's packager runs) in a small
 *   Node process that feeds it the same chunks at the same moments (bench/live-cpu/alone.ts);
 *   CPU = that process and its ffmpeg child, measured the same way.
 * Rounds alternate which goes first. Each round also measures the Foyer server idle for as long as a
 * session lasts (its timers: the live sweep, the room and mail upkeep), printed beside it.
 *
 * Then (unless --no-latency), one more pair: how long after the chunk that closes a segment (the one
 * with the next key frame) was fed, the segment is listed — by ffmpeg alone (its file appears) and by
 * Foyer (its media playlist lists it, blocking reload) — to see what the packaging around ffmpeg adds.
 *
 *   npm run bench:live-cpu -- [--seconds 30] [--rounds 3] [--source chromium|ffmpeg] [--size 1280x720] [--no-latency]
 *   BENCH_PROFILE=<dir>  writes a CPU profile of the Foyer server process
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { frameClocks } from '../live-common/clock-blocks.js';
import { chromiumWebcast, ffmpegWebcast, keyFrames, replay, type Webcast } from '../live-common/webcast-source.js';
import { cpuSeconds, fmt, Ingest, load, machine, median, quantile, sleep, LiveSite } from '../live-common/site.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '30' },
    rounds: { type: 'string', default: '3' },
    source: { type: 'string', default: 'chromium' },
    size: { type: 'string', default: '1280x720' },
    fps: { type: 'string', default: '30' },
    'no-latency': { type: 'boolean', default: false },
  },
});
const SECONDS = Number(values.seconds);
const ROUNDS = Number(values.rounds);
const [WIDTH, HEIGHT] = values.size!.split('x').map(Number) as [number, number];
const FPS = Number(values.fps);
const SOURCE = values.source === 'ffmpeg' ? 'ffmpeg' : 'chromium';
const GOAL = 1.05;

const children = new Set<ChildProcess>();
const hardStop = setTimeout(
  () => {
    console.error('live-cpu: time limit reached, stopping');
    for (const c of children) c.kill('SIGKILL');
    process.exit(2);
  },
  ((ROUNDS * 3 + 2) * (SECONDS + 40) + 300) * 1000,
);
hardStop.unref();

console.log(`bench/live-cpu: ${machine()} at start`);
const site = await LiveSite.start({ execArgv: process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [] });
children.add(site.child);
const spec = { source: SOURCE, seconds: SECONDS, width: WIDTH, height: HEIGHT, fps: FPS, bitrate: 2_500_000, siteUrl: site.url };
const webcast: Webcast = SOURCE === 'chromium' ? await chromiumWebcast(spec) : await ffmpegWebcast(spec);
const keys = keyFrames(webcast.bytes);

/** The index of the chunk that completes byte `end` (exclusive). */
const chunkEnds: number[] = [];
{
  let pos = 0;
  for (const c of webcast.chunks) chunkEnds.push((pos += c.bytes.length));
}
const chunkHolding = (end: number) => chunkEnds.findIndex((e) => e >= end);

interface Round {
  cpu: number;
  wall: number;
  segments: number;
  /** [segment number, when listed (epoch ms)] */
  listed: Array<[number, number]>;
  durations: number[];
  fedAt: number[];
  /** With a probe: each segment's bytes, by number. */
  bytes: Map<number, Buffer>;
  detail: string;
}

let eventNo = 0;
async function foyer(probe: boolean): Promise<Round & { client: number }> {
  const eventId = await site.event('webcast', `CPU bench ${++eventNo}`);
  const [speaker] = await site.guests(eventId, 'speaker', 1);
  const viewer = probe ? (await site.guests(eventId, 'viewer', 1))[0] : undefined;
  const listed: Array<[number, number]> = [];
  const bytes = new Map<number, Buffer>();
  let probing = probe;
  const fedAt: number[] = [];
  const client0 = process.cpuUsage();
  const cpu0 = cpuSeconds(site.child.pid!);
  const t0 = Date.now();
  const ingest = await Ingest.open(site.url, eventId, speaker!.session);
  const poller = probe
    ? (async () => {
        let url: string | null = null;
        while (probing && !url) {
          url = (await site.playback(eventId, [viewer!.session]))[0]!;
          if (!url) await sleep(20);
        }
        if (!url) return;
        const media = `${site.url}${url.replace(/master\.m3u8$/, 'index.m3u8')}`;
        let next = 0;
        const seen = new Set<number>();
        while (probing) {
          const res = await fetch(`${media}?_HLS_msn=${next}`);
          const body = await res.text();
          const at = Date.now();
          const seq = Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(body)?.[1] ?? NaN);
          const names = body.split('\n').filter((l) => l && !l.startsWith('#'));
          for (const [i, name] of names.entries()) {
            if (seen.has(seq + i)) continue;
            seen.add(seq + i);
            listed.push([seq + i, at]);
            const seg = await fetch(new URL(name, media));
            if (seg.ok) bytes.set(seq + i, Buffer.from(await seg.arrayBuffer()));
          }
          if (Number.isFinite(seq)) next = seq + names.length;
          if (body.includes('#EXT-X-ENDLIST')) break;
        }
      })()
    : Promise.resolve();
  await replay(webcast, (chunk) => {
    fedAt.push(Date.now());
    ingest.send(chunk);
  });
  const closed = await ingest.stop();
  const wall = Date.now() - t0;
  const cpu = cpuSeconds(site.child.pid!) - cpu0;
  const c = process.cpuUsage(client0);
  probing = false;
  await Promise.race([poller, sleep(4000)]);
  const segs = await site.segments(eventId);
  return { cpu, wall, segments: segs.length, listed, durations: segs.map((s) => s[1] / 1000), fedAt, bytes, client: (c.user + c.system) / 1e6, detail: `ingest closed ${closed.code}` };
}

async function alone(watch: boolean): Promise<Round> {
  const child = fork(path.join(here, 'alone.ts'), [JSON.stringify({ ...spec, watch })], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  children.add(child);
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`alone exited ${code}`)));
  });
  const cpu0 = cpuSeconds(child.pid!);
  const t0 = Date.now();
  const done = new Promise<{ segments: number; code: number | null; stderr: string; listed: Array<[number, number]>; fedAt: number[]; outDir: string }>((resolve) => child.once('message', (m) => resolve(m as never)));
  child.send({ type: 'go' });
  const r = await done;
  const wall = Date.now() - t0;
  const cpu = cpuSeconds(child.pid!) - cpu0;
  child.kill();
  children.delete(child);
  if (r.code) console.log(`ffmpeg alone exited ${r.code}: ${r.stderr}`);
  const bytes = new Map<number, Buffer>();
  if (watch) {
    for (const [n] of r.listed) bytes.set(n, readFileSync(path.join(r.outDir, `seg-${n}.ts`)));
    rmSync(r.outDir, { recursive: true, force: true });
  }
  return { cpu, wall, segments: r.segments, listed: r.listed, durations: [], fedAt: r.fedAt, bytes, detail: `ffmpeg exit ${r.code}` };
}

async function idle(ms: number): Promise<number> {
  const cpu0 = cpuSeconds(site.child.pid!);
  await sleep(ms);
  return cpuSeconds(site.child.pid!) - cpu0;
}

const keyIntervals = keys.slice(1).map((k, i) => k.ms - keys[i]!.ms);
console.log(`input: ${webcast.describe}; ${fmt(webcast.bytes.length / 1e6, 1)} MB in ${webcast.chunks.length} chunks, replayed over ${fmt(webcast.seconds, 1)} s; ${keys.length} video key frames, ${fmt(median(keyIntervals), 0)} ms apart (median)`);

// one warm-up of each, not counted: first runs pay for loading code
await alone(false);
await foyer(false);

const rows: Array<{ alone: Round; foyer: Round & { client: number }; idle: number; load: string }> = [];
for (let round = 0; round < ROUNDS; round++) {
  let a: Round;
  let f: Round & { client: number };
  if (round % 2 === 0) {
    a = await alone(false);
    f = await foyer(false);
  } else {
    f = await foyer(false);
    a = await alone(false);
  }
  const i = await idle(f.wall);
  rows.push({ alone: a, foyer: f, idle: i, load: load() });
  console.log(`round ${round + 1}: alone ${fmt(a.cpu, 2)} s CPU (${a.segments} segments), Foyer ${fmt(f.cpu, 2)} s CPU (${f.segments} segments, ${f.detail}), ratio ${fmt(f.cpu / a.cpu, 3)}×; Foyer idle for as long: ${fmt(i, 2)} s; load ${load()}`);
}

console.log(`\nbench/live-cpu: one live session, ${fmt(webcast.seconds, 0)} s of webcast, ${ROUNDS} alternating rounds (medians)\n`);
console.log('| run | CPU (user + system, Node + ffmpeg) | ratio | wall time | segments |');
console.log('| --- | ---: | ---: | ---: | ---: |');
const med = (f: (r: (typeof rows)[number]) => number) => median(rows.map(f));
const ratios = rows.map((r) => r.foyer.cpu / r.alone.cpu);
const ratiosIdle = rows.map((r) => (r.foyer.cpu - r.idle) / r.alone.cpu);
console.log(`| the same ffmpeg command alone, fed by a small Node process | ${fmt(med((r) => r.alone.cpu), 2)} s | 1.000× | ${fmt(med((r) => r.alone.wall) / 1000, 1)} s | ${med((r) => r.alone.segments)} |`);
console.log(`| Foyer's live session (ingest socket → packager → stored segments → playlist) | ${fmt(med((r) => r.foyer.cpu), 2)} s | **${fmt(median(ratios), 3)}×** | ${fmt(med((r) => r.foyer.wall) / 1000, 1)} s | ${med((r) => r.foyer.segments)} |`);
console.log(`\nper round, Foyer / alone: ${ratios.map((x) => `${fmt(x, 3)}×`).join(', ')}; the Foyer server idle for as long: ${rows.map((r) => `${fmt(r.idle, 2)} s`).join(', ')} (less that: ${ratiosIdle.map((x) => `${fmt(x, 3)}×`).join(', ')}, median ${fmt(median(ratiosIdle), 3)}×)`);
console.log(`the sender of the chunks (the bench, standing in for the browser; not counted): ${fmt(med((r) => r.foyer.client), 2)} s CPU per session; load average per round: ${rows.map((r) => r.load.split(' ')[0]).join(', ')}`);
console.log(`goal ≤ ${GOAL}×: ${median(ratios) <= GOAL ? 'MET' : 'MISSED'} (${fmt(median(ratios), 3)}×)`);

if (!values['no-latency'] && SOURCE === 'chromium') {
  // Which key frame starts each segment: the clock in the segment's first frame, found among the
  // source's key frames (decoded the same way). Segment N is closed by the key frame that starts
  // segment N+1: the lag is from feeding the chunk that completes that key frame to the listing.
  const keyClocks = await frameClocks(webcast.file, Date.now(), { keyOnly: true });
  const a = await alone(true);
  const f = await foyer(true);
  const lag = async (r: Round) => {
    const startKey = new Map<number, number>();
    for (const [n, b] of r.bytes) {
      const first = (await frameClocks(b, Date.now()))[0];
      const k = first === undefined ? -1 : keyClocks.indexOf(first);
      if (k >= 0) startKey.set(n, k);
    }
    const out: number[] = [];
    for (const [n, at] of r.listed) {
      const k = startKey.get(n + 1);
      const chunk = k === undefined || !keys[k] ? -1 : chunkHolding(keys[k]!.end);
      if (chunk >= 0 && r.fedAt[chunk] !== undefined) out.push(at - r.fedAt[chunk]!);
    }
    return { out, firstKey: startKey.get(Math.min(...r.bytes.keys())) };
  };
  const la = await lag(a);
  const lf = await lag(f);
  console.log(`\nthe chunk that closes a segment fed → the segment listed (${la.out.length} / ${lf.out.length} segments; median, p95):`);
  console.log(`  ffmpeg alone (its segment file appears; folder polled every 5 ms): ${fmt(median(la.out), 0)} ms, ${fmt(quantile(la.out, 0.95), 0)} ms`);
  console.log(`  Foyer (its media playlist lists it; blocking reload over HTTP):      ${fmt(median(lf.out), 0)} ms, ${fmt(quantile(lf.out, 0.95), 0)} ms`);
  console.log(`  what Foyer adds: ${fmt(median(lf.out) - median(la.out), 0)} ms at the median`);
  console.log(`  the first segment starts at the source's key frame ${la.firstKey} (alone) / ${lf.firstKey} (Foyer): ${la.firstKey ? `the first ${la.firstKey} second(s) of the broadcast never reach a segment` : 'nothing of the broadcast is lost'}`);
}

await site.stop();
console.log(`\nload average ${load()} at the end`);
