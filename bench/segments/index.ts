/**
 * bench/segments — not a test: prints figures against baselines from the same run, asserts nothing.
 *
 * 1. A 1.5 MB HLS segment fetched through Foyer with a valid signed URL, against the same file served
 *    by plain @fastify/static with no check (and by nginx when installed): requests/s and bytes/s.
 * 2. Transcoding wall time through Foyer's job (queue, probe, ladder, poster, publish) against the
 *    same ffmpeg commands run alone.
 *
 *   npm run bench:segments -- [--seconds 5] [--rounds 5] [--connections 8]   (BENCH_ONLY=http|transcode)
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { createReadStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { DatabaseJobQueue } from '../../src/server/adapters/jobs/database-job-queue.js';
import type { JobDefinition } from '../../src/server/adapters/jobs/job-queue.js';
import { probeFile, runFfmpeg } from '../../src/server/adapters/media/ffmpeg.js';
import { resolveFfmpegPath } from '../../src/server/adapters/media/ffmpeg-path.js';
import { loadConfig } from '../../src/server/config.js';
import { createDatabase } from '../../src/server/db/database.js';
import { migrateToLatest } from '../../src/server/db/migrate.js';
import { planLadder, thumbnailInterval } from '../../src/server/domain/hls-ladder.js';
import { pipelineDefaults } from '../../src/server/domain/processing.js';
import { signedPrefix } from '../../src/server/domain/signed-url.js';
import { posterArgs, videoHlsArgs } from '../../src/server/services/transcode/ffmpeg-args.js';
import { createRuntime } from '../../src/server/runtime.js';
import { makeSizedVideo } from '../../test/factories/media.js';
import { load } from './load.js';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '5' }, rounds: { type: 'string', default: '5' }, connections: { type: 'string', default: '8' } } });
const SECONDS = Number(values.seconds);
const ROUNDS = Number(values.rounds);
const CONNECTIONS = Number(values.connections);
const SEGMENT_BYTES = 1.5 * 1024 * 1024;
const SECRET_ENV = { SESSION_SECRET: 'bench-secret-bench-secret-bench-secret-00', LOG_LEVEL: 'silent' };

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const mb = (bytes: number) => `${fmt(bytes / 1024 / 1024, 1)} MB/s`;

function startServer(kind: 'foyer' | 'static', dataDir: string): Promise<{ port: number; child: ChildProcess }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/segments/server.ts', kind, dataDir], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /ready (\d+)/.exec(out);
      if (m) resolve({ port: Number(m[1]), child });
    });
    child.on('exit', (code) => reject(new Error(`${kind} server exited (${code})`)));
  });
}

/**
 * CPU seconds used by this process and by its finished children (ffmpeg), from /proc on Linux:
 * a figure that, unlike wall time, holds up when other work shares the machine.
 */
function cpuSecondsWithChildren(): number {
  const own = process.cpuUsage();
  let children = NaN;
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 16 and 17 of stat (cutime, cstime) are 13 and 14 after the command name, in clock ticks.
    const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    children = (Number(fields[13]) + Number(fields[14])) / ticks;
  } catch {
    /* not Linux */
  }
  return (own.user + own.system) / 1e6 + children;
}

/** CPU time (user + system, microseconds) the server process has used so far. */
function cpuOf(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    child.once('message', (u: { user: number; system: number }) => resolve(u.user + u.system));
    child.send('cpu');
  });
}

function nginxPath(): string | undefined {
  for (const candidate of ['nginx', '/usr/sbin/nginx']) {
    try {
      execFileSync(candidate, ['-v'], { stdio: 'ignore' });
      return candidate;
    } catch {
      /* not installed */
    }
  }
  return undefined;
}

