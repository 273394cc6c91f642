import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { parseFfmpegPlaylist } from '../../domain/live-playlist.js';
import type { Workspace } from '../storage/storage.js';

/**
 * One packager run: one ffmpeg reading a live input (WebM on stdin from the browser, or a URL such
 * as the embedded RTMP server) and writing 1-second MPEG-TS segments with a short playlist into a
 * workspace. The run reports each finished segment (its bytes, read once) and its own end; the
 * live stream service numbers segments, stores them and serves them.
 *
 * Video is copied when it is H.264 with key frames every 1–2 s (the browser and a well-set encoder
 * send that); otherwise encoded with x264 `veryfast`/`zerolatency` and a key frame every second.
 * Audio always becomes AAC (Opus from browsers is not playable in MPEG-TS by every player).
 */

export type VideoMode = 'copy' | 'encode';

export interface LiveInputSpec {
  kind: 'pipe' | 'url';
  url?: string;
}

export interface PackagerSegment {
  /** ffmpeg's own number within the run (seg-<index>.ts). */
  index: number;
  /** Its file in the run's workspace: left there for the caller to move into storage (or to go with the workspace). */
  file: string;
  durationSec: number;
  bytes: Buffer;
  /** When the run saw the segment complete (epoch ms). */
  at: number;
}

export interface PackagerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The last lines ffmpeg wrote to stderr (errors only: its info lines are left out). */
  stderr: string;
  /** The input was not something ffmpeg could read (garbage, unknown container). */
  unreadable: boolean;
  /** ffmpeg was stopped on purpose (`kill`). */
  killed: boolean;
  /** ffmpeg could not write its output: the disk under the workspace is full. */
  noSpace: boolean;
}

/** ffmpeg's arguments for a run. Pure, so tests and the CPU benchmark run exactly what Foyer runs. */
export function liveFfmpegArgs(opts: { input: LiveInputSpec; mode: VideoMode; outDir: string }): string[] {
  const input =
    opts.input.kind === 'pipe'
      ? // MediaRecorder's WebM: its header names the codecs, so little probing is needed (probing costs latency)
        ['-f', 'matroska', '-probesize', '65536', '-analyzeduration', '500000', '-i', 'pipe:0']
      : ['-probesize', '262144', '-analyzeduration', '1000000', '-i', opts.input.url!];
  const video =
    opts.mode === 'copy'
      ? ['-c:v', 'copy']
      : [
          '-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-profile:v', 'high', '-pix_fmt', 'yuv420p',
          // a key frame every second whatever the frame rate, so every segment is one second
          '-force_key_frames', 'expr:gte(t,n_forced*1)', '-sc_threshold', '0',
          // frames at the times they came (a browser's or an encoder's rate varies): no copies, none dropped
          '-fps_mode', 'passthrough',
          '-b:v', '2500k', '-maxrate', '3000k', '-bufsize', '3000k',
          '-vf', "scale='min(1920,iw)':-2",
        ];
  return [
    // info: ffmpeg says when it writes each segment and playlist (PackagerRun reads the playlist then);
    // `level` tags each line, so errors are told apart (PackagerRun keeps only those)
    '-hide_banner', '-nostats', '-loglevel', 'level+info', '-nostdin',
    // not +nobuffer: with it ffmpeg drops the packets it read while probing the input (the first key
    // frame and what follows it), so every run — the start, each reconnect — lost its first second
    '-fflags', '+genpts',
    ...input,
    '-map', '0:v:0', '-map', '0:a:0?',
    ...video,
    '-c:a', 'aac', '-b:a', '128k', '-ac', '2', '-ar', '48000',
    ...hlsOutput(opts.outDir),
  ].filter((a) => a !== '-nostdin' || opts.input.kind === 'url');
}

/** 1-second MPEG-TS segments seg-<n>.ts from 0 and a short playlist in `outDir`; temp_file: a segment appears under its name only once complete. */
const hlsOutput = (outDir: string) => [
  '-f', 'hls', '-hls_time', '1', '-hls_list_size', '20',
  '-hls_flags', 'independent_segments+temp_file',
  '-hls_segment_type', 'mpegts',
  '-start_number', '0',
  '-hls_segment_filename', `${outDir}/seg-%d.ts`,
  `${outDir}/index.m3u8`,
];

/** The lower rendition's height, and the most a source may have for none to be made. */
export const LOW_RENDITION_HEIGHT = 480;

