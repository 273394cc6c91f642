/**
 * bench/live-latency — true glass-to-glass latency of live video, webcast path and RTMP path. Not a
 * test: prints figures against a baseline measured in the same run, asserts nothing about time.
 *
 * Webcast: a speaker, let in through a real invite and the lobby page, goes live from the room's
 * real Go live panel (GoLivePanel + webcastPublisher: MediaRecorder video/webm;codecs=h264,opus,
 * videoKeyFrameIntervalDuration 1000, start(200), each chunk a binary frame over the ingest socket
 * after `ready`). Its camera and microphone are the bench's (navigator.mediaDevices.getUserMedia
 * overridden by an init script): a canvas on which the current epoch ms (performance.timeOrigin +
 * performance.now()) is drawn every frame as black and white blocks with a CRC, and an
 * OscillatorNode tone (bench/live-common/page/clock-camera.js).
 * RTMP: Node draws the same blocks with the current time into raw gray frames at capture time and
 * writes them in real time into ffmpeg (x264 veryfast zerolatency, 1-second GOP, AAC tone), which
 * publishes to the embedded RTMP listener with the event's stream key.
 * Viewer: another person, also through a real invite and the lobby page, in the room's real live
 * player (LivePlayer: hls.js); an init script draws every frame the player presents to a canvas
 * (requestVideoFrameCallback), decodes the blocks and records Date.now() − the time in the picture.
 * Same machine, same clock; the playlist's program date-time is not used.
 * Baseline (same run): the capture → decode loop alone — the clock camera's stream played in a
 * local <video> and decoded the same way, without encoder, server or network.
 *
 * Where the time goes: a probe polls the media playlist with blocking reload (as hls.js does) and
 * notes when each segment is first listed, and keeps its bytes; after the run ffmpeg decodes the
 * clock of every frame in each segment. With the viewer's Resource Timing (when each segment had
 * loaded) each played frame's latency splits into: waiting in its segment for the segment's last
 * frame, last frame captured → listed (the publisher's chunking and the server), listed → loaded by
 * the viewer, loaded → shown (the player's buffer).
 *
 *   npm run bench:live-latency -- [--seconds 60] [--warmup 10] [--paths webcast,rtmp]
 *       [--size 1280x720] [--fps 30] [--publisher panel|page] [--player room|page]
 *   (--seconds 10 --warmup 3 for a smoke run; --publisher page / --player page use the bench's own
 *   minimal publisher and hls.js page with src/web/features/live/live-hls-config.ts instead)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { parseArgs } from 'node:util';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { buildIfStale } from '../../scripts/build-if-stale.mjs';
import { ingestLimits } from '../../src/contracts/live-video.js';
import { liveLatencyConfig } from '../../src/web/features/live/live-hls-config.js';
import { cameraInit, contextThroughLobby, enterRoom, evaluate, launchChromium, openBenchPage, watchInit } from '../live-common/browser.js';
import { clockBlocks, segmentClock } from '../live-common/clock-blocks.js';
import { fmt, load, machine, mean, median, quantile, sleep, LiveSite } from '../live-common/site.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    warmup: { type: 'string', default: '10' },
    paths: { type: 'string', default: 'webcast,rtmp' },
    size: { type: 'string', default: '1280x720' },
    fps: { type: 'string', default: '30' },
    busy: { type: 'string', default: '40' },
    bitrate: { type: 'string', default: '2500000' },
    publisher: { type: 'string', default: 'panel' },
    player: { type: 'string', default: 'room' },
  },
});
const SECONDS = Number(values.seconds);
const WARMUP = Number(values.warmup);
const [WIDTH, HEIGHT] = values.size!.split('x').map(Number) as [number, number];
const FPS = Number(values.fps);
const BUSY = Number(values.busy);
const BITRATE = Number(values.bitrate);
const PATHS = values.paths!.split(',') as Array<'webcast' | 'rtmp'>;
const PANEL = values.publisher === 'panel';
const ROOM_PLAYER = values.player === 'room';
const GOALS = { webcast: 2000, rtmp: 3000 };
const MIME = 'video/webm;codecs=h264,opus';

// The whole run is bounded: whatever happens, it ends.
const children = new Set<ChildProcess>();
const hardStop = setTimeout(() => {
  console.error('live-latency: time limit reached, stopping');
  for (const c of children) c.kill('SIGKILL');
  process.exit(2);
}, (PATHS.length * (SECONDS + WARMUP + 180) + 300) * 1000);
hardStop.unref();

type Sample = [shown: number, latency: number, mediaTime: number, rate: number, ahead: number];
interface ViewerStats {
  samples: Sample[];
  rejected: number;
  events: Array<[number, string, number]>;
  /** [msn, request start, response end] of each segment load */
  segments: Array<[number, number, number]>;
  /** [at, seconds behind live as the player estimates it] */
  badges: Array<[number, number]>;
  errors: Array<[number, string, string, boolean]>;
}
interface CameraStats {
  cameraSince: number;
  drawn: number;
  local: Array<[number, number]>;
  localRejected: number;
  chunks?: number;
  bytes?: number;
  getUserMedia?: number;
}

