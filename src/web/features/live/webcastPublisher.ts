import {
  ingestCloseCodes,
  ingestLimits,
  ingestServerMessageSchema,
  webcastMimeTypes,
  type IngestClientMessageInput,
  type LiveStreamStatusDto,
  type WebcastMimeType,
} from '../../../contracts/live-video.js';

/**
 * The browser side of a webcast, without React: one MediaRecorder feeding one ingest socket
 * (protocol: src/contracts/live-video.ts, docs/live-video.md "Going live from the browser").
 *
 *   open socket → send `start {mimeType}` → wait for `ready` → MediaRecorder.start(chunkMs) →
 *   every `dataavailable` Blob goes out as binary frames (≤ ingestLimits.frameBytes), in order.
 *
 * A socket that drops without `stop` is reconnected with backoff, each time with a NEW MediaRecorder
 * (the server needs a fresh WebM header), while the reconnect window lasts. The ingest's own refusals
 * (busy, not started, ended, capacity, storage full, unreadable) end in `failed` with a message.
 */

/** What the publisher needs from a MediaRecorder (the real one, or a test's). */
export interface RecorderLike {
  readonly state: 'inactive' | 'recording' | 'paused';
  ondataavailable: ((e: { data: Blob }) => void) | null;
  onstop: (() => void) | null;
  onerror: ((e: unknown) => void) | null;
  start(timesliceMs?: number): void;
  stop(): void;
  pause(): void;
  resume(): void;
}

/** What the publisher needs from a WebSocket. */
export interface SocketLike {
  readonly readyState: number;
  readonly bufferedAmount: number;
  onopen: (() => void) | null;
  onmessage: ((e: { data: unknown }) => void) | null;
  onclose: ((e: { code: number; reason: string }) => void) | null;
  onerror: (() => void) | null;
  send(data: string | Blob): void;
  close(code?: number, reason?: string): void;
}

/** MediaRecorder options, with Chromium's key-frame interval (not yet in TypeScript's DOM types). */
export interface RecorderOptions {
  mimeType: WebcastMimeType;
  videoBitsPerSecond: number;
  audioBitsPerSecond: number;
  videoKeyFrameIntervalDuration: number;
}

export interface PublisherEnv {
  createSocket(url: string): SocketLike;
  createRecorder(stream: MediaStream, options: RecorderOptions): RecorderLike;
  now(): number;
  random(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export type PublisherPhase =
  /** Not broadcasting (before the first start, or after cancelling one). */
  | 'idle'
  /** Socket opening, waiting for `ready`. */
  | 'connecting'
  | 'live'
  | 'paused'
  /** The socket dropped; trying again with backoff. */
  | 'reconnecting'
  /** The video source changed while live: a new recorder on a new socket (the stream continues). */
  | 'switching'
  /** `stop` sent; waiting for the server to confirm. */
  | 'stopping'
  /** The broadcast is over for the event (by this publisher's stop). */
  | 'stopped'
  /** Refused or ended by the server, or the connection could not be restored. */
  | 'failed';

export interface PublisherError {
  code: string;
  message: string;
  /** Owners may take over from whoever is broadcasting (`stream_busy`). */
  canTakeOver: boolean;
}

export interface PublisherState {
  phase: PublisherPhase;
  error?: PublisherError;
  /** The stream's status as the ingest last said. */
  status?: LiveStreamStatusDto;
  /** The upload is falling behind (the socket's send buffer keeps growing). */
  congested: boolean;
}

export const OPEN = 1;
/** Bitrates the recorder is asked for: 2.5 Mbps video is plenty for a talking head or slides at 720p. */
export const VIDEO_BITS_PER_SECOND = 2_500_000;
export const AUDIO_BITS_PER_SECOND = 128_000;
/** The send buffer above which the panel warns that the upload falls behind, and below which it stops warning. */
export const CONGESTED_BYTES = 4 * 1024 * 1024;
export const UNCONGESTED_BYTES = 1024 * 1024;
/** How long `ready` may take after the socket opened before the attempt counts as failed. */
export const READY_TIMEOUT_MS = 10_000;
/** How long `stop` may take to be confirmed. */
export const STOP_TIMEOUT_MS = 15_000;
/** Tries for the very first connection (nothing broadcast yet) before giving up. */
export const FIRST_CONNECT_TRIES = 3;
/** After a drop, how long a `stream_busy` answer is taken for our own old connection the server still holds (it lets us in once that one is quiet for 5 s). */
export const BUSY_GRACE_MS = 12_000;
/** How long to keep trying after a drop when the room has not said until when (the server's default window). */
export const DEFAULT_RECONNECT_MS = 60_000;

/** The first container and codecs this browser's MediaRecorder can make, best first; null: no usable MediaRecorder. */
export function pickMimeType(isTypeSupported: ((type: string) => boolean) | undefined): WebcastMimeType | null {
  if (!isTypeSupported) return null;
  for (const type of webcastMimeTypes) {
    try {
      if (isTypeSupported(type)) return type;
    } catch {
      // some browsers throw on codec strings they do not parse
    }
  }
  return null;
}

/** Byte ranges [start, end) that cut `size` bytes into frames of at most `max` bytes. */
export function frameRanges(size: number, max: number = ingestLimits.frameBytes): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let start = 0; start < size; start += max) out.push([start, Math.min(size, start + max)]);
  return out;
}