/**
 * ffmpeg's arguments for the lower rendition of a run: it reads the run's own finished segments, in
 * order, as one MPEG-TS stream on stdin (each begins with a key frame) and encodes 480p with a key frame
 * wherever the source has one, so its segments cut where the source's do: segment k of this run is
 * segment k of the source run, the same media sequence number. Audio is the source's AAC, copied.
 */
export function liveLowFfmpegArgs(opts: { outDir: string }): string[] {
  return [
    '-hide_banner', '-nostats', '-loglevel', 'level+info',
    // whole segments come in: probing a second of them finds the audio's parameters too
    '-f', 'mpegts', '-probesize', '2000000', '-analyzeduration', '1000000', '-i', 'pipe:0',
    '-map', '0:v:0', '-map', '0:a:0?',
    '-vf', `scale=-2:${LOW_RENDITION_HEIGHT}`,
    '-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-profile:v', 'main', '-pix_fmt', 'yuv420p',
    '-force_key_frames', 'source', '-sc_threshold', '0',
    // one 480p frame per source frame, at its time: a browser's frame rate varies, and when ffmpeg
    // cannot tell one it would make constant-rate output at the 90 kHz time base (a thousand copies a frame)
    '-fps_mode', 'passthrough',
    '-b:v', '900k', '-maxrate', '1000k', '-bufsize', '1000k',
    '-c:a', 'copy',
    ...hlsOutput(opts.outDir),
  ];
}

/** The source's picture size as ffmpeg reports its input ("Stream #0:0: Video: h264 …, 1280x720"). */
const INPUT_VIDEO_RE = /Stream #0:\d+[^:]*: Video: .*?\b(\d{2,5})x(\d{2,5})\b/;

/**
 * When the run looks for new segments. ffmpeg logs "Opening '…' for writing" for each file it writes;
 * it writes the playlist as soon as a segment is finished, and the run reads the playlist on that
 * line at once, looking again every RETRY_MS a few times while nothing new is listed yet (the
 * playlist's rename may not have happened). Segment lines are not read on: one read per segment.
 * Until it has seen such a line it looks every POLL_MS (small next to a 1-second segment); after that
 * only every FALLBACK_MS, in case a line is missed. Reading the playlist 25 times a second cost more
 * CPU than all the rest of a live session (bench/live-cpu).
 */
const POLL_MS = 40;
const FALLBACK_MS = 500;
const RETRY_MS = 20;
const RETRIES = 5;
/** ffmpeg writes the playlist right after it finishes a segment (before it opens the next one): read it then. */
const WRITING_RE = /Opening '[^']*index\.m3u8(?:\.tmp)?' for writing/;
/** Lines ffmpeg tags (`-loglevel level+…`) below error: not kept for the error report. */
const CHATTER_RE = /\[(?:info|verbose|debug|trace|warning)\] /;
const UNREADABLE_RE = /Invalid data found|EBML header parsing failed|could not find codec parameters|Error opening input|Invalid argument|moov atom not found|Unknown input format/i;

export class PackagerRun extends EventEmitter<{ segment: [PackagerSegment]; exit: [PackagerExit]; video: [{ width: number; height: number }] }> {
  private child: ChildProcess | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastIndex = -1;
  private stderr = '';
  private killed = false;
  private exited = false;
  private polling: Promise<void> = Promise.resolve();
  private logLine = '';
  /** ffmpeg's log has said when a segment was done: the playlist is read on its word. */
  private logDriven = false;
  /** Whether the input's video size was reported ('video', once). */
  private sized = false;
  bytesIn = 0;
  lastDataAt = 0;
  private finish: () => void = () => undefined;
  /** Resolves once the run has ended and reported its last segments and its exit. */
  readonly finished = new Promise<void>((resolve) => (this.finish = resolve));

  constructor(
    private readonly o: {
      ffmpegPath: string;
      workspace: Workspace;
      input: LiveInputSpec;
      mode: VideoMode;
      logger: Logger;
      clock: () => number;
      /** The lower rendition of another run (its segments on stdin): liveLowFfmpegArgs. */
      low?: boolean;
    },
  ) {
    super();
  }