interface PathResult {
  path: 'webcast' | 'rtmp';
  window: [number, number];
  viewer: ViewerStats;
  camera: CameraStats;
  listed: Map<number, number>;
  clocks: Map<number, number[]>;
  loads: [string, string];
  publisher: string;
  player: string;
}

/** Polls the media playlist with blocking reload and notes when each segment is first listed; keeps each segment's bytes for decoding its clock afterwards. */
function probePlaylist(siteUrl: string, masterUrl: string) {
  const listed = new Map<number, number>();
  const bytes = new Map<number, Buffer>();
  let stopped = false;
  const media = `${siteUrl}${masterUrl.replace(/master\.m3u8$/, 'index.m3u8')}`;
  const done = (async () => {
    let next: number | undefined;
    while (!stopped) {
      try {
        const res = await fetch(next === undefined ? media : `${media}?_HLS_msn=${next}`);
        const body = await res.text();
        const at = Date.now();
        if (res.status !== 200) {
          await sleep(200);
          continue;
        }
        const seq = Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(body)?.[1] ?? NaN);
        const names = body.split('\n').filter((l) => l && !l.startsWith('#'));
        for (const [i, name] of names.entries()) {
          const msn = seq + i;
          if (listed.has(msn)) continue;
          // the first answer lists segments made before the probe asked: their time is unknown
          listed.set(msn, next === undefined ? NaN : at);
          const seg = await fetch(new URL(name, media));
          if (seg.ok) bytes.set(msn, Buffer.from(await seg.arrayBuffer()));
        }
        next = seq + names.length;
        if (body.includes('#EXT-X-ENDLIST')) break;
      } catch {
        await sleep(100);
      }
    }
  })();
  return {
    listed,
    stop: async () => {
      stopped = true;
      await Promise.race([done, sleep(4000)]);
      return bytes;
    },
  };
}

async function waitForFrames(viewer: Page, what: string, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if ((await evaluate<number>(viewer, 'benchStats.samples ? benchStats.samples.length : 0')) > 0) return;
    await sleep(250);
  }
  const s = await evaluate<ViewerStats>(viewer, 'benchStats');
  throw new Error(`${what}: no decoded frame at the viewer within ${timeoutMs} ms (errors ${JSON.stringify(s.errors?.slice(-5))}, rejected ${s.rejected})`);
}

const cameraSettings = { width: WIDTH, height: HEIGHT, fps: FPS, busy: BUSY };

/** The viewer: the room's live player (or the bench's own page), with the measuring init script. */
async function openViewer(browser: Browser, site: LiveSite, eventId: string): Promise<{ context: BrowserContext; page: Page }> {
  const [inv] = await site.invite(eventId, 'viewer', 1, 'viewer');
  if (ROOM_PLAYER) return enterRoom(browser, site.url, inv!, eventId, [watchInit()]);
  const context = await contextThroughLobby(browser, site.url, inv!);
  return { context, page: await openBenchPage(context, site.url, 'viewer', { eventId, hlsConfig: liveLatencyConfig }) };
}