/** Wait before reconnect attempt `attempt` (0-based): quick at first, at most ~3 s, with jitter so tabs do not retry in step. */
export function reconnectDelayMs(attempt: number, random: () => number = Math.random): number {
  return Math.round(Math.min(3_000, 250 * 2 ** attempt) * (0.8 + random() * 0.4));
}

const closeCodeErrors: Record<number, string> = {
  [ingestCloseCodes.unauthenticated]: 'unauthenticated',
  [ingestCloseCodes.forbidden]: 'forbidden',
  [ingestCloseCodes.not_found]: 'not_found',
  [ingestCloseCodes.busy]: 'stream_busy',
  [ingestCloseCodes.gone]: 'event_ended',
  [ingestCloseCodes.too_large]: 'payload_too_large',
  [ingestCloseCodes.unreadable]: 'stream_unreadable',
  [ingestCloseCodes.capacity]: 'live_capacity',
  [ingestCloseCodes.storage_full]: 'storage_full',
};

/** Close codes after which trying again cannot help: the panel shows why. */
export const isFinalCloseCode = (code: number) => code in closeCodeErrors;

const timeOf = (iso: unknown) => {
  if (typeof iso !== 'string' || Number.isNaN(Date.parse(iso))) return undefined;
  return new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
};

/**
 * The message the Go live panel shows for an ingest error, by code (never by the server's wording,
 * which is the fallback for codes this browser does not know).
 */
export function describeIngestError(error: { code: string; message?: string; details?: unknown }, ctx: { isOwner: boolean; wasLive: boolean }): PublisherError {
  const details = (error.details && typeof error.details === 'object' ? error.details : {}) as Record<string, unknown>;
  const fallback = error.message || 'The broadcast could not continue.';
  const make = (message: string, canTakeOver = false): PublisherError => ({ code: error.code, message, canTakeOver });
  switch (error.code) {
    case 'stream_busy':
      return make(
        ctx.wasLive ? 'The event owner took over the broadcast; you are no longer live.' : 'Someone else is broadcasting in this event right now.' + (ctx.isOwner ? ' As an owner you may take over.' : ''),
        ctx.isOwner,
      );
    case 'event_not_started': {
      const at = timeOf(details.enterAt);
      return make(at ? `The event is not open yet: you can go live from ${at}.` : 'The event is not open yet: you can go live once the room opens for speakers.');
    }
    case 'event_ended':
      return make('This event has ended: it cannot go live again.');
    case 'live_capacity':
      return make('This server is already running as many live broadcasts as it can. Try again in a few minutes, or ask the site admin.');
    case 'storage_full':
      return make('Storage is full: the broadcast stopped; what was recorded so far is kept.');
    case 'stream_unreadable':
      return make('The server could not read the video this browser sends. Try again, or use another browser (a recent Chrome, Edge or Firefox).');
    case 'codec_unsupported':
      return make('This browser records video in a format the server cannot broadcast. Use a recent Chrome, Edge or Firefox.');
    case 'payload_too_large':
      return make('A piece of the video was too large to send. Try again.');
    case 'forbidden':
      return make('You may not broadcast in this event (only the owner and speakers of a webcast can).');
    case 'unauthenticated':
      return make('Your session has ended. Reload the page to continue.');
    case 'not_found':
      return make('This event no longer exists.');
    case 'interrupted':
      return make('The connection could not be restored in time: the broadcast has ended.');
    case 'network_error':
      return make('Could not reach the server to start the broadcast. Check your connection and try again.');
    default:
      return make(fallback);
  }
}