async function startNginx(bin: string, root: string, dir: string): Promise<{ port: number; child: ChildProcess }> {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const conf = path.join(dir, 'nginx.conf');
  writeFileSync(
    conf,
    `worker_processes 1; daemon off; pid ${dir}/nginx.pid; error_log ${dir}/error.log;
events { worker_connections 1024; }
http { access_log off; sendfile on; tcp_nopush on; client_body_temp_path ${dir}; proxy_temp_path ${dir}; fastcgi_temp_path ${dir}; uwsgi_temp_path ${dir}; scgi_temp_path ${dir};
  server { listen 127.0.0.1:${port}; location /static/ { alias ${root}/media/; } } }`,
  );
  const child = spawn(bin, ['-c', conf, '-p', dir], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    const ok = await fetch(`http://127.0.0.1:${port}/static/`).then(() => true, () => false);
    if (ok) return { port, child };
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill();
  throw new Error('nginx did not start');
}

async function httpBench() {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'foyer-bench-'));
  const mediaId = randomUUID();
  const rel = `media/${mediaId}/play/0123456789ab/720p/seg_00001.ts`;
  mkdirSync(path.dirname(path.join(dataDir, 'media', rel)), { recursive: true });
  writeFileSync(path.join(dataDir, 'media', rel), randomBytes(SEGMENT_BYTES));
  const config = loadConfig({ DATA_DIR: dataDir, ...SECRET_ENV });
  const prefix = signedPrefix({ secret: config.mediaUrlSecret, prefix: `/api/media/${mediaId}/stream/`, expires: Math.floor(Date.now() / 1000) + 86_400 });

  const foyer = await startServer('foyer', dataDir);
  const plain = await startServer('static', dataDir);
  const targets: Array<{ name: string; url: string; child: ChildProcess }> = [
    { name: 'Foyer, signed URL (HMAC check)', url: `http://127.0.0.1:${foyer.port}${prefix}0123456789ab/720p/seg_00001.ts`, child: foyer.child },
    { name: '@fastify/static, no check', url: `http://127.0.0.1:${plain.port}/static/${rel}`, child: plain.child },
  ];
  const nginx = nginxPath();
  const nginxDir = mkdtempSync(path.join(tmpdir(), 'foyer-bench-nginx-'));
  if (nginx) {
    const n = await startNginx(nginx, dataDir, nginxDir);
    targets.push({ name: 'nginx, no check', url: `http://127.0.0.1:${n.port}/static/${rel}`, child: n.child });
  }

  try {
    for (const t of targets) {
      const res = await fetch(t.url);
      const body = Buffer.from(await res.arrayBuffer());
      if (res.status !== 200 || body.length !== SEGMENT_BYTES) throw new Error(`${t.name}: ${res.status}, ${body.length} bytes`);
    }
    const forged = await fetch(targets[0].url.replace(/\/stream\/(\d+)\//, (_m, e) => `/stream/${Number(e) + 1}/`));
    if (forged.status !== 403) throw new Error(`a forged signature was answered ${forged.status}`);

    const results = new Map<string, { rps: number[]; bps: number[]; cpuPerRequest: number[] }>(targets.map((t) => [t.name, { rps: [], bps: [], cpuPerRequest: [] }]));
    for (const t of targets) await load(t.url, { connections: CONNECTIONS, seconds: 2 });
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate the order so drift on a shared machine does not favour one side.
      const order = round % 2 === 0 ? targets : [...targets].reverse();
      for (const t of order) {
        const cpuBefore = t.child.connected ? await cpuOf(t.child) : NaN;
        const r = await load(t.url, { connections: CONNECTIONS, seconds: SECONDS });
        if (r.non2xx || r.errors) throw new Error(`${t.name}: ${r.non2xx} non-2xx, ${r.errors} errors`);
        const cpuAfter = t.child.connected ? await cpuOf(t.child) : NaN;
        results.get(t.name)!.cpuPerRequest.push((cpuAfter - cpuBefore) / (r.requestsPerSecond * SECONDS));
        results.get(t.name)!.rps.push(r.requestsPerSecond);
        results.get(t.name)!.bps.push(r.bytesPerSecond);
      }
    }
    console.log(`\nSegment delivery: ${fmt(SEGMENT_BYTES / 1024 / 1024, 1)} MB segment, ${CONNECTIONS} connections, ${ROUNDS} rounds of ${SECONDS} s (median)\n`);
    const base = results.get(targets[1].name)!;
    console.log('| server | requests/s | bytes/s | vs @fastify/static | server CPU per request | requests per CPU-second vs @fastify/static |');
    console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
    for (const t of targets) {
      const r = results.get(t.name)!;
      const cpu = median(r.cpuPerRequest);
      const cpuShare = Number.isFinite(cpu) ? `${fmt((median(base.cpuPerRequest) / cpu) * 100, 1)}%` : 'n/a';
      console.log(
        `| ${t.name} | ${fmt(median(r.rps), 1)} | ${mb(median(r.bps))} | ${fmt((median(r.bps) / median(base.bps)) * 100, 1)}% | ${Number.isFinite(cpu) ? `${fmt(cpu / 1000, 3)} ms` : 'n/a'} | ${cpuShare} |`,
      );
    }
    for (const t of targets) console.log(`\nall rounds, ${t.name}: ${results.get(t.name)!.bps.map((b) => mb(b)).join(', ')}`);
    if (!nginx) console.log('\n(nginx is not installed on this machine: no nginx row.)');
  } finally {
    // Reap the servers now, so their CPU time is not counted as a child's in the transcode figures.
    await Promise.all(targets.map((t) => new Promise((resolve) => (t.child.exitCode !== null ? resolve(null) : (t.child.once('exit', resolve), t.child.kill())))));
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(nginxDir, { recursive: true, force: true });
  }
}