/** The viewer's master playlist URL, as it asked for it. */
async function viewerPlaylist(site: LiveSite, eventId: string, viewer: Page): Promise<string> {
  const r = await viewer.evaluate(async (id) => (await (await fetch(`/api/events/${id}/live`, { credentials: 'same-origin' })).json()) as { playlistUrl: string | null }, eventId);
  if (!r.playlistUrl) throw new Error('the viewer has no playlist URL');
  return r.playlistUrl;
}

async function measure(viewer: Page, site: LiveSite, eventId: string, label: string) {
  await waitForFrames(viewer, label);
  const probe = probePlaylist(site.url, await viewerPlaylist(site, eventId, viewer));
  console.log(`${label}: first frame decoded at the viewer; warming up ${WARMUP} s, then measuring ${SECONDS} s (load ${load()})`);
  await sleep(WARMUP * 1000);
  const from = Date.now();
  const loadStart = load();
  await sleep(SECONDS * 1000);
  const to = Date.now();
  const loadEnd = load();
  const viewerStats = await evaluate<ViewerStats>(viewer, 'benchStats');
  const bytes = await probe.stop();
  return { window: [from, to] as [number, number], listed: probe.listed, bytes, loads: [loadStart, loadEnd] as [string, string], viewer: viewerStats };
}

/** The capture time of every frame of each segment of the window (and a little around it). */
async function decodeClocks(bytes: Map<number, Buffer>, window: [number, number]): Promise<Map<number, number[]>> {
  const out = new Map<number, number[]>();
  for (const [msn, b] of bytes) {
    const clock = await segmentClock(b, window[0]);
    if (clock.length && clock.at(-1)! >= window[0] - 10_000 && clock[0]! <= window[1] + 5_000) out.set(msn, clock);
  }
  return out;
}

async function webcastPath(browser: Browser, site: LiveSite): Promise<PathResult> {
  const eventId = await site.event('webcast', 'Latency bench (webcast)');
  const [speaker] = await site.invite(eventId, 'speaker', 1, 'speaker');
  let pubContext: BrowserContext;
  let publisher: Page;
  if (PANEL) {
    ({ context: pubContext, page: publisher } = await enterRoom(browser, site.url, speaker!, eventId, [cameraInit(cameraSettings)]));
    const panel = publisher.getByRole('region', { name: 'Go live' });
    await panel.getByRole('button', { name: 'Turn on camera and microphone' }).click();
    await publisher.waitForFunction(() => {
      const v = document.querySelector<HTMLVideoElement>('[data-testid=golive-preview]');
      return !!v && v.readyState >= 2 && v.videoWidth > 0;
    });
    await panel.getByRole('button', { name: 'Go live', exact: true }).click();
    await panel.getByText('You are live').waitFor({ timeout: 30_000 });
  } else {
    pubContext = await contextThroughLobby(browser, site.url, speaker!);
    const ingestUrl = `${site.url.replace(/^http/, 'ws')}/api/events/${eventId}/ingest`;
    publisher = await openBenchPage(pubContext, site.url, 'publisher', {
      ...cameraSettings,
      mode: 'publish',
      ingestUrl,
      mimeType: MIME,
      chunkMs: ingestLimits.chunkMs,
      keyFrameIntervalMs: ingestLimits.keyFrameIntervalMs,
      videoBitsPerSecond: BITRATE,
    });
  }
  try {
    await site.waitForState(eventId, 'live', 30_000);
    const { context: viewerContext, page: viewer } = await openViewer(browser, site, eventId);
    const m = await measure(viewer, site, eventId, 'webcast');
    const camera = await evaluate<CameraStats>(publisher, 'benchStats');
    await viewerContext.close();
    if (PANEL) {
      const panel = publisher.getByRole('region', { name: 'Go live' });
      await panel.getByRole('button', { name: 'Stop', exact: true }).click();
      await publisher.getByRole('dialog', { name: 'End the broadcast?' }).getByRole('button', { name: 'End broadcast' }).click();
      await panel.getByText('The broadcast has ended.', { exact: false }).waitFor({ timeout: 20_000 });
    } else await evaluate(publisher, 'benchEnd()');
    const clocks = await decodeClocks(m.bytes, m.window);
    const drawn = camera.drawn / ((Date.now() - camera.cameraSince) / 1000);
    return {
      path: 'webcast',
      ...m,
      clocks,
      camera,
      publisher: PANEL
        ? `the room's Go live panel (MediaRecorder ${MIME}, 2.5 Mbit/s asked), clock camera ${WIDTH}×${HEIGHT} canvas captured at ${FPS} fps (${fmt(drawn, 0)} draws/s)`
        : `the bench's publisher page (MediaRecorder ${MIME}), clock camera ${WIDTH}×${HEIGHT} at ${FPS} fps (${fmt(drawn, 0)} draws/s), ${camera.chunks} chunks`,
      player: ROOM_PLAYER ? "the room's live player (LivePlayer, hls.js)" : "the bench's hls.js page (live-hls-config.ts)",
    };
  } finally {
    await pubContext.close();
  }
}

