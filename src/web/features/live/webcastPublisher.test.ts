import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ingestCloseCodes, ingestLimits, webcastMimeTypes, type LiveStreamStatusDto } from '../../../contracts/live-video.js';
import {
  DEFAULT_RECONNECT_MS,
  describeIngestError,
  frameRanges,
  pickMimeType,
  reconnectDelayMs,
  WebcastPublisher,
  type PublisherState,
  type RecorderLike,
  type RecorderOptions,
  type SocketLike,
} from './webcastPublisher.js';

/*
 * The publisher's sequencing against a scripted socket and recorder (the browser's own MediaRecorder
 * and WebSocket run in test/e2e/live-video.test.ts). Each fake records what the publisher did to it.
 */

class FakeSocket implements SocketLike {
  readyState = 0;
  bufferedAmount = 0;
  onopen: (() => void) | null = null;
  onmessage: ((e: { data: unknown }) => void) | null = null;
  onclose: ((e: { code: number; reason: string }) => void) | null = null;
  onerror: (() => void) | null = null;
  sent: Array<string | Blob> = [];
  closedWith?: number;
  constructor(readonly url: string) {}
  send(data: string | Blob) {
    if (this.readyState !== 1) throw new Error('send on a socket that is not open');
    this.sent.push(data);
  }
  close(code = 1000) {
    this.closedWith = code;
    this.readyState = 3;
    queueMicrotask(() => this.onclose?.({ code, reason: '' }));
  }
  // the server's side
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
  say(m: unknown) {
    this.onmessage?.({ data: JSON.stringify(m) });
  }
  drop(code = 1006) {
    this.readyState = 3;
    this.onclose?.({ code, reason: '' });
  }
  controls() {
    return this.sent.filter((x): x is string => typeof x === 'string').map((x) => JSON.parse(x) as { type: string });
  }
  binaries() {
    return this.sent.filter((x): x is Blob => typeof x !== 'string');
  }
}

class FakeRecorder implements RecorderLike {
  state: 'inactive' | 'recording' | 'paused' = 'inactive';
  ondataavailable: ((e: { data: Blob }) => void) | null = null;
  onstop: (() => void) | null = null;
  onerror: ((e: unknown) => void) | null = null;
  timeslice?: number;
  calls: string[] = [];
  constructor(
    readonly stream: MediaStream,
    readonly options: RecorderOptions,
  ) {}
  start(timeslice?: number) {
    this.timeslice = timeslice;
    this.state = 'recording';
    this.calls.push('start');
  }
  pause() {
    this.state = 'paused';
    this.calls.push('pause');
  }
  resume() {
    this.state = 'recording';
    this.calls.push('resume');
  }
  stop() {
    this.calls.push('stop');
    this.state = 'inactive';
    // like the real one: the last chunk, then stop
    this.ondataavailable?.({ data: new Blob(['tail']) });
    this.onstop?.();
  }
  emit(data: Blob) {
    this.ondataavailable?.({ data });
  }
}

const status = (over: Partial<LiveStreamStatusDto> = {}): LiveStreamStatusDto => ({ state: 'live', reason: null, source: 'webcast', publisherName: 'Sam', since: null, reconnectUntil: null, ...over });

