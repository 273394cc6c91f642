import { spawn } from 'node:child_process';
import { failureReason, parseProbe, parseProgressSeconds, type ProbeResult } from './ffmpeg-output.js';

/** ffmpeg refused or failed; `reason` is its own explanation, fit to show the media owner. */
export class FfmpegError extends Error {
  override readonly name = 'FfmpegError';
  constructor(
    readonly reason: string,
    readonly exitCode: number | null,
  ) {
    super(reason);
  }
}

export interface RunOptions {
  ffmpegPath: string;
  args: string[];
  signal?: AbortSignal;
  /** Seconds of output written, from `-progress pipe:1` (include it in args). */
  onProgress?: (seconds: number) => void;
  /** [server path, name to show] pairs hidden from failure reasons. */
  paths?: Array<[string, string]>;
}

const STDERR_KEEP = 64 * 1024;

/** Runs ffmpeg to the end; rejects with FfmpegError (its reason) on a non-zero exit, or the abort reason. */
export function runFfmpeg(opts: RunOptions): Promise<{ stderr: string }> {
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) return reject(opts.signal.reason);
    const child = spawn(opts.ffmpegPath, opts.args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d: string) => {
      stderr = (stderr + d).slice(-STDERR_KEEP);
    });
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d: string) => {
      const seconds = parseProgressSeconds(d);
      if (seconds !== undefined) opts.onProgress?.(seconds);
    });
    const onAbort = () => child.kill('SIGKILL');
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    child.on('error', (err) => {
      opts.signal?.removeEventListener('abort', onAbort);
      reject(err);
    });
    child.on('close', (code, signal) => {
      opts.signal?.removeEventListener('abort', onAbort);
      if (opts.signal?.aborted) return reject(opts.signal.reason);
      if (code === 0) return resolve({ stderr });
      const why = failureReason(stderr, { paths: opts.paths });
      reject(new FfmpegError(signal ? `${why} (ffmpeg was stopped by ${signal})` : why, code));
    });
  });
}

/**
 * Probes a file with `ffmpeg -i` (ffprobe is not bundled): without an output ffmpeg always exits 1,
 * and the header it prints is the probe. Rejects with FfmpegError when ffmpeg cannot read the file.
 */
export function probeFile(opts: { ffmpegPath: string; file: string; signal?: AbortSignal; displayName?: string }): Promise<ProbeResult> {
  const paths: Array<[string, string]> = [[opts.file, opts.displayName ?? 'the file']];
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) return reject(opts.signal.reason);
    const child = spawn(opts.ffmpegPath, ['-hide_banner', '-nostdin', '-i', opts.file], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d: string) => {
      stderr = (stderr + d).slice(-STDERR_KEEP);
    });
    const onAbort = () => child.kill('SIGKILL');
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    child.on('error', reject);
    child.on('close', () => {
      opts.signal?.removeEventListener('abort', onAbort);
      if (opts.signal?.aborted) return reject(opts.signal.reason);
      if (!/^Input #0/m.test(stderr)) return reject(new FfmpegError(failureReason(stderr, { paths }), 1));
      resolve(parseProbe(stderr));
    });
  });
}
