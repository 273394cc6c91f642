import pino from 'pino';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveFfmpegPath } from '../../src/server/adapters/media/ffmpeg-path.js';
import { PackagerRun, type PackagerExit, type PackagerSegment } from '../../src/server/adapters/media/live-packager.js';
import { DiskStorage } from '../../src/server/adapters/storage/disk-storage.js';
import type { Workspace } from '../../src/server/adapters/storage/storage.js';
import { videoFrames, webcastBytes } from '../factories/live-video.js';

/** One packager run over real ffmpeg, fed a browser-like WebM (H.264 with a key frame every second, Opus). */
describe('live packager run', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'foyer-packager-'));
  const storage = new DiskStorage(root);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  /** Feeds `bytes` in 16 KB chunks over `seconds`, ends the input, and resolves with what the run reported. */
  async function package_(bytes: Buffer, seconds: number, label: string, opts: { mode?: 'copy' | 'encode'; low?: boolean } = {}) {
    const ws = await storage.workspace(label);
    // reads of the playlist once the first segment is out (before it, the run cannot know whether ffmpeg's log will tell it)
    let playlistReads = 0;
    const segments: PackagerSegment[] = [];
    const counting: Workspace = new Proxy(ws, {
      get(target, prop, receiver) {
        if (prop === 'readFile') return (rel: string) => ((playlistReads += rel === 'index.m3u8' && segments.length > 0 ? 1 : 0), target.readFile(rel));
        return Reflect.get(target, prop, receiver);
      },
    });
    const run = new PackagerRun({ ffmpegPath: resolveFfmpegPath(), workspace: counting, input: { kind: 'pipe' }, mode: opts.mode ?? 'copy', logger: pino({ level: 'silent' }), clock: Date.now, low: opts.low });
    run.on('segment', (s) => segments.push(s));
    const exit = new Promise<PackagerExit>((resolve) => run.once('exit', resolve));
    run.start();
    const chunk = 16 * 1024;
    const pause = (seconds * 1000) / Math.ceil(bytes.length / chunk);
    for (let at = 0; at < bytes.length; at += chunk) {
      run.write(bytes.subarray(at, at + chunk));
      await new Promise((r) => setTimeout(r, pause));
    }
    run.endInput();
    const exited = await exit;
    await ws.dispose();
    return { segments, exited, playlistReads };
  }

  it('keeps the first second: the segments hold the whole webcast from its first key frame', async () => {
    // 6 s with a key frame every second: ffmpeg must not drop what it read while probing the input
    const { segments, exited } = await package_(await webcastBytes({ seconds: 6 }), 0, 'first-second');
    expect(exited.code).toBe(0);
    const total = segments.reduce((s, x) => s + x.durationSec, 0);
    expect(total).toBeGreaterThan(5.5);
    expect(segments.map((s) => s.index)).toEqual(segments.map((_s, i) => i));
  }, 60_000);

  it('reads the playlist when ffmpeg says a segment is done, not on a fast timer, and misses none', async () => {
    // about 1.5× real time: ffmpeg finishes a segment every ~0.7 s
    const { segments, exited, playlistReads } = await package_(await webcastBytes({ seconds: 6 }), 4, 'on-its-word');
    expect(exited.code).toBe(0);
    expect(segments).toHaveLength(6);
    // after the first segment, polling every 40 ms would read it ~80 times in these 4 s; on ffmpeg's word it is a few times per segment
    // read once ffmpeg says it wrote the playlist (a retry or two when the rename is not done yet), plus the 500-ms fallback
    expect(playlistReads).toBeLessThanOrEqual(segments.length * 2 + 10);
    expect(playlistReads).toBeGreaterThanOrEqual(segments.length - 1);
  }, 60_000);

  it('leaves each finished segment in the workspace for storage to take by rename; bytes and file agree', async () => {
    const ws = await storage.workspace('move-in');
    const run = new PackagerRun({ ffmpegPath: resolveFfmpegPath(), workspace: ws, input: { kind: 'pipe' }, mode: 'copy', logger: pino({ level: 'silent' }), clock: Date.now });
    const moved: string[] = [];
    let moving = Promise.resolve();
    run.on('segment', (s) => {
      moving = moving.then(async () => {
        expect(await ws.readFile(s.file)).toEqual(s.bytes);
        await storage.putFile(`media/m1/live/seg-${s.index}.ts`, ws, s.file);
        moved.push(s.file);
      });
    });
    const exit = new Promise<PackagerExit>((resolve) => run.once('exit', resolve));
    run.start();
    run.write(await webcastBytes({ seconds: 3 }));
    run.endInput();
    await exit;
    await moving;
    expect(moved.length).toBeGreaterThanOrEqual(3);
    for (const [i, f] of moved.entries()) {
      expect(await ws.readFile(f)).toBeUndefined();
      expect(await storage.size(`media/m1/live/seg-${i}.ts`)).toBeGreaterThan(0);
    }
    // a missing file is an error, not a silent nothing
    await expect(storage.putFile('media/m1/live/seg-99.ts', ws, 'seg-99.ts')).rejects.toMatchObject({ code: 'ENOENT' });
    await ws.dispose();
  }, 60_000);

  it('keeps every frame of a source whose frame rate varies: encoded to H.264, and in the 480p rendition', async () => {
    // a browser under load sends frames unevenly; ffmpeg, left to pick a constant rate, drops some (or,
    // when it cannot tell a rate, makes a thousand copies of each: the 480p encoder then never kept up)
    const source = await webcastBytes({ seconds: 4, size: '1280x720', varyingFrameTimes: true });
    const frames = await videoFrames(source);
    expect(frames).toBeGreaterThan(50);
    const encoded = await package_(source, 0, 'vfr-encode', { mode: 'encode' });
    expect(encoded.exited.code).toBe(0);
    expect(await videoFrames(Buffer.concat(encoded.segments.map((s) => s.bytes)))).toBe(frames);
    // the 480p rendition is fed the source's segments, as the stream service does
    const low = await package_(Buffer.concat(encoded.segments.map((s) => s.bytes)), 0, 'vfr-low', { low: true, mode: 'encode' });
    expect(low.exited.code).toBe(0);
    expect(low.segments.map((s) => s.index)).toEqual(encoded.segments.map((_s, i) => i));
    expect(await videoFrames(Buffer.concat(low.segments.map((s) => s.bytes)))).toBe(frames);
  }, 60_000);
});