async function transcodeBench() {
  const ffmpegPath = resolveFfmpegPath();
  const source = makeSizedVideo({ width: 1280, height: 720, seconds: 20 });
  const dataDir = mkdtempSync(path.join(tmpdir(), 'foyer-bench-tx-'));
  const config = loadConfig({ DATA_DIR: dataDir, ...SECRET_ENV });
  const database = createDatabase(config.database);
  await migrateToLatest(database.db);
  const logger = pino({ level: 'silent' });
  // Completion is signalled by the job itself, so the bench adds no polling to the job's CPU time.
  const finished = new Map<string, () => void>();
  class SignallingQueue extends DatabaseJobQueue {
    override define<T>(def: JobDefinition<T>): void {
      super.define<T>({ ...def, run: async (data, ctx) => {
        await def.run(data, ctx);
        finished.get((data as { mediaId: string }).mediaId)?.();
      } });
    }
  }
  const queue = new SignallingQueue({ db: database.db, logger, pollMs: 1_000 });
  // The real composition root: the transcode service as the server builds it, on this queue.
  const runtime = createRuntime({ config: { ...config, ffmpegPath }, database, logger, jobs: queue });
  const { storage } = runtime;
  const { transcode } = runtime.services;
  queue.start();
  await database.db
    .insertInto('users')
    .values({ id: 'bench', email: 'bench@example.com', email_canonical: 'bench@example.com', name: 'Bench', password_hash: 'x', email_verified_at: null, is_admin: 0, created_at: Date.now() })
    .execute();

  const viaJob = async (): Promise<{ wall: number; cpu: number }> => {
    const id = randomUUID();
    const key = `media/${id}/original.mp4`;
    await storage.put(key, createReadStream(source.path));
    const now = Date.now();
    const row = { id, owner_id: 'bench', type: 'video' as const, title: 'bench', description: '', mime_type: 'video/mp4', size_bytes: source.bytes.length, storage_key: key, original_name: 'bench.mp4', created_at: now, updated_at: now, deleted_at: null, ...pipelineDefaults('video') };
    await database.db.insertInto('media').values(row).execute();
    const done = new Promise<void>((resolve) => finished.set(id, resolve));
    const started = performance.now();
    const cpu0 = cpuSecondsWithChildren();
    await transcode.enqueue({ ...row, ...pipelineDefaults('video') });
    await done;
    const m = await transcode.repo.find(id);
    if (m?.status !== 'ready') throw new Error(m?.failure_reason ?? 'not ready');
    return { wall: performance.now() - started, cpu: cpuSecondsWithChildren() - cpu0 };
  };

  const alone = async (): Promise<{ wall: number; cpu: number }> => {
    const out = mkdtempSync(path.join(tmpdir(), 'foyer-bench-alone-'));
    try {
      const started = performance.now();
      const cpu0 = cpuSecondsWithChildren();
      const probe = await probeFile({ ffmpegPath, file: source.path });
      const rungs = planLadder(probe.video!);
      for (const r of rungs) mkdirSync(path.join(out, r.name));
      mkdirSync(path.join(out, 'thumbs'));
      await runFfmpeg({ ffmpegPath, args: videoHlsArgs({ input: source.path, outDir: out, rungs, hasAudio: true, thumbnails: { everySeconds: thumbnailInterval(probe.durationSeconds!), width: 160 } }) });
      await runFfmpeg({ ffmpegPath, args: posterArgs({ input: source.path, output: path.join(out, 'poster.jpg'), atSeconds: Math.min(5, probe.durationSeconds! * 0.1), height: 720 }) });
      return { wall: performance.now() - started, cpu: cpuSecondsWithChildren() - cpu0 };
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  };

  try {
    const job: Array<{ wall: number; cpu: number }> = [];
    const plain: Array<{ wall: number; cpu: number }> = [];
    for (let round = 0; round < ROUNDS; round++) {
      if (round % 2 === 0) {
        plain.push(await alone());
        job.push(await viaJob());
      } else {
        job.push(await viaJob());
        plain.push(await alone());
      }
    }
    console.log(`\nTranscode wall time: 1280x720, 20 s source → 360p + 720p HLS, thumbnails, poster (${ROUNDS} rounds, median)\n`);
    const wall = (xs: typeof job) => median(xs.map((x) => x.wall)) / 1000;
    const cpu = (xs: typeof job) => median(xs.map((x) => x.cpu));
    console.log('| run | wall time | ratio | CPU time (Node + ffmpeg) | ratio |');
    console.log('| --- | ---: | ---: | ---: | ---: |');
    console.log(`| same ffmpeg commands alone | ${fmt(wall(plain), 2)} s | 1.00× | ${fmt(cpu(plain), 2)} s | 1.00× |`);
    console.log(`| through Foyer's job | ${fmt(wall(job), 2)} s | ${fmt(wall(job) / wall(plain), 3)}× | ${fmt(cpu(job), 2)} s | ${fmt(cpu(job) / cpu(plain), 3)}× |`);
    console.log(`\nall rounds, wall: alone ${plain.map((x) => fmt(x.wall / 1000, 2)).join(', ')} s; job ${job.map((x) => fmt(x.wall / 1000, 2)).join(', ')} s`);
    console.log(`all rounds, CPU: alone ${plain.map((x) => fmt(x.cpu, 2)).join(', ')} s; job ${job.map((x) => fmt(x.cpu, 2)).join(', ')} s`);
  } finally {
    await runtime.close();
    await database.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const only = process.env.BENCH_ONLY;
const load1 = () => loadavg()[0].toFixed(2);
console.log(`${cpus().length} cores, load average ${load1()} at start (figures from a shared machine swing with it)`);
if (only !== 'transcode') await httpBench();
if (only !== 'http') await transcodeBench();
console.log(`\nload average ${load1()} at the end`);