/** Raw gray frames with the clock burned in at capture time, written in real time into ffmpeg, which publishes over RTMP. */
function rtmpEncoder(url: string) {
  const proc = spawn(
    'ffmpeg',
    [
      '-hide_banner', '-nostats', '-loglevel', 'error',
      // frames are stamped when ffmpeg reads them (a frame the encoder could not take in time is dropped, not queued)
      '-use_wallclock_as_timestamps', '1', '-f', 'rawvideo', '-pix_fmt', 'gray', '-s', `${WIDTH}x${HEIGHT}`, '-framerate', String(FPS), '-i', 'pipe:0',
      '-re', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
      '-map', '0:v', '-map', '1:a', '-fps_mode', 'passthrough',
      '-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-pix_fmt', 'yuv420p',
      // a key frame every second of time, as OBS's "keyframe interval 1 s"
      '-force_key_frames', 'expr:gte(t,n_forced*1)', '-g', String(FPS * 2), '-sc_threshold', '0',
      '-b:v', String(BITRATE), '-maxrate', String(BITRATE), '-bufsize', String(BITRATE),
      '-c:a', 'aac', '-b:a', '128k',
      '-f', 'flv', url,
    ],
    { stdio: ['pipe', 'ignore', 'pipe'] },
  );
  children.add(proc);
  let stderr = '';
  proc.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-2000)));
  proc.stdin!.on('error', () => undefined);
  const frame = new Uint8Array(WIDTH * HEIGHT);
  const top = clockBlocks.blockSize(WIDTH) * clockBlocks.ROWS;
  let n = 0;
  /** Frames written more than one frame interval after their time (the writer fell behind). */
  let late = 0;
  /** Frames waiting in the pipe (not yet read by ffmpeg) when each frame was written. */
  const queued: number[] = [];
  let dropped = 0;
  let stopped = false;
  const t0 = performance.now();
  let seed = 1;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const tick = () => {
    if (stopped) return;
    // a moving picture below the clock, like a camera's
    const t = Date.now() / 1000;
    frame.fill(90 + Math.floor(40 * Math.sin(t)), top * WIDTH);
    for (let i = 0; i < BUSY; i++) {
      const x = Math.floor(rnd() * (WIDTH - 44));
      const y = top + Math.floor(rnd() * (HEIGHT - top - 44));
      const v = Math.floor(rnd() * 256);
      const w = 4 + Math.floor(rnd() * 40);
      const h = 4 + Math.floor(rnd() * 40);
      for (let r = y; r < y + h; r++) frame.fill(v, r * WIDTH + x, r * WIDTH + x + w);
    }
    const bx = Math.floor(((Math.sin(t * 1.3) + 1) / 2) * (WIDTH - 120));
    const by = top + Math.floor(((Math.cos(t * 0.9) + 1) / 2) * (HEIGHT - top - 120));
    for (let r = by; r < by + 120; r++) frame.fill(255, r * WIDTH + bx, r * WIDTH + bx + 120);
    queued.push(proc.stdin!.writableLength / frame.length);
    // like a capture card feeding a busy encoder (OBS: "skipped frames due to encoding lag"): while a
    // whole frame still waits for ffmpeg, this one is dropped instead of queued behind it
    if (proc.stdin!.writableLength >= frame.length) dropped++;
    else {
      // the clock, at capture time
      clockBlocks.drawGray(frame, WIDTH, Date.now());
      proc.stdin!.write(Buffer.from(frame));
    }
    if (performance.now() - (t0 + (n * 1000) / FPS) > 1000 / FPS) late++;
    n++;
    setTimeout(tick, Math.max(0, t0 + (n * 1000) / FPS - performance.now()));
  };
  tick();
  let stopping: Promise<void> | undefined;
  return {
    frames: () => n,
    late: () => late,
    queued: () => queued,
    dropped: () => dropped,
    stop: () =>
      (stopping ??= (async () => {
        stopped = true;
        proc.stdin!.end();
        const exited = proc.exitCode !== null ? Promise.resolve() : new Promise<void>((r) => proc.once('exit', () => r()));
        const t = setTimeout(() => proc.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(t);
        children.delete(proc);
        if (proc.exitCode && proc.exitCode !== 255) console.log(`RTMP encoder exited ${proc.exitCode}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`);
      })()),
  };
}

