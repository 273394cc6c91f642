import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { resolveFfmpegPath } from '../../src/server/adapters/media/ffmpeg-path.js';
import { networkInterfaces } from 'node:os';
import { AppError } from '../../src/server/errors.js';
import type { LivePublishing, PackagerInput, Publication, PublicationEnd, Publisher } from '../../src/server/services/live-video/publishing.js';

/** An encoder: ffmpeg pushing a test pattern and a tone over RTMP, as OBS would (x264 zerolatency, key frame every second). */
export interface Encoder {
  readonly proc: ChildProcess;
  /** Resolves when ffmpeg has exited, with its exit code (null when killed) and what it printed. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
  readonly stderr: () => string;
  kill(signal?: NodeJS.Signals): void;
}

const running = new Set<Encoder>();

export function pushTestPattern(url: string): Encoder {
  const proc = spawn(
    resolveFfmpegPath(),
    [
      '-hide_banner', '-nostats', '-loglevel', 'error',
      '-re', '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=25',
      '-f', 'lavfi', '-i', 'sine=frequency=440',
      '-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-g', '25', '-keyint_min', '25',
      '-c:a', 'aac', '-f', 'flv', url,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  proc.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => {
    proc.on('exit', (code, signal) => {
      running.delete(encoder);
      // 'exit' can come before the last of stderr: wait for the pipe to close
      if (proc.stderr!.closed) resolve({ code, signal, stderr });
      else proc.stderr!.once('close', () => resolve({ code, signal, stderr }));
    });
  });
  const encoder: Encoder = {
    proc,
    exited,
    stderr: () => stderr,
    kill(signal = 'SIGKILL') {
      if (proc.exitCode === null && proc.signalCode === null) {
        if (signal === 'SIGKILL') proc.kill('SIGCONT');
        proc.kill(signal);
      }
    },
  };
  running.add(encoder);
  return encoder;
}

/** Kills every encoder a test left running (call in afterEach). */
export async function killEncoders(): Promise<void> {
  const left = [...running];
  for (const e of left) e.kill('SIGKILL');
  await Promise.all(left.map((e) => e.exited));
}

/** What ffprobe sees at an RTMP URL: its streams, or the error it printed. */
export function probeRtmp(url: string, timeoutMs = 15_000): Promise<{ ok: true; streams: Array<{ codec_name: string; width?: number; height?: number }> } | { ok: false; error: string }> {
  return new Promise((resolve) => {
    execFile('ffprobe', ['-hide_banner', '-v', 'error', '-rw_timeout', String(timeoutMs * 1000), '-show_entries', 'stream=codec_name,width,height', '-of', 'json', url], { timeout: timeoutMs + 5000 }, (err, stdout, stderr) => {
      if (err) resolve({ ok: false, error: `${stderr}${err.message}` });
      else resolve({ ok: true, streams: (JSON.parse(stdout) as { streams: Array<{ codec_name: string; width?: number; height?: number }> }).streams });
    });
  });
}

/** An IPv4 address of this machine that is not loopback, if it has one (to connect from "outside"). */
export function externalAddress(): string | undefined {
  return Object.values(networkInterfaces())
    .flat()
    .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
}

/** One call of `begin` and the publication it answered (or its refusal). */
export interface BeginCall {
  mediaId: string;
  publisher: Publisher;
  input: PackagerInput;
  publication?: RecordingPublication;
  refusal?: AppError;
}

export class RecordingPublication implements Publication {
  dropped = 0;
  stopped = 0;
  ended: PublicationEnd | undefined;
  private listeners: Array<(end: PublicationEnd) => void> = [];
  constructor(readonly mediaId: string) {}
  get active() {
    return this.dropped === 0 && this.stopped === 0 && !this.ended;
  }
  write(): boolean {
    return this.active;
  }
  pause(): void {}
  resume(): void {}
  async stop(): Promise<void> {
    this.stopped++;
  }
  drop(): void {
    this.dropped++;
  }
  onEnd(listener: (end: PublicationEnd) => void): void {
    this.listeners.push(listener);
  }
  /** The live stream service ends this publication (event ended, taken over, storage full…). */
  end(end: PublicationEnd): void {
    this.ended = end;
    for (const l of this.listeners.splice(0)) l(end);
  }
}

/**
 * A stand-in for the live stream service that records what the RTMP listener asks, and answers as the
 * `LivePublishing` contract says: one active publication per event (another publisher without takeover
 * is `stream_busy`), a refusal set by the test, and `isStale` as the test sets it.
 */
export class RecordingPublishing implements LivePublishing {
  readonly calls: BeginCall[] = [];
  refuse: AppError | undefined;
  stale = false;
  /** Awaited before each answer, when set: a test holds `begin` to see what happens meanwhile. */
  hold: (() => Promise<void>) | undefined;
  /** What happened, in order: `begin`, then `answered` or `refused`. */
  readonly order: string[] = [];

  async begin(mediaId: string, publisher: Publisher, input: PackagerInput): Promise<Publication> {
    const call: BeginCall = { mediaId, publisher, input };
    this.calls.push(call);
    this.order.push('begin');
    await this.hold?.();
    const busy = this.calls.some((c) => c !== call && c.mediaId === mediaId && c.publication?.active);
    call.refusal = this.refuse ?? (busy && !publisher.takeover ? new AppError('stream_busy') : undefined);
    if (call.refusal) {
      this.order.push('refused');
      throw call.refusal;
    }
    call.publication = new RecordingPublication(mediaId);
    this.order.push('answered');
    return call.publication;
  }

  async status(): Promise<never> {
    throw new Error('not used by the RTMP listener');
  }

  isStale(): boolean {
    return this.stale;
  }

  /** The packager's play URL of an accepted call. */
  static urlOf(call: BeginCall): string {
    if (call.input.kind !== 'url') throw new Error('not a URL input');
    return call.input.url;
  }
}
