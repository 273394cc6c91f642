/**
 * Recorded webcasts for the live benchmarks, made once and kept in the temp folder:
 *
 * - `chromiumWebcast`: what a browser really sends — the bench's clock camera (clock-camera.js)
 *   recorded by Chromium's MediaRecorder exactly as the Go live panel records (video/webm;
 *   codecs=h264,opus, 1-second key frames, 200 ms chunks, 2.5 Mbit/s), each chunk kept with the
 *   moment it came, so it can be replayed in real time chunk by chunk.
 * - `ffmpegWebcast`: a long Matroska/WebM stream of the same shape (H.264 with a key frame every second, Opus) made
 *   by ffmpeg from its test pattern, cut into 200 ms of bytes each, for benchmarks that need a
 *   broadcast longer than a recording is worth making.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ingestLimits } from '../../src/contracts/live-video.js';
import { launchChromium, openBenchPage } from './browser.js';
import { sleep } from './site.js';

const run = promisify(execFile);
const cacheDir = path.join(tmpdir(), 'foyer-bench-live');

export interface Webcast {
  /** Where it is kept. */
  file: string;
  bytes: Buffer;
  /** Chunks in order, each with its offset from the first (ms): replayed at these moments. */
  chunks: Array<{ at: number; bytes: Buffer }>;
  seconds: number;
  describe: string;
}

function fromFile(file: string, describe: string): Webcast {
  const bytes = readFileSync(file);
  const sizes = JSON.parse(readFileSync(`${file}.json`, 'utf8')) as { sizes: number[]; at: number[] };
  const chunks: Webcast['chunks'] = [];
  let pos = 0;
  for (const [i, size] of sizes.sizes.entries()) {
    chunks.push({ at: sizes.at[i]!, bytes: bytes.subarray(pos, pos + size) });
    pos += size;
  }
  return { file, bytes, chunks, seconds: (chunks.at(-1)?.at ?? 0) / 1000, describe };
}

/** The clock camera recorded by Chromium's MediaRecorder as the Go live panel records it; `siteUrl` is any Foyer site (the page runs as its document). */
export async function chromiumWebcast(o: { seconds: number; width: number; height: number; fps: number; siteUrl: string }): Promise<Webcast> {
  mkdirSync(cacheDir, { recursive: true });
  const file = path.join(cacheDir, `chromium-${o.width}x${o.height}-${o.fps}fps-${o.seconds}s.webm`);
  const describe = `Chromium MediaRecorder (video/webm;codecs=h264,opus, key frame every ${ingestLimits.keyFrameIntervalMs} ms, ${ingestLimits.chunkMs} ms chunks, 2.5 Mbit/s asked) of the clock camera, ${o.width}×${o.height} at ${o.fps} fps, ${o.seconds} s`;
  if (existsSync(file) && existsSync(`${file}.json`)) return fromFile(file, describe);
  console.log(`recording ${o.seconds} s of webcast with Chromium (kept in ${file})…`);
  const browser = await launchChromium();
  try {
    const context = await browser.newContext();
    const parts: Buffer[] = [];
    const at: number[] = [];
    await context.exposeFunction('benchChunk', (b64: string, offset: number) => {
      parts.push(Buffer.from(b64, 'base64'));
      at.push(Math.round(offset));
    });
    const page = await openBenchPage(context, o.siteUrl, 'publisher', {
      mode: 'record',
      width: o.width,
      height: o.height,
      fps: o.fps,
      busy: 40,
      mimeType: 'video/webm;codecs=h264,opus',
      chunkMs: ingestLimits.chunkMs,
      keyFrameIntervalMs: ingestLimits.keyFrameIntervalMs,
      videoBitsPerSecond: 2_500_000,
    });
    await sleep(o.seconds * 1000);
    await page.evaluate('benchStop()');
    await page.evaluate('benchFlushed()');
    writeFileSync(file, Buffer.concat(parts));
    writeFileSync(`${file}.json`, JSON.stringify({ sizes: parts.map((p) => p.length), at }));
  } finally {
    await browser.close();
  }
  return fromFile(file, describe);
}