async function rtmpPath(browser: Browser, site: LiveSite): Promise<PathResult> {
  const eventId = await site.event('diy_live', 'Latency bench (RTMP)');
  const key = await site.streamKey(eventId);
  if (!key) throw new Error('no stream key: the RTMP listener is not running');
  const encoder = rtmpEncoder(`${key.url}/${key.streamKey}`);
  // the baseline for this path: the same capture → decode loop in a page of its own (no recording)
  const localContext = await browser.newContext();
  const local = await openBenchPage(localContext, site.url, 'publisher', { ...cameraSettings, mode: 'local' });
  try {
    await site.waitForState(eventId, 'live', 30_000);
    const { context: viewerContext, page: viewer } = await openViewer(browser, site, eventId);
    const m = await measure(viewer, site, eventId, 'RTMP');
    const camera = await evaluate<CameraStats>(local, 'benchStats');
    await viewerContext.close();
    const frames = encoder.frames();
    const late = encoder.late();
    const queued = encoder.queued();
    const dropped = encoder.dropped();
    await encoder.stop();
    const clocks = await decodeClocks(m.bytes, m.window);
    return {
      path: 'rtmp',
      ...m,
      clocks,
      camera,
      publisher: `ffmpeg x264 veryfast zerolatency, a key frame every second, ${fmt(BITRATE / 1e6, 1)} Mbit/s, AAC; raw ${WIDTH}×${HEIGHT} gray frames at ${FPS} fps from Node, clock drawn at capture (${frames} frame times, ${dropped} dropped because ffmpeg had not taken the previous one, ${late} ticks more than a frame late; frames waiting for ffmpeg at each tick: median ${fmt(median(queued), 2)}, p95 ${fmt(quantile(queued, 0.95), 2)})`,
      player: ROOM_PLAYER ? "the room's live player (LivePlayer, hls.js)" : "the bench's hls.js page (live-hls-config.ts)",
    };
  } finally {
    await encoder.stop();
    await localContext.close();
  }
}

// ---- analysis

