/**
 * Node's copy of the picture clock (page/clock-blocks.js, the same file the browser pages load),
 * evaluated once in a `vm` context so both sides run exactly the same code.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

export interface ClockBlocks {
  COLS: number;
  ROWS: number;
  blockSize(width: number): number;
  drawGray(frame: Uint8Array, width: number, ms: number): void;
  decodeRgba(data: Uint8Array | Uint8ClampedArray, width: number, nowMs: number): number | null;
  decodeGray(data: Uint8Array, width: number, nowMs: number): number | null;
}

export const clockBlocksFile = path.join(path.dirname(fileURLToPath(import.meta.url)), 'page/clock-blocks.js');

const sandbox: { FoyerClockBlocks?: ClockBlocks } = {};
vm.runInNewContext(readFileSync(clockBlocksFile, 'utf8'), sandbox, { filename: clockBlocksFile });
export const clockBlocks: ClockBlocks = sandbox.FoyerClockBlocks!;

/**
 * The capture times burned into every frame of a video, in order: ffmpeg decodes it (scaled to 640
 * wide, the clock rows only, as gray pixels). `keyOnly`: key frames only. Frames whose clock does
 * not read are left out. `input` is the bytes (MPEG-TS by default) or a file path.
 */
export async function frameClocks(input: Buffer | string, nowMs: number, o: { format?: string; keyOnly?: boolean } = {}): Promise<number[]> {
  const W = 640;
  const rows = clockBlocks.blockSize(W) * clockBlocks.ROWS;
  const source = typeof input === 'string' ? ['-i', input] : ['-f', o.format ?? 'mpegts', '-i', 'pipe:0'];
  const args = ['-hide_banner', '-loglevel', 'error', ...(o.keyOnly ? ['-skip_frame', 'nokey'] : []), ...source, '-an', '-vf', `scale=${W}:-2:flags=neighbor,crop=${W}:${rows}:0:0`, '-pix_fmt', 'gray', '-fps_mode', 'passthrough', '-f', 'rawvideo', 'pipe:1'];
  const proc = spawn('ffmpeg', args, { stdio: ['pipe', 'pipe', 'ignore'] });
  proc.stdin.on('error', () => undefined);
  proc.stdin.end(typeof input === 'string' ? undefined : input);
  const chunks: Buffer[] = [];
  for await (const c of proc.stdout) chunks.push(c as Buffer);
  const all = Buffer.concat(chunks);
  const size = W * rows;
  const out: number[] = [];
  for (let at = 0; at + size <= all.length; at += size) {
    const t = clockBlocks.decodeGray(all.subarray(at, at + size), W, nowMs);
    if (t !== null) out.push(t);
  }
  return out;
}

/** The capture times of every frame of an MPEG-TS segment. */
export const segmentClock = (ts: Buffer, nowMs: number) => frameClocks(ts, nowMs);