/** A WebM like a browser's (H.264 with 1-second key frames, Opus) from ffmpeg's test pattern, in 200 ms slices of bytes. */
export async function ffmpegWebcast(o: { seconds: number; width: number; height: number; fps: number; bitrate: number }): Promise<Webcast> {
  mkdirSync(cacheDir, { recursive: true });
  const file = path.join(cacheDir, `ffmpeg-${o.width}x${o.height}-${o.fps}fps-${o.bitrate}-${o.seconds}s.webm`);
  const describe = `ffmpeg testsrc2 ${o.width}×${o.height} at ${o.fps} fps, x264 ${o.bitrate / 1e6} Mbit/s with a key frame every second, Opus, WebM, ${o.seconds} s`;
  if (!(existsSync(file) && existsSync(`${file}.json`))) {
    console.log(`making a ${o.seconds}-s webcast with ffmpeg (kept in ${file})…`);
    await run('ffmpeg', [
      '-hide_banner', '-loglevel', 'error', '-y',
      '-f', 'lavfi', '-i', `testsrc2=size=${o.width}x${o.height}:rate=${o.fps}`,
      '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
      '-t', String(o.seconds),
      '-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-pix_fmt', 'yuv420p', '-g', String(o.fps), '-keyint_min', String(o.fps), '-sc_threshold', '0',
      '-b:v', String(o.bitrate), '-maxrate', String(o.bitrate), '-bufsize', String(o.bitrate),
      '-c:a', 'libopus', '-b:a', '128k',
      '-f', 'matroska', '-live', '1', file,
    ]);
    const size = readFileSync(file).length;
    const n = Math.ceil((o.seconds * 1000) / ingestLimits.chunkMs);
    const per = Math.ceil(size / n);
    const sizes: number[] = [];
    for (let pos = 0; pos < size; pos += per) sizes.push(Math.min(per, size - pos));
    writeFileSync(`${file}.json`, JSON.stringify({ sizes, at: sizes.map((_s, i) => i * ingestLimits.chunkMs) }));
  }
  return fromFile(file, describe);
}

/** Plays a webcast's chunks at their moments: `send` gets each one in order. Resolves after the last (or once `going()` says no). */
export async function replay(w: Webcast, send: (chunk: Buffer, index: number) => void, going: () => boolean = () => true): Promise<void> {
  const t0 = performance.now();
  for (const [i, c] of w.chunks.entries()) {
    if (!going()) return;
    const wait = t0 + c.at - performance.now();
    if (wait > 0) await sleep(wait);
    send(c.bytes, i);
  }
}

/**
 * Where the video key frames are in a WebM byte stream (the SimpleBlocks of the video track with the
 * key flag): where each starts and ends in the bytes, and its time (ms). A small EBML walk, enough for MediaRecorder's and ffmpeg's
 * live WebM (unknown-size Segment and Clusters).
 */
export function keyFrames(bytes: Buffer): Array<{ offset: number; end: number; ms: number }> {
  const vint = (at: number, keepMarker: boolean) => {
    const first = bytes[at]!;
    let len = 1;
    while (len <= 8 && !(first & (0x80 >> (len - 1)))) len++;
    let v = keepMarker ? first : first & (0xff >> len);
    let allOnes = (first & (0xff >> len)) === 0xff >> len;
    for (let i = 1; i < len; i++) {
      v = v * 256 + bytes[at + i]!;
      if (bytes[at + i] !== 0xff) allOnes = false;
    }
    return { v, len, unknown: allOnes };
  };
  const MASTERS = new Set([0x18538067, 0x1f43b675, 0x1654ae6b, 0xae, 0xa0]);
  const out: Array<{ offset: number; end: number; ms: number }> = [];
  let videoTrack = -1;
  let trackNumber = -1;
  let clusterMs = 0;
  let at = 0;
  while (at < bytes.length - 2) {
    const id = vint(at, true);
    const size = vint(at + id.len, false);
    const body = at + id.len + size.len;
    if (MASTERS.has(id.v) || size.unknown) {
      if (id.v === 0xae) trackNumber = -1;
      at = body;
      continue;
    }
    if (id.v === 0xd7) trackNumber = bytes.readUIntBE(body, size.v);
    if (id.v === 0x83 && bytes.readUIntBE(body, size.v) === 1 && trackNumber > 0) videoTrack = trackNumber;
    if (id.v === 0xe7) clusterMs = bytes.readUIntBE(body, size.v);
    if (id.v === 0xa3) {
      const track = vint(body, false);
      const rel = bytes.readInt16BE(body + track.len);
      const flags = bytes[body + track.len + 2]!;
      if (track.v === videoTrack && flags & 0x80) out.push({ offset: at, end: body + size.v, ms: clusterMs + rel });
    }
    at = body + size.v;
  }
  return out;
}