function analyse(r: PathResult) {
  const [from, to] = r.window;
  const inWindow = <T extends [number, ...unknown[]]>(xs: T[]) => xs.filter((x) => x[0] >= from && x[0] <= to);
  const samples = inWindow(r.viewer.samples);
  const lat = samples.map((s) => s[1]);
  const base = inWindow(r.camera.local).map((s) => s[1]);

  // stalls: from each 'waiting' to the next 'playing', clipped to the window
  let stallMs = 0;
  let waiting = 0;
  let stalled = 0;
  let since: number | undefined;
  for (const [at, type] of r.viewer.events) {
    if (type === 'waiting') {
      if (at >= from && at <= to) waiting++;
      since ??= at;
    } else if (type === 'playing' && since !== undefined) {
      stallMs += Math.max(0, Math.min(at, to) - Math.max(since, from));
      since = undefined;
    } else if (type === 'stalled' && at >= from && at <= to) stalled++;
  }
  if (since !== undefined) stallMs += Math.max(0, to - Math.max(since, from));
  const seeks = r.viewer.events.filter((e) => e[1] === 'seeking' && e[0] >= from && e[0] <= to).length;
  const errors = r.viewer.errors.filter((e) => e[0] >= from && e[0] <= to);

  // where the time goes: each played frame's segment (by the clock of the segment's frames)
  const loaded = new Map<number, number>();
  for (const [msn, , end] of r.viewer.segments) if (!loaded.has(msn)) loaded.set(msn, end);
  const ranges = [...r.clocks].map(([msn, c]) => ({ msn, first: c[0]!, last: c.at(-1)!, frames: c.length }));
  const parts: Array<{ inSegment: number; toPlaylist: number; toViewer: number; inPlayer: number }> = [];
  for (const s of samples) {
    const captured = s[0] - s[1];
    const seg = ranges.find((x) => captured >= x.first && captured <= x.last);
    const listed = seg && r.listed.get(seg.msn);
    const got = seg && loaded.get(seg.msn);
    if (!seg || listed === undefined || !Number.isFinite(listed) || got === undefined) continue;
    parts.push({ inSegment: seg.last - captured, toPlaylist: listed - seg.last, toViewer: got - listed, inPlayer: s[0] - got });
  }
  const inWin = ranges.filter((x) => x.last >= from && x.first <= to);
  const segSeconds = median(inWin.map((x, i) => (i + 1 < inWin.length ? inWin[i + 1]!.first - x.first : NaN)).filter(Number.isFinite));

  // the window in 10-second slices: how the latency moved (catching up after the start, stalls)
  const slices: number[] = [];
  for (let t = from; t < to - 1000; t += 10_000) slices.push(median(samples.filter((x) => x[0] >= t && x[0] < t + 10_000).map((x) => x[1])));
  const badge = inWindow(r.viewer.badges).map((b) => b[1]).filter(Number.isFinite);
  const pick = (k: keyof (typeof parts)[number]) => [mean(parts.map((p) => p[k])), median(parts.map((p) => p[k]))] as [number, number];
  return {
    n: lat.length,
    fps: lat.length / ((to - from) / 1000),
    median: median(lat),
    p95: quantile(lat, 0.95),
    p99: quantile(lat, 0.99),
    min: Math.min(...lat),
    max: Math.max(...lat),
    slices,
    rejected: r.viewer.rejected,
    waiting,
    stalled,
    stallMs,
    seeks,
    errors,
    baseN: base.length,
    baseMedian: median(base),
    baseP95: quantile(base, 0.95),
    badge: median(badge),
    fastShare: samples.filter((s) => s[3] > 1.001).length / Math.max(1, samples.length),
    ahead: median(samples.map((s) => s[4])),
    segSeconds,
    framesPerSegment: median(inWin.map((x) => x.frames)),
    parts: parts.length ? { n: parts.length, inSegment: pick('inSegment'), toPlaylist: pick('toPlaylist'), toViewer: pick('toViewer'), inPlayer: pick('inPlayer') } : undefined,
  };
}

const sec = (ms: number) => `${fmt(ms / 1000, 2)} s`;