function setup(opts: { isOwner?: boolean } = {}) {
  const sockets: FakeSocket[] = [];
  const recorders: FakeRecorder[] = [];
  const states: PublisherState[] = [];
  const streams = [{ id: 'camera' } as unknown as MediaStream];
  const publisher = new WebcastPublisher({
    url: 'ws://example.test/api/events/e1/ingest',
    mimeType: 'video/webm;codecs=h264,opus',
    stream: () => streams.at(-1)!,
    isOwner: opts.isOwner ?? false,
    onChange: (s) => states.push(s),
    env: {
      createSocket: (url) => {
        const s = new FakeSocket(url);
        sockets.push(s);
        return s;
      },
      createRecorder: (stream, options) => {
        const r = new FakeRecorder(stream, options);
        recorders.push(r);
        return r;
      },
      random: () => 0.5,
    },
  });
  const phase = () => publisher.current.phase;
  /** Opens the newest socket and answers `ready`. */
  const accept = () => {
    const s = sockets.at(-1)!;
    s.open();
    s.say({ type: 'ready', status: status() });
    return s;
  };
  return { publisher, sockets, recorders, states, streams, phase, accept };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('choosing what MediaRecorder makes', () => {
  it('takes the first type of the list the browser supports, and none without MediaRecorder', () => {
    expect(pickMimeType((t) => t === 'video/webm;codecs=vp8,opus' || t === 'video/webm')).toBe('video/webm;codecs=vp8,opus');
    expect(pickMimeType(() => true)).toBe(webcastMimeTypes[0]);
    expect(pickMimeType(() => false)).toBeNull();
    expect(pickMimeType(undefined)).toBeNull();
    // a browser that throws on codec strings it cannot parse is asked about the next one
    expect(
      pickMimeType((t) => {
        if (t.includes('h264')) throw new Error('bad codec string');
        return t.includes('avc1');
      }),
    ).toBe('video/webm;codecs=avc1,opus');
  });

  it('cuts a chunk into frames no larger than the ingest takes, covering every byte once', () => {
    expect(frameRanges(0)).toEqual([]);
    expect(frameRanges(10, 4)).toEqual([
      [0, 4],
      [4, 8],
      [8, 10],
    ]);
    expect(frameRanges(8, 4)).toEqual([
      [0, 4],
      [4, 8],
    ]);
    const big = frameRanges(ingestLimits.frameBytes * 2 + 1);
    expect(big.every(([a, b]) => b - a <= ingestLimits.frameBytes)).toBe(true);
    expect(big.at(-1)![1]).toBe(ingestLimits.frameBytes * 2 + 1);
  });

  it('backs off between reconnects, quickly at first and never beyond about 3 s', () => {
    const delays = [0, 1, 2, 3, 4, 10].map((a) => reconnectDelayMs(a, () => 0.5));
    expect(delays).toEqual([250, 500, 1000, 2000, 3000, 3000]);
    expect(reconnectDelayMs(0, () => 0)).toBeLessThan(reconnectDelayMs(0, () => 1));
  });
});

describe('the ingest protocol', () => {
  it('sends start, waits for ready, then records with 1 s key frames and 200 ms chunks, bytes in order', async () => {
    const t = setup();
    t.publisher.start();
    expect(t.phase()).toBe('connecting');
    const s = t.sockets[0]!;
    expect(s.url).toBe('ws://example.test/api/events/e1/ingest');
    s.open();
    expect(s.controls()).toEqual([{ type: 'start', mimeType: 'video/webm;codecs=h264,opus', takeover: false }]);
    // nothing is recorded before the server is ready
    expect(t.recorders).toHaveLength(0);
    s.say({ type: 'ready', status: status() });
    expect(t.phase()).toBe('live');
    const r = t.recorders[0]!;
    expect(r.timeslice).toBe(ingestLimits.chunkMs);
    expect(r.options).toMatchObject({ mimeType: 'video/webm;codecs=h264,opus', videoKeyFrameIntervalDuration: ingestLimits.keyFrameIntervalMs });
    expect(r.options.videoBitsPerSecond).toBeGreaterThanOrEqual(1_000_000);

    r.emit(new Blob(['header+1']));
    r.emit(new Blob([]));
    r.emit(new Blob(['2']));
    const texts = await Promise.all(s.binaries().map((b) => b.text()));
    expect(texts).toEqual(['header+1', '2']);
  });

  it('never sends a frame over the limit: a big chunk goes as several frames that add up to it', async () => {
    const t = setup();
    t.publisher.start();
    const s = t.accept();
    const bytes = Buffer.alloc(ingestLimits.frameBytes * 2 + 1234);
    for (let i = 0; i < bytes.length; i++) bytes[i] = i % 251;
    t.recorders[0]!.emit(new Blob([bytes]));
    const frames = s.binaries();
    expect(frames.length).toBe(3);
    expect(frames.every((f) => f.size <= ingestLimits.frameBytes)).toBe(true);
    const joined = Buffer.from(await new Blob(frames).arrayBuffer());
    expect(joined.equals(bytes)).toBe(true);
  });

  it('pause and resume go to the recorder and to the server', () => {
    const t = setup();
    t.publisher.start();
    const s = t.accept();
    t.publisher.pause();
    expect(t.phase()).toBe('paused');
    t.publisher.resume();
    expect(t.phase()).toBe('live');
    expect(t.recorders[0]!.calls).toEqual(['start', 'pause', 'resume']);
    expect(s.controls().map((m) => m.type)).toEqual(['start', 'pause', 'resume']);
  });

  it('stop sends the last chunk, then stop, and ends once the server closes with "stopped"', async () => {
    const t = setup();
    t.publisher.start();
    const s = t.accept();
    let done = false;
    const stopping = t.publisher.stop().then(() => (done = true));
    expect(t.phase()).toBe('stopping');
    // the tail went out before the stop message
    expect(s.sent.map((x) => (typeof x === 'string' ? JSON.parse(x).type : 'bytes'))).toEqual(['start', 'bytes', 'stop']);
    expect(await (s.sent[1] as Blob).text()).toBe('tail');
    await Promise.resolve();
    expect(done).toBe(false);
    s.drop(ingestCloseCodes.stopped);
    await stopping;
    expect(t.phase()).toBe('stopped');
    // a stopped broadcast does not come back by itself
    await vi.advanceTimersByTimeAsync(10_000);
    expect(t.sockets).toHaveLength(1);
  });
});

describe('drops and reconnects', () => {
  it('a drop reconnects with backoff and a NEW recorder; the old recorder sends nothing more', async () => {
    const t = setup();
    t.publisher.start();
    const first = t.accept();
    const oldRecorder = t.recorders[0]!;
    first.drop(1006);
    expect(t.phase()).toBe('reconnecting');
    expect(oldRecorder.state).toBe('inactive');
    expect(t.sockets).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(reconnectDelayMs(0, () => 0.5));
    expect(t.sockets).toHaveLength(2);
    const second = t.sockets[1]!;
    second.open();
    expect(second.controls()).toEqual([{ type: 'start', mimeType: 'video/webm;codecs=h264,opus', takeover: false }]);
    second.say({ type: 'ready', status: status() });
    expect(t.phase()).toBe('live');
    expect(t.recorders).toHaveLength(2);
    expect(t.recorders[1]).not.toBe(oldRecorder);
    oldRecorder.emit(new Blob(['late']));
    t.recorders[1]!.emit(new Blob(['fresh header']));
    expect(await Promise.all(second.binaries().map((b) => b.text()))).toEqual(['fresh header']);
  });

  it('keeps a pause across a reconnect', () => {
    const t = setup();
    t.publisher.start();
    t.accept();
    t.publisher.pause();
    t.sockets[0]!.drop(1006);
    vi.advanceTimersByTime(1_000);
    const s = t.accept();
    expect(t.phase()).toBe('paused');
    expect(t.recorders[1]!.state).toBe('paused');
    expect(s.controls().map((m) => m.type)).toEqual(['start', 'pause']);
  });

  it('gives up after the reconnect window, and when the room says the stream ended', async () => {
    const t = setup();
    t.publisher.start();
    t.accept();
    t.sockets[0]!.drop(1006);
    // the server refuses nothing, it is just unreachable: every attempt drops
    for (let i = 0; i < 100 && t.phase() === 'reconnecting'; i++) {
      await vi.advanceTimersByTimeAsync(3_600);
      t.sockets.at(-1)!.drop(1006);
    }
    expect(t.phase()).toBe('failed');
    expect(t.publisher.current.error?.code).toBe('interrupted');
    expect(Date.now()).toBeGreaterThan(DEFAULT_RECONNECT_MS);

    const u = setup();
    u.publisher.start();
    u.accept();
    u.sockets[0]!.drop(1006);
    u.publisher.streamStatus(status({ state: 'ended', reason: 'interrupted' }));
    expect(u.phase()).toBe('failed');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(u.sockets).toHaveLength(1);
  });

  it('the first connection gets a few tries, then says it could not reach the server', async () => {
    const t = setup();
    t.publisher.start();
    t.sockets[0]!.drop(1006);
    await vi.advanceTimersByTimeAsync(5_000);
    t.sockets[1]!.drop(1006);
    await vi.advanceTimersByTimeAsync(5_000);
    t.sockets[2]!.drop(1006);
    expect(t.phase()).toBe('failed');
    expect(t.publisher.current.error?.code).toBe('network_error');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(t.sockets).toHaveLength(3);
  });

  it('a new video source while live: the old socket closes first, then a new one with a new recorder', async () => {
    const t = setup();
    t.publisher.start();
    const first = t.accept();
    t.streams.push({ id: 'screen' } as unknown as MediaStream);
    t.publisher.renew();
    expect(t.phase()).toBe('switching');
    expect(first.closedWith).toBe(1000);
    expect(t.sockets).toHaveLength(1);
    await Promise.resolve(); // the close arrives
    expect(t.sockets).toHaveLength(2);
    t.accept();
    expect(t.phase()).toBe('live');
    expect(t.recorders[1]!.stream).toBe(t.streams[1]);
  });

  it('busy just after a drop is our own old connection: tried again until the server lets go; later busy is final', async () => {
    const t = setup();
    t.publisher.start();
    t.accept();
    t.sockets[0]!.drop(1006);
    await vi.advanceTimersByTimeAsync(1_000);
    const busy = (s: FakeSocket) => {
      s.open();
      s.say({ type: 'error', error: { code: 'stream_busy', message: 'Sam is broadcasting right now.' } });
      s.drop(ingestCloseCodes.busy);
    };
    busy(t.sockets[1]!);
    expect(t.phase()).toBe('reconnecting');
    await vi.advanceTimersByTimeAsync(3_600);
    t.accept();
    expect(t.phase()).toBe('live');

    // taken over while live: final, with its own message
    t.sockets[2]!.say({ type: 'error', error: { code: 'stream_busy', message: 'The event owner took over the broadcast.' } });
    t.sockets[2]!.drop(ingestCloseCodes.busy);
    expect(t.phase()).toBe('failed');
    expect(t.publisher.current.error?.message).toMatch(/took over/);

    // busy on every attempt for longer than the grace: someone else is live
    const u = setup();
    u.publisher.start();
    u.accept();
    u.sockets[0]!.drop(1006);
    for (let i = 0; i < 20 && u.phase() === 'reconnecting'; i++) {
      await vi.advanceTimersByTimeAsync(3_600);
      busy(u.sockets.at(-1)!);
    }
    expect(u.phase()).toBe('failed');
    expect(u.publisher.current.error?.message).toBe('Someone else is broadcasting in this event right now.');
  });

  it('stop while reconnecting connects only to say stop, and records nothing', async () => {
    const t = setup();
    t.publisher.start();
    t.accept();
    t.sockets[0]!.drop(1006);
    const stopping = t.publisher.stop();
    expect(t.phase()).toBe('stopping');
    expect(t.sockets).toHaveLength(2);
    const s = t.accept();
    expect(s.controls().map((m) => m.type)).toEqual(['start', 'stop']);
    expect(t.recorders).toHaveLength(1);
    s.drop(ingestCloseCodes.stopped);
    await stopping;
    expect(t.phase()).toBe('stopped');
  });
});

describe('refusals', () => {
  const refuse = (t: ReturnType<typeof setup>, code: string, close: number, details?: unknown) => {
    const s = t.sockets.at(-1)!;
    s.open();
    s.say({ type: 'error', error: { code, message: 'server words', details } });
    s.drop(close);
  };

  it('stream_busy offers owners a take over, which sends start with takeover', () => {
    const speaker = setup();
    speaker.publisher.start();
    refuse(speaker, 'stream_busy', ingestCloseCodes.busy);
    expect(speaker.phase()).toBe('failed');
    expect(speaker.publisher.current.error).toMatchObject({ code: 'stream_busy', canTakeOver: false });

    const owner = setup({ isOwner: true });
    owner.publisher.start();
    refuse(owner, 'stream_busy', ingestCloseCodes.busy);
    expect(owner.publisher.current.error).toMatchObject({ code: 'stream_busy', canTakeOver: true });
    owner.publisher.start({ takeover: true });
    owner.sockets.at(-1)!.open();
    expect(owner.sockets.at(-1)!.controls()).toEqual([{ type: 'start', mimeType: 'video/webm;codecs=h264,opus', takeover: true }]);
  });

  it('storage full while live stops with the message the issue asks for, and does not reconnect', async () => {
    const t = setup();
    t.publisher.start();
    const s = t.accept();
    s.say({ type: 'error', error: { code: 'storage_full', message: 'x' } });
    s.drop(ingestCloseCodes.storage_full);
    expect(t.phase()).toBe('failed');
    expect(t.publisher.current.error?.message).toBe('Storage is full: the broadcast stopped; what was recorded so far is kept.');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(t.sockets).toHaveLength(1);
  });

  it('each refusal has its own message, by code; a close code alone is enough', () => {
    const ctx = { isOwner: false, wasLive: false };
    const codes = ['event_not_started', 'event_ended', 'live_capacity', 'storage_full', 'stream_unreadable', 'forbidden', 'unauthenticated', 'network_error', 'interrupted'];
    const messages = codes.map((code) => describeIngestError({ code, message: 'server words' }, ctx).message);
    expect(new Set(messages).size).toBe(codes.length);
    expect(messages).not.toContain('server words');
    expect(describeIngestError({ code: 'something_new', message: 'server words' }, ctx).message).toBe('server words');
    expect(describeIngestError({ code: 'event_not_started', details: { enterAt: '2026-12-01T15:00:00Z' } }, ctx).message).toMatch(/go live from \d/);

    const t = setup();
    t.publisher.start();
    t.sockets[0]!.open();
    t.sockets[0]!.drop(ingestCloseCodes.capacity);
    expect(t.publisher.current.error?.code).toBe('live_capacity');
  });
});