  get mode(): VideoMode {
    return this.o.mode;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): void {
    const args = this.o.low ? liveLowFfmpegArgs({ outDir: this.o.workspace.dir }) : liveFfmpegArgs({ input: this.o.input, mode: this.o.mode, outDir: this.o.workspace.dir });
    const child = spawn(this.o.ffmpegPath, args, { stdio: [this.o.input.kind === 'pipe' ? 'pipe' : 'ignore', 'ignore', 'pipe'] });
    this.child = child;
    this.lastDataAt = this.o.clock();
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (d: string) => {
      const lines = (this.logLine + d).split('\n');
      this.logLine = lines.pop()!;
      for (const line of lines) this.onLog(line);
    });
    // A closed stdin (ffmpeg gave up on the input) must not crash the process.
    child.stdin?.on('error', () => undefined);
    child.on('error', (err) => {
      this.stderr += `\n${err.message}`;
    });
    child.on('close', (code, signal) => void this.onClose(code, signal));
    this.o.logger.debug({ pid: child.pid, mode: this.o.mode, input: this.o.input.kind }, 'live packager run started');
    this.timer = setInterval(() => this.poll(), POLL_MS);
  }

  /** One line of ffmpeg's log: a segment or the playlist written (read the playlist now), chatter, or an error to keep. */
  private onLog(line: string): void {
    if (WRITING_RE.test(line)) {
      if (!this.logDriven) {
        this.logDriven = true;
        clearInterval(this.timer);
        if (!this.exited) this.timer = setInterval(() => this.poll(), FALLBACK_MS);
      }
      this.pollSoon(RETRIES);
      return;
    }
    if (!this.sized) {
      // the first video stream listed is the input's (the output's come after "Output #0")
      const m = INPUT_VIDEO_RE.exec(line);
      if (m) {
        this.sized = true;
        this.emit('video', { width: Number(m[1]), height: Number(m[2]) });
      }
    }
    if (CHATTER_RE.test(line)) return;
    this.stderr = (this.stderr + line + '\n').slice(-4000);
  }

  /** Reads the playlist now; while nothing newer than `known` is listed, again a little later, `retries` times. */
  private pollSoon(retries: number, known = this.lastIndex): void {
    void this.poll().then(() => {
      if (this.lastIndex === known && retries > 0 && !this.exited) setTimeout(() => this.pollSoon(retries - 1, known), RETRY_MS).unref();
    });
  }

  /** The next bytes of a pipe input. False when ffmpeg no longer reads. */
  write(chunk: Buffer): boolean {
    const stdin = this.child?.stdin;
    if (!stdin || stdin.destroyed || this.exited) return false;
    this.bytesIn += chunk.length;
    this.lastDataAt = this.o.clock();
    stdin.write(chunk);
    return true;
  }

  /** Bytes written to ffmpeg that it has not read yet (it falls behind when it cannot encode in real time). */
  get backlog(): number {
    return this.child?.stdin?.writableLength ?? 0;
  }

  /** No more input: ffmpeg writes the last segment and exits. */
  endInput(): void {
    if (this.o.input.kind === 'pipe') this.child?.stdin?.end();
    else this.child?.kill('SIGINT');
  }

  /** Stops ffmpeg now (its last partial segment is lost). */
  kill(): void {
    this.killed = true;
    this.child?.kill('SIGKILL');
  }

  private poll(): Promise<void> {
    // one pass at a time, in order
    this.polling = this.polling.then(() => this.pollOnce()).catch((err) => this.o.logger.warn({ err }, 'live packager: reading a segment failed'));
    return this.polling;
  }

  private async pollOnce(): Promise<void> {
    const text = await this.o.workspace.readFile('index.m3u8');
    if (!text) return;
    const { segments } = parseFfmpegPlaylist(text.toString('utf8'));
    for (const s of segments) {
      if (s.index <= this.lastIndex) continue;
      const bytes = await this.o.workspace.readFile(s.file);
      if (!bytes) continue;
      this.lastIndex = s.index;
      // a URL input (RTMP) has no write(): its segments are the sign that data still comes
      if (this.o.input.kind === 'url') this.lastDataAt = this.o.clock();
      this.emit('segment', { index: s.index, file: s.file, durationSec: s.durationSec, bytes, at: this.o.clock() });
    }
  }

  private async onClose(code: number | null, signal: NodeJS.Signals | null): Promise<void> {
    this.exited = true;
    clearInterval(this.timer);
    if (this.logLine) this.onLog(this.logLine);
    // the last segment ffmpeg wrote while flushing
    await this.poll();
    this.o.logger.debug({ pid: this.child?.pid, code, signal, bytesIn: this.bytesIn, segments: this.lastIndex + 1, stderr: this.stderr.slice(-500) }, 'live packager run ended');
    const unreadable = !this.killed && this.lastIndex < 0 && code !== 0 && UNREADABLE_RE.test(this.stderr);
    const noSpace = /No space left on device|Disk quota exceeded/i.test(this.stderr);
    this.emit('exit', { code, signal, stderr: this.stderr.trim().split('\n').slice(-5).join('\n'), unreadable, killed: this.killed, noSpace });
    this.finish();
  }
}
