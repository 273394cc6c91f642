import { execFile } from 'node:child_process';
import { resolveFfmpegPath } from '../../src/server/adapters/media/ffmpeg-path.js';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import WebSocket from 'ws';
import type { IngestClientMessageInput, IngestServerMessage, LivePlaybackDto, WebcastMimeType } from '../../src/contracts/live-video.js';
import type { Agent, TestApp } from './app.js';
import { waitFor } from './wait.js';

const run = promisify(execFile);
const fixtures = new Map<string, Promise<Buffer>>();

/**
 * A webcast as a browser's MediaRecorder sends it: Matroska/WebM with H.264 (or VP8) video, key frames
 * every second, and Opus audio; made once per process with ffmpeg's test pattern and a tone.
 */
export function webcastBytes(opts: { seconds?: number; codec?: 'h264' | 'vp8' | 'h264-long-gop'; size?: string; varyingFrameTimes?: boolean } = {}): Promise<Buffer> {
  const seconds = opts.seconds ?? 6;
  const codec = opts.codec ?? 'h264';
  const size = opts.size ?? '320x180';
  const id = `${codec}-${seconds}-${size}-${opts.varyingFrameTimes === true}`;
  // a browser under load: frames 21 to 151 ms apart, never evenly (key frames still every second)
  const timing = opts.varyingFrameTimes
    ? ['-vf', "setpts='if(eq(N,0),0,PREV_OUTPTS+(0.021+0.013*mod(N*N*3,11))/TB)'", '-fps_mode', 'passthrough', '-force_key_frames', 'expr:gte(t,n_forced*1)']
    : [];
  let made = fixtures.get(id);
  if (!made) {
    made = (async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'foyer-webcast-'));
      const out = path.join(dir, 'webcast.webm');
      const video =
        codec === 'vp8'
          ? ['-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-g', '25', '-b:v', '600k']
          : ['-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-pix_fmt', 'yuv420p', '-g', codec === 'h264-long-gop' ? '125' : '25', '-keyint_min', codec === 'h264-long-gop' ? '125' : '25', '-sc_threshold', '0'];
      await run(resolveFfmpegPath(), ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=25`, '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000', '-t', String(seconds), ...timing, ...video, '-c:a', 'libopus', '-b:a', '64k', '-f', 'matroska', out]);
      return readFileSync(out);
    })();
    fixtures.set(id, made);
  }
  return made;
}

/** How many video frames the bytes hold (MPEG-TS or WebM), as ffmpeg counts them reading without decoding. */
export async function videoFrames(bytes: Buffer): Promise<number> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'foyer-frames-'));
  const file = path.join(dir, 'media');
  writeFileSync(file, bytes);
  const r = await run(resolveFfmpegPath(), ['-hide_banner', '-i', file, '-map', '0:v:0', '-c', 'copy', '-f', 'null', '-']);
  const counts = [...r.stderr.matchAll(/frame=\s*(\d+)/g)];
  if (counts.length === 0) throw new Error(`no frame count from ffmpeg: ${r.stderr.slice(-500)}`);
  return Number(counts.at(-1)![1]);
}

/** What ffmpeg says of a segment's bytes (its stream lines: codecs, picture size). */
export async function ffmpegInfo(bytes: Buffer): Promise<string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'foyer-seg-'));
  const file = path.join(dir, 'seg.ts');
  writeFileSync(file, bytes);
  const r = await run(resolveFfmpegPath(), ['-hide_banner', '-i', file]).catch((e: { stderr: string }) => ({ stderr: e.stderr }));
  return r.stderr;
}

export const h264Mime: WebcastMimeType = 'video/webm;codecs=h264,opus';

/** The webcast ingest socket as the Go live panel opens it: the agent's cookies, the site's Origin. */
export class IngestClient {
  readonly received: IngestServerMessage[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      if (!isBinary) this.received.push(JSON.parse(data.toString()) as IngestServerMessage);
    });
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  static open(base: string, eventId: string, agent: Agent | undefined, opts: { origin?: string } = {}): Promise<IngestClient> {
    const ws = new WebSocket(`${base}/api/events/${eventId}/ingest`, { headers: { origin: opts.origin ?? 'http://localhost:3000', ...(agent ? { cookie: agent.cookieHeader } : {}) } });
    const c = new IngestClient(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(c));
      ws.once('unexpected-response', (_req, res) => reject(Object.assign(new Error(`upgrade refused: ${res.statusCode}`), { statusCode: res.statusCode })));
      ws.once('error', reject);
    });
  }

  send(msg: IngestClientMessageInput | Record<string, unknown>): void {
    this.ws.send(JSON.stringify(msg));
  }

  /** Sends `start` and resolves on `ready`, or rejects with the error message and close code. */
  async start(mimeType: WebcastMimeType = h264Mime, takeover = false): Promise<IngestServerMessage> {
    this.send({ type: 'start', mimeType, takeover });
    return this.next('ready');
  }

  async next(type: IngestServerMessage['type'], timeoutMs = 10_000): Promise<IngestServerMessage> {
    const found = await waitFor(() => this.received.find((m) => m.type === type || m.type === 'error'), { timeoutMs, what: `ingest ${type}` });
    if (found.type === 'error' && type !== 'error') {
      const close = await Promise.race([this.closed, new Promise<undefined>((r) => setTimeout(r, 1000))]);
      throw Object.assign(new Error(`ingest error ${found.error.code}: ${found.error.message}`), { code: found.error.code, closeCode: close?.code });
    }
    return found;
  }

  /** Sends bytes the way MediaRecorder does: in chunks, paced (`bytesPerSecond`; 0 = as fast as possible). */
  async sendBytes(bytes: Buffer, opts: { chunk?: number; bytesPerSecond?: number } = {}): Promise<void> {
    const chunk = opts.chunk ?? 16 * 1024;
    for (let at = 0; at < bytes.length; at += chunk) {
      if (this.ws.readyState !== WebSocket.OPEN) return;
      this.ws.send(bytes.subarray(at, at + chunk));
      if (opts.bytesPerSecond) await new Promise((r) => setTimeout(r, (chunk / opts.bytesPerSecond!) * 1000));
    }
  }

  close(): void {
    this.ws.close();
  }
}

/** GET /api/events/:id/live for this agent. */
export async function livePlayback(agent: Agent, eventId: string): Promise<LivePlaybackDto & { statusCode: number }> {
  const res = await agent.get(`/api/events/${eventId}/live`);
  return { ...(res.json() as LivePlaybackDto), statusCode: res.statusCode };
}

/** Waits until the agent's playback has a playlist URL. */
export async function playlistUrlOf(agent: Agent, eventId: string, timeoutMs = 20_000): Promise<string> {
  return waitFor(async () => (await livePlayback(agent, eventId)).playlistUrl, { timeoutMs, what: 'a live playlist URL' });
}

/** Fetches a live URL the way hls.js does: no cookies (the signature is the grant). */
export function fetchLive(t: Pick<TestApp, 'app'>, url: string) {
  return t.app.inject({ method: 'GET', url });
}

/** The media playlist beside a master playlist URL. */
export const mediaPlaylistUrl = (masterUrl: string) => masterUrl.replace(/master\.m3u8$/, 'index.m3u8');

export const segmentsOf = (playlist: string) => playlist.split('\n').filter((l) => l && !l.startsWith('#'));
export const mediaSequenceOf = (playlist: string) => Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(playlist)?.[1] ?? NaN);