const browserEnv = (): PublisherEnv => ({
  createSocket: (url) => {
    const ws = new WebSocket(url);
    ws.binaryType = 'arraybuffer';
    return ws as unknown as SocketLike;
  },
  createRecorder: (stream, options) => new MediaRecorder(stream, options as MediaRecorderOptions) as unknown as RecorderLike,
  now: () => Date.now(),
  random: () => Math.random(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
});

export interface PublisherOptions {
  /** The ingest socket's absolute ws:// or wss:// address. */
  url: string;
  mimeType: WebcastMimeType;
  /** The stream to record now (camera or screen, plus the microphone): asked at each (re)connect. */
  stream: () => MediaStream;
  /** Owners are offered "Take over" on `stream_busy`. */
  isOwner: boolean;
  onChange: (state: PublisherState) => void;
  env?: Partial<PublisherEnv>;
}

export class WebcastPublisher {
  private readonly env: PublisherEnv;
  private state: PublisherState = { phase: 'idle', congested: false };
  private socket?: SocketLike;
  private recorder?: RecorderLike;
  /** Bumped for every connection: callbacks of an older one do nothing. */
  private connection = 0;
  private attempt = 0;
  private retryTimer: unknown;
  private readyTimer: unknown;
  private stopTimer: unknown;
  private wantPaused = false;
  private takeover = false;
  private stopRequested = false;
  /** A connection reached `ready` at least once: drops are reconnected, not reported. */
  private broadcasting = false;
  private dropSince?: number;
  /** Until when the server keeps the stream for us (the room's `reconnectUntil`), ms. */
  private reconnectUntil?: number;
  private lastError?: { code: string; message: string; details?: unknown };
  private stopWaiters: Array<() => void> = [];
  private disposed = false;

  constructor(private readonly opts: PublisherOptions) {
    this.env = { ...browserEnv(), ...opts.env };
  }

  get current(): PublisherState {
    return this.state;
  }

  /** Goes live (or, with `takeover`, as an owner, takes over from whoever is live). */
  start(options: { takeover?: boolean } = {}): void {
    if (!['idle', 'failed'].includes(this.state.phase)) return;
    this.takeover = options.takeover ?? false;
    this.stopRequested = false;
    this.wantPaused = false;
    this.broadcasting = false;
    this.attempt = 0;
    this.dropSince = undefined;
    this.lastError = undefined;
    this.set({ phase: 'connecting', error: undefined });
    this.connect();
  }

  pause(): void {
    if (this.state.phase !== 'live') return;
    this.wantPaused = true;
    if (this.recorder?.state === 'recording') this.recorder.pause();
    this.sendControl({ type: 'pause' });
    this.set({ phase: 'paused' });
  }

  resume(): void {
    if (this.state.phase !== 'paused') return;
    this.wantPaused = false;
    if (this.recorder?.state === 'paused') this.recorder.resume();
    this.sendControl({ type: 'resume' });
    this.set({ phase: 'live' });
  }

  /**
   * Ends the broadcast for the event: the recorder's last bytes go out, then `stop`; resolves once
   * the server confirmed (or gave up). While reconnecting, it connects just to say `stop`.
   */
  stop(): Promise<void> {
    const { phase } = this.state;
    if (phase === 'stopped' || phase === 'failed' || phase === 'idle') return Promise.resolve();
    const done = new Promise<void>((resolve) => this.stopWaiters.push(resolve));
    if (this.stopRequested) return done;
    this.stopRequested = true;
    if (phase === 'connecting' && !this.broadcasting) {
      // nothing was broadcast: just cancel
      this.teardown();
      this.set({ phase: 'idle' });
      this.settleStop();
      return done;
    }
    this.set({ phase: 'stopping' });
    this.stopTimer = this.env.setTimeout(() => {
      // no confirmation: stop waiting (the server ends the stream after its reconnect window)
      this.teardown();
      this.set({ phase: 'stopped' });
      this.settleStop();
    }, STOP_TIMEOUT_MS);
    const rec = this.recorder;
    const ws = this.socket;
    if (rec && rec.state !== 'inactive' && ws?.readyState === OPEN) {
      // the recorder hands over its last chunk, then fires stop: `stop` follows the bytes in order
      rec.onstop = () => this.sendControl({ type: 'stop' });
      rec.stop();
    } else if (ws?.readyState === OPEN && this.broadcasting) {
      this.sendControl({ type: 'stop' });
    } else if (phase !== 'switching') {
      // between connections: connect now and say stop once ready (a switch connects by itself)
      this.env.clearTimeout(this.retryTimer);
      if (!ws) this.connect();
    }
    return done;
  }

  /**
   * The video or audio source changed (camera ↔ screen, another device): while broadcasting, the
   * current recorder and socket end and a new pair continues the same stream (a new WebM header).
   */
  renew(): void {
    const { phase } = this.state;
    if (phase !== 'live' && phase !== 'paused') return;
    const old = this.socket;
    this.connection++;
    this.discardRecorder();
    this.env.clearTimeout(this.readyTimer);
    this.socket = undefined;
    this.set({ phase: 'switching' });
    if (!old || old.readyState !== OPEN) {
      this.connect();
      return;
    }
    // the server must have seen the old socket go before the new one starts, or it may look busy
    let moved = false;
    const next = () => {
      if (moved || this.disposed) return;
      moved = true;
      this.connect();
    };
    old.onclose = next;
    old.onmessage = null;
    this.env.setTimeout(next, 2_000);
    old.close(1000, 'source changed');
  }

  /** The stream's status as the room says it (reconnect window, or ended while we were away). */
  streamStatus(status: LiveStreamStatusDto): void {
    if (status.reconnectUntil) this.reconnectUntil = Date.parse(status.reconnectUntil);
    if (status.state === 'ended' && (this.state.phase === 'reconnecting' || this.state.phase === 'connecting') && this.broadcasting) {
      const code = status.reason === 'event_ended' ? 'event_ended' : status.reason === 'storage_full' ? 'storage_full' : 'interrupted';
      this.teardown();
      this.fail(describeIngestError({ code }, { isOwner: this.opts.isOwner, wasLive: true }));
    }
  }

  /** Leaves (unmount, page hidden for good): the socket closes without `stop`, which the server treats as a drop. */
  dispose(): void {
    this.disposed = true;
    this.teardown();
    this.settleStop();
  }

  // ------------------------------------------------------------------ internals

  private set(patch: Partial<PublisherState>) {
    this.state = { ...this.state, ...patch };
    if (!this.disposed) this.opts.onChange(this.state);
  }

  private fail(error: PublisherError) {
    this.set({ phase: 'failed', error, congested: false });
    this.settleStop();
  }

  private settleStop() {
    this.env.clearTimeout(this.stopTimer);
    const waiters = this.stopWaiters;
    this.stopWaiters = [];
    waiters.forEach((w) => w());
  }

  private sendControl(m: IngestClientMessageInput) {
    if (this.socket?.readyState === OPEN) this.socket.send(JSON.stringify(m));
  }

  private connect() {
    if (this.disposed) return;
    const id = ++this.connection;
    this.lastError = undefined;
    const ws = this.env.createSocket(this.opts.url);
    this.socket = ws;
    let ready = false;
    ws.onopen = () => {
      if (id !== this.connection) return;
      ws.send(JSON.stringify({ type: 'start', mimeType: this.opts.mimeType, takeover: this.takeover } satisfies IngestClientMessageInput));
      this.readyTimer = this.env.setTimeout(() => {
        if (id === this.connection && !ready) ws.close(1000, 'no ready');
      }, READY_TIMEOUT_MS);
    };
    ws.onmessage = (e) => {
      if (id !== this.connection || typeof e.data !== 'string') return;
      let parsed;
      try {
        parsed = ingestServerMessageSchema.safeParse(JSON.parse(e.data));
      } catch {
        return;
      }
      if (!parsed.success) return;
      const m = parsed.data;
      if (m.type === 'error') {
        this.lastError = m.error;
        return;
      }
      this.set({ status: m.status });
      if (m.type !== 'ready' || ready) return;
      ready = true;
      this.env.clearTimeout(this.readyTimer);
      this.broadcasting = true;
      this.takeover = false;
      this.attempt = 0;
      this.dropSince = undefined;
      if (this.stopRequested) {
        this.sendControl({ type: 'stop' });
        return;
      }
      this.startRecorder(ws, id);
      if (this.wantPaused) {
        if (this.recorder?.state === 'recording') this.recorder.pause();
        this.sendControl({ type: 'pause' });
        this.set({ phase: 'paused' });
      } else this.set({ phase: 'live' });
    };
    ws.onclose = (e) => this.onClose(id, e.code, ready);
    ws.onerror = null;
  }

  private onClose(id: number, code: number, wasReady: boolean) {
    if (id !== this.connection) return;
    this.env.clearTimeout(this.readyTimer);
    this.discardRecorder();
    this.socket = undefined;
    if (this.disposed) return;
    const ctx = { isOwner: this.opts.isOwner, wasLive: wasReady };
    if (code === ingestCloseCodes.stopped) {
      this.set({ phase: 'stopped', congested: false });
      this.settleStop();
      return;
    }
    if (isFinalCloseCode(code) && this.stopRequested && this.broadcasting) {
      // asked to stop, and the server will not take the stream again: it is over
      this.set({ phase: 'stopped', congested: false });
      this.settleStop();
      return;
    }
    // Reconnecting after a drop the server has not noticed yet (a network change): for a few seconds it
    // still holds the old connection and answers busy, until it sees that one has gone quiet.
    const staleSelf = code === ingestCloseCodes.busy && !wasReady && this.broadcasting && !this.takeover && this.env.now() - (this.dropSince ?? this.env.now()) < BUSY_GRACE_MS;
    if (isFinalCloseCode(code) && !staleSelf) {
      const error = this.lastError ?? { code: closeCodeErrors[code] };
      this.fail(describeIngestError(error, ctx));
      return;
    }
    // a drop: the network, the server restarting, a proxy timing out
    const now = this.env.now();
    this.dropSince ??= now;
    if (!this.broadcasting) {
      if (++this.attempt >= FIRST_CONNECT_TRIES) {
        this.fail(describeIngestError(this.lastError ?? { code: 'network_error' }, ctx));
        return;
      }
    } else {
      const until = Math.max(this.reconnectUntil ?? 0, this.dropSince + DEFAULT_RECONNECT_MS);
      if (now > until) {
        this.fail(describeIngestError({ code: 'interrupted' }, ctx));
        return;
      }
      this.attempt++;
    }
    if (!this.stopRequested) this.set({ phase: this.broadcasting ? 'reconnecting' : 'connecting', congested: false });
    this.retryTimer = this.env.setTimeout(() => this.connect(), reconnectDelayMs(this.attempt - 1, this.env.random));
  }

  private startRecorder(ws: SocketLike, id: number) {
    const rec = this.env.createRecorder(this.opts.stream(), {
      mimeType: this.opts.mimeType,
      videoBitsPerSecond: VIDEO_BITS_PER_SECOND,
      audioBitsPerSecond: AUDIO_BITS_PER_SECOND,
      // Chromium's default is a key frame every few seconds, which makes long segments: ask for 1 s
      videoKeyFrameIntervalDuration: ingestLimits.keyFrameIntervalMs,
    });
    this.recorder = rec;
    rec.ondataavailable = (e) => {
      if (id !== this.connection || ws.readyState !== OPEN || !e.data || e.data.size === 0) return;
      this.sendBytes(ws, e.data);
    };
    rec.onerror = () => {
      // the recorder broke (a track ended under it): continue with a new one
      if (id === this.connection) this.renew();
    };
    rec.start(ingestLimits.chunkMs);
  }

  private sendBytes(ws: SocketLike, blob: Blob) {
    // never a frame over the ingest's limit: a big chunk goes as several frames, in order
    for (const [start, end] of frameRanges(blob.size)) ws.send(start === 0 && end === blob.size ? blob : blob.slice(start, end));
    const buffered = ws.bufferedAmount;
    if (!this.state.congested && buffered > CONGESTED_BYTES) this.set({ congested: true });
    else if (this.state.congested && buffered < UNCONGESTED_BYTES) this.set({ congested: false });
  }

  private discardRecorder() {
    const rec = this.recorder;
    this.recorder = undefined;
    if (!rec) return;
    rec.ondataavailable = null;
    rec.onstop = null;
    rec.onerror = null;
    if (rec.state !== 'inactive') {
      try {
        rec.stop();
      } catch {
        // already stopped with its tracks
      }
    }
  }

  private teardown() {
    this.connection++;
    this.env.clearTimeout(this.retryTimer);
    this.env.clearTimeout(this.readyTimer);
    this.discardRecorder();
    const ws = this.socket;
    this.socket = undefined;
    if (ws) {
      ws.onclose = null;
      ws.onmessage = null;
      if (ws.readyState <= OPEN) ws.close(1000, 'left');
    }
  }
}