function report(results: PathResult[]) {
  console.log(`\nbench/live-latency: glass-to-glass over ${SECONDS} s per path after ${WARMUP} s of warm-up (${WIDTH}×${HEIGHT}, ${FPS} fps)\n`);
  console.log('| path | samples | median | p95 | p99 | min / max | stalls: waiting / stalled events, total stalled | baseline: capture → decode alone, median / p95 (samples) | goal | load average (1, 5, 15 min) start → end |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | --- | --- | --- | --- |');
  const analysed = results.map((r) => ({ r, a: analyse(r) }));
  for (const { r, a } of analysed) {
    const goal = GOALS[r.path];
    console.log(
      `| ${r.path} | ${a.n} | **${sec(a.median)}** | ${sec(a.p95)} | ${sec(a.p99)} | ${sec(a.min)} / ${sec(a.max)} | ${a.waiting} / ${a.stalled}, ${sec(a.stallMs)} | ${fmt(a.baseMedian, 0)} / ${fmt(a.baseP95, 0)} ms (${a.baseN}) | ≤ ${sec(goal)}: **${a.median <= goal ? 'met' : 'missed'}** | ${r.loads[0]} → ${r.loads[1]} |`,
    );
  }
  for (const { r, a } of analysed) {
    console.log(`\n${r.path}: publisher: ${r.publisher}; viewer: ${r.player}`);
    console.log(`  frames decoded at the viewer ${fmt(a.fps, 1)}/s; rejected (torn or unreadable): viewer ${a.rejected}, baseline ${r.camera.localRejected}; seeks ${a.seeks}; player errors seen ${a.errors.length}${a.errors.length ? ` (${[...new Set(a.errors.map((e) => `${e[2]}${e[3] ? ' fatal' : ''}`))].join(', ')})` : ''}`);
    console.log(`  median by 10-s slice of the window: ${a.slices.map((x) => fmt(x / 1000, 2)).join(', ')} s`);
    console.log(`  the player: ${Number.isFinite(a.badge) ? `its own "behind live" ${sec(a.badge * 1000)}, ` : ''}faster than 1× in ${fmt(a.fastShare * 100, 0)} % of frames, ${sec(a.ahead * 1000)} buffered ahead (medians); segments ${sec(a.segSeconds)} apart, ${a.framesPerSegment} frames each (median)`);
    if (a.parts) {
      const p = a.parts;
      const row = (name: string, x: [number, number]) => `    ${name.padEnd(66)} ${sec(x[0]).padStart(8)} ${sec(x[1]).padStart(8)}`;
      console.log(`  where the time goes (${p.n} frames; mean, median; the means add up to the mean latency ${sec(p.inSegment[0] + p.toPlaylist[0] + p.toViewer[0] + p.inPlayer[0])}):`);
      console.log(row("a frame waits in its segment for the segment's last frame", p.inSegment));
      console.log(row(`last frame captured → segment listed (${r.path === 'webcast' ? 'MediaRecorder chunk, socket' : 'x264, RTMP'}, ffmpeg, store)`, p.toPlaylist));
      console.log(row('listed → loaded by the viewer (blocking reload, segment request)', p.toViewer));
      console.log(row("loaded → shown (the player's buffer, its live-sync target)", p.inPlayer));
    }
  }
  console.log('');
  for (const { r, a } of analysed) {
    const goal = GOALS[r.path];
    console.log(`goal ${r.path} median ≤ ${sec(goal)}: ${a.median <= goal ? 'MET' : 'MISSED'} (${sec(a.median)}; less the measuring's own ${fmt(a.baseMedian, 0)} ms: ${sec(a.median - a.baseMedian)})`);
  }
}

console.log(`bench/live-latency: ${machine()} at start`);
if (PANEL || ROOM_PLAYER) await buildIfStale({ only: ['web'], log: (l: string) => console.log(l) });
const site = await LiveSite.start({ rtmp: PATHS.includes('rtmp'), web: true });
children.add(site.child);
const browser = await launchChromium();
const results: PathResult[] = [];
try {
  for (const p of PATHS) {
    if (p === 'webcast') results.push(await webcastPath(browser, site));
    else if (site.rtmp) results.push(await rtmpPath(browser, site));
    else console.log('RTMP path not measured: this checkout has no RTMP listener (src/server/runtime.ts startRtmpListener).');
  }
  report(results);
} finally {
  await browser.close();
  await site.stop();
  console.log(`\nload average ${load()} at the end`);
}
