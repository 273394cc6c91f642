import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import type { Logger } from 'pino';
import type { LiveEndReason, LiveStreamStatusDto } from '../../../contracts/live-video.js';
import type { Bus } from '../../adapters/bus/bus.js';
import type { JobQueue } from '../../adapters/jobs/job-queue.js';
import { LOW_RENDITION_HEIGHT, PackagerRun, type PackagerExit, type PackagerSegment, type VideoMode } from '../../adapters/media/live-packager.js';
import { isStorageFull, type Storage, type Workspace } from '../../adapters/storage/storage.js';
import type { LiveSegmentRow, LiveStreamRow } from '../../db/schema-live.js';
import { roomEntry } from '../../domain/event-phase.js';
import { lowRenditionSegments, type LiveSegment } from '../../domain/live-playlist.js';
import { liveLowSegmentKey, liveSegmentKey, liveSegmentsPrefix } from '../../domain/storage-keys.js';
import { iso } from '../../domain/time.js';
import { statusOf } from '../../domain/live-status.js';
import { AppError } from '../../errors.js';
import type { LiveStreamRepository } from '../../repositories/live-stream.repository.js';
import type { DomainEvents } from '../domain-events.js';
import { scheduleOf, type LiveEventService } from '../live-event.service.js';
import { roomTopic, type RoomBusMessage } from '../room-bus.js';
import type { LivePublishing, PackagerInput, Publication, PublicationEnd, Publisher } from './publishing.js';

export const LIVE_RECORDING_JOB = 'live.recording';

export interface LiveStreamDeps {
  repo: LiveStreamRepository;
  liveEvents: LiveEventService;
  storage: Storage;
  bus: Bus;
  jobs: JobQueue;
  events: DomainEvents;
  ffmpegPath: string;
  clock: () => number;
  logger: Logger;
  reconnectWindowMs: number;
  maxSessions: number;
  /** LIVE_LOW_RENDITION: the 480p rendition beside a larger source (config.ts). Default off. */
  lowRendition?: 'auto' | 'on' | 'off';
  /** Cores for the `auto` rule (default: this machine's). */
  cores?: number;
  /** Makes the recording of an ended broadcast (the `live.recording` job). */
  recorder: { make(mediaId: string): Promise<void> };
}

/** A publisher that sent nothing for this long while its connection looks open is stale (an encoder reconnecting). */
const STALE_MS = 5_000;
/** A packaging process that has not beaten for this long is gone. */
const HEARTBEAT_MS = 2_000;
const PROCESS_GONE_MS = 10_000;
/** Segments kept in memory per stream for viewers (the playlist window and a little more). */
const CACHE_SEGMENTS = 12;
/** Packager restarts allowed within a minute before the broadcast is given up as failed. */
const MAX_RESTARTS_PER_MINUTE = 5;
/** Copied video whose segments come out longer than this has key frames too far apart: encode instead. */
const LONG_SEGMENT_SEC = 2.5;
/** The WebM (Matroska) Cluster element ID: what comes before the first one is the header a restarted ffmpeg needs again. */
const CLUSTER_ID = Buffer.from([0x1f, 0x43, 0xb6, 0x75]);
const HEADER_MAX = 256 * 1024;
/** Bytes waiting for ffmpeg (about a minute of a 2.5 Mbps webcast) before the broadcast is given up. */
const MAX_BACKLOG_BYTES = 24 * 1024 * 1024;
/** A packager that takes bytes but gives no segment for this long is stuck (a full disk, a wedged ffmpeg). */
const STUCK_MS = 12_000;
/** Below this much free disk under the workspace a stuck packager means storage is full. */
const MIN_FREE_BYTES = 4 * 1024 * 1024;
const STORAGE_FULL_END: PublicationEnd = { reason: 'storage_full', code: 'storage_full', message: 'Storage is full: the broadcast stopped; what was recorded so far is kept.' };
/** Ended broadcasts whose recording could not be made (storage full, a lost job) are tried again this often. */
const RECORDING_RETRY_MS = 60_000;
/** A recording job queued this long ago without a recording (and not being made) is taken as lost and queued again. */
const LOST_JOB_MS = 30 * 60_000;
/** An ended stream's segments stay this long after its recording is made (viewers behind live finish watching). */
const ENDED_SEGMENTS_KEPT_MS = 10 * 60_000;
/** The lower rendition's encoder this far behind (several seconds of segments) means the machine cannot afford it. */
const MAX_LOW_BACKLOG_BYTES = 4 * 1024 * 1024;

/**
 * LIVE_LOW_RENDITION's rule for one more broadcast's 480p rendition: `on` always, `off` never, `auto`
 * with two cores for each broadcast making one (this one included), four when the source is encoded too.
 */
export function lowRenditionAffordable(o: { setting: 'auto' | 'on' | 'off'; cores: number; others: number; mode: VideoMode }): boolean {
  if (o.setting !== 'auto') return o.setting === 'on';
  return o.cores >= (o.others + 1) * (o.mode === 'encode' ? 4 : 2);
}

/** Everything the delivery needs to write an event's live playlist. */
export interface LivePlaylistView {
  segments: LiveSegment[];
  discontinuitiesBefore: number;
  ended: boolean;
  /** The source's picture size, and the lower rendition's height once it has segments (else null). */
  video: { width: number; height: number } | null;
  lowHeight: number | null;
}

/**
 * Live streams: one per event, continued across publisher drops and packager restarts, packaged by
 * one ffmpeg at a time on the process the publisher is connected to, stored segment by segment, and
 * recorded (made into a library video) when it ends. See docs/live-video.md.
 */
export class LiveStreamService implements LivePublishing {
  readonly processId = randomUUID();
  private readonly local = new Map<string, StreamRuntime>();
  private readonly timers: NodeJS.Timeout[] = [];
  /** Playlists read from the database for streams packaged elsewhere, cached briefly. */
  private readonly remote = new Map<string, { at: number; view: Promise<LivePlaylistView> }>();
  private closed = false;

  constructor(private readonly deps: LiveStreamDeps) {
    deps.jobs.define<{ mediaId: string }>({ name: LIVE_RECORDING_JOB, maxAttempts: 5, run: (data) => deps.recorder.make(data.mediaId) });
    deps.events.on('media.deleted', async ({ media }) => {
      const rt = this.local.get(media.id);
      if (rt) await rt.abort({ reason: 'event_ended', code: 'media_deleted', message: 'This event was deleted.' });
      this.local.delete(media.id);
      // its segments went with the media's files
      await deps.repo.remove(media.id);
    });
  }

  /** Heartbeats and the sweep for ended events and abandoned streams. */
  start(): void {
    const beat = setInterval(() => void this.sweep().catch((err) => this.deps.logger.warn({ err }, 'live sweep failed')), HEARTBEAT_MS);
    beat.unref();
    this.timers.push(beat);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    // Publishers of this process reconnect elsewhere (or here after the restart) within the window.
    await Promise.all([...this.local.values()].map((rt) => rt.suspend()));
    this.local.clear();
  }

  /**
   * Whether a run of this stream gets the lower rendition (its source is taller than 480 lines):
   * LIVE_LOW_RENDITION `on`, or `auto` with two cores for each broadcast making one (four when the
   * source itself is encoded).
   */
  lowRenditionFor(rt: StreamRuntime, mode: VideoMode): boolean {
    let others = 0;
    for (const other of this.local.values()) if (other !== rt && other.makingLow) others++;
    return lowRenditionAffordable({ setting: this.deps.lowRendition ?? 'off', cores: this.deps.cores ?? availableParallelism(), others, mode });
  }

  get activeSessions(): number {
    let n = 0;
    for (const rt of this.local.values()) if (rt.packaging) n++;
    return n;
  }

  // ------------------------------------------------------------------ publishing

  async begin(mediaId: string, publisher: Publisher, input: PackagerInput): Promise<Publication> {
    if (this.closed) throw new AppError('live_capacity', { message: 'This server is shutting down; try again in a moment.' });
    const event = await this.deps.liveEvents.find(mediaId);
    if (!event) throw new AppError('not_found', { message: 'Live event not found.' });
    const wanted = publisher.source === 'webcast' ? 'webcast' : 'diy_live';
    if (event.kind !== wanted) {
      throw new AppError('forbidden', {
        message: event.kind === 'diy_live' ? 'This event takes its video from an encoder (RTMP), not from the browser.' : event.kind === 'webcast' ? 'This event is broadcast from the browser, not from an encoder.' : 'A simulive event plays its recording; nobody broadcasts.',
      });
    }
    const now = this.deps.clock();
    // Broadcasters are staff: they may start in the early-entry window, to test before viewers come in.
    const entry = roomEntry(scheduleOf(event), now, 'speaker');
    if (entry.phase === 'ended') throw new AppError('event_ended', { message: 'This event has ended; it cannot go live.', details: { phase: 'ended' } });
    if (!entry.canEnter) throw new AppError('event_not_started', { message: 'Broadcasting opens when the room opens for speakers.', details: { phase: entry.phase, enterAt: iso(entry.enterAt!) } });

    let rt = this.local.get(mediaId);
    // a runtime that is winding down (its stream ends, or goes back to waiting) answers once it is done
    if (rt?.winding) {
      await rt.winding;
      rt = this.local.get(mediaId);
    }
    if (!rt) {
      const row = await this.deps.repo.ensure(this.newRow(mediaId, now));
      if (row.state === 'ended') throw new AppError('event_ended', { message: 'The broadcast of this event has ended; it cannot go live again. Its recording is being made.', details: { phase: entry.phase } });
      const elsewhere = row.process_id !== null && row.process_id !== this.processId && row.heartbeat_at >= now - PROCESS_GONE_MS && row.state !== 'waiting';
      if (elsewhere) throw new AppError('stream_busy', { message: 'This event is being broadcast through another server right now.' });
      if (this.activeSessions >= this.deps.maxSessions) throw new AppError('live_capacity', { details: { maxSessions: this.deps.maxSessions } });
      if (!(await this.deps.repo.claim(mediaId, this.processId, now - PROCESS_GONE_MS, now))) throw new AppError('stream_busy');
      // created only after every await, so two publishers at once share one runtime
      rt = this.local.get(mediaId) ?? new StreamRuntime(this, this.deps, (await this.deps.repo.find(mediaId))!);
      this.local.set(mediaId, rt);
    } else if (!rt.packaging && this.activeSessions >= this.deps.maxSessions) {
      throw new AppError('live_capacity', { details: { maxSessions: this.deps.maxSessions } });
    }
    return rt.attach(publisher, input);
  }

  async status(mediaId: string): Promise<LiveStreamStatusDto> {
    const rt = this.local.get(mediaId);
    if (rt) return rt.status();
    return statusOf(await this.deps.repo.find(mediaId));
  }

  isStale(mediaId: string): boolean {
    return this.local.get(mediaId)?.isStale() ?? false;
  }

  private newRow(mediaId: string, now: number): LiveStreamRow {
    return {
      media_id: mediaId,
      state: 'waiting',
      end_reason: null,
      source: null,
      publisher_key: null,
      publisher_name: null,
      state_since: now,
      reconnect_until: null,
      next_msn: 0,
      runs: 0,
      process_id: null,
      heartbeat_at: now,
      first_segment_at: null,
      ended_at: null,
      recording_media_id: null,
      video_width: null,
      video_height: null,
      low_height: null,
      recording_claimed_until: null,
      recording_queued_at: null,
      created_at: now,
    };
  }

  // ------------------------------------------------------------------ for delivery

  /** Whether this process packages the stream (then its playlist and segments come from memory). */
  isLocal(mediaId: string): boolean {
    return this.local.has(mediaId);
  }

  /** The stream's tail for the playlist: from memory when packaged here, else from the database (cached briefly). */
  playlist(mediaId: string): Promise<LivePlaylistView> {
    const rt = this.local.get(mediaId);
    if (rt) return Promise.resolve(rt.playlistView());
    const now = this.deps.clock();
    const hit = this.remote.get(mediaId);
    if (hit && now - hit.at < 200) return hit.view;
    const view = this.readPlaylist(mediaId);
    this.remote.set(mediaId, { at: now, view });
    view.catch(() => this.remote.delete(mediaId));
    if (this.remote.size > 1000) this.remote.delete(this.remote.keys().next().value!);
    return view;
  }

  private async readPlaylist(mediaId: string): Promise<LivePlaylistView> {
    const [row, tail] = await Promise.all([this.deps.repo.find(mediaId), this.deps.repo.tail(mediaId, CACHE_SEGMENTS)]);
    const first = tail[0]?.msn ?? 0;
    return {
      segments: tail.map(toSegment),
      discontinuitiesBefore: tail.length ? await this.deps.repo.discontinuitiesBefore(mediaId, first) : 0,
      ended: !row || row.state === 'ended',
      video: row?.video_width && row.video_height ? { width: row.video_width, height: row.video_height } : null,
      lowHeight: row?.low_height ?? null,
    };
  }

  /**
   * Resolves when segment `msn` is listed (or the stream ended), or after `timeoutMs`: a blocking
   * playlist reload. `low`: in the lower rendition's playlist.
   */
  async waitFor(mediaId: string, msn: number, timeoutMs: number, low = false): Promise<void> {
    const rt = this.local.get(mediaId);
    if (rt) return rt.waitFor(msn, timeoutMs, low);
    // real time, not the (possibly test) clock: this is a wait
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      const view = await this.playlist(mediaId);
      if (view.ended || lastListed(view.segments, low, view.ended) >= msn) return;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** A segment's bytes from memory, or undefined (then delivery streams it from storage). */
  cachedSegment(mediaId: string, msn: number, low = false): Buffer | undefined {
    return this.local.get(mediaId)?.cached(msn, low);
  }

  // ------------------------------------------------------------------ upkeep

  /** @internal — runtimes tell the room and the other processes. */
  announce(mediaId: string, status: LiveStreamStatusDto): void {
    const message: RoomBusMessage = { t: 'stream', status };
    void this.deps.bus.publish(roomTopic(mediaId), message).catch((err) => this.deps.logger.warn({ err, mediaId }, 'could not announce a live stream status'));
  }

  /** @internal */
  forget(mediaId: string, rt: StreamRuntime): void {
    if (this.local.get(mediaId) === rt) this.local.delete(mediaId);
  }

  /** @internal */
  async enqueueRecording(mediaId: string): Promise<void> {
    await this.deps.jobs.enqueue(LIVE_RECORDING_JOB, { mediaId });
    await this.deps.repo.update(mediaId, { recording_queued_at: this.deps.clock() });
  }

  /** Ends local streams of ended events, keeps heartbeats, and ends streams whose process died and whose window passed. */
  private recordingsCheckedAt = 0;

  /**
   * Ended streams: a recording not made yet is tried again (for a day after the end; one that cannot be
   * made by then needs the admin, and the segments stay); once it is made, the segments go — not at
   * once: a viewer a few segments behind live plays the end out first.
   */
  async upkeepEnded(): Promise<void> {
    const now = this.deps.clock();
    for (const row of await this.deps.repo.endedWithoutRecording(now - 24 * 3600_000, now, now - LOST_JOB_MS)) await this.enqueueRecording(row.media_id);
    for (const mediaId of await this.deps.repo.recordedWithSegments(now - ENDED_SEGMENTS_KEPT_MS)) {
      await this.deps.repo.removeSegments(mediaId);
      await this.deps.storage.removePrefix(liveSegmentsPrefix(mediaId));
    }
  }

  async sweep(): Promise<void> {
    const now = this.deps.clock();
    if (Date.now() - this.recordingsCheckedAt > RECORDING_RETRY_MS) {
      this.recordingsCheckedAt = Date.now();
      await this.upkeepEnded();
    }
    for (const [mediaId, rt] of this.local) {
      const event = await this.deps.liveEvents.find(mediaId);
      const ended = !event || roomEntry(scheduleOf(event), now, 'speaker').phase === 'ended';
      if (ended) await rt.end('event_ended', { reason: 'event_ended', code: 'event_ended', message: 'The event has ended.' });
      else await rt.beat();
    }
    for (const row of await this.deps.repo.abandoned(now - PROCESS_GONE_MS)) {
      if (this.local.has(row.media_id)) continue;
      if (row.state === 'waiting') continue;
      const deadline = row.reconnect_until ?? row.heartbeat_at + this.deps.reconnectWindowMs;
      if (deadline > now) {
        if (row.state !== 'reconnecting') {
          await this.deps.repo.update(row.media_id, { state: 'reconnecting', state_since: now, reconnect_until: deadline });
          this.announce(row.media_id, statusOf({ ...row, state: 'reconnecting', state_since: now, reconnect_until: deadline }));
        }
        continue;
      }
      if (await this.deps.repo.markEnded(row.media_id, { end_reason: 'interrupted', ended_at: now, state_since: now, reconnect_until: null, process_id: null })) {
        this.announce(row.media_id, statusOf({ ...row, state: 'ended', end_reason: 'interrupted', state_since: now, reconnect_until: null }));
        if (row.first_segment_at !== null) await this.enqueueRecording(row.media_id);
      }
    }
  }
}

const toSegment = (r: LiveSegmentRow): LiveSegment => ({
  msn: r.msn,
  durationMs: r.duration_ms,
  discontinuity: r.discontinuity === 1,
  programDateTime: r.program_date_time,
  sizeBytes: r.size_bytes,
  lowSizeBytes: r.low_size_bytes,
});

/** The newest segment a playlist lists: the source's, or the lower rendition's. */
const lastListed = (segments: readonly LiveSegment[], low: boolean, ended: boolean): number => (low ? lowRenditionSegments(segments, ended) : segments).at(-1)?.msn ?? -1;

/** The lower rendition of one packager run: its own ffmpeg, fed the run's segments as they are stored. */
interface LowRendition {
  run: PackagerRun;
  /** The source run it follows. */
  of: PackagerRun;
  /** The source segments fed, in order: the lower rendition's segment k is fed[k]. */
  fed: Array<{ msn: number; durationSec: number }>;
  over: boolean;
}

/** One event's stream in the process that packages it. */
class StreamRuntime {
  private row: LiveStreamRow;
  private pub: PublicationImpl | undefined;
  private run: PackagerRun | undefined;
  private runNo: number;
  /** Segments stored per run: a run's first one after the stream's first is a discontinuity. */
  private readonly runSegments = new WeakMap<PackagerRun, number>();
  /** Runs replaced mid-stream (copy → encode): their last segments overlap the new run's and are dropped. */
  private readonly discarded = new WeakSet<PackagerRun>();
  private longSegments = 0;
  private workspace: Workspace | undefined;
  private input: PackagerInput | undefined;
  private header: Buffer | undefined;
  private headerScan: Buffer[] = [];
  /** A restarted pipe run: bytes are held back until the next Cluster begins. */
  private awaitCluster = false;
  private restarts: number[] = [];
  private tail: LiveSegment[] = [];
  private discontinuitiesBefore = 0;
  private cache = new Map<number, Buffer>();
  private lowCache = new Map<number, Buffer>();
  private low: LowRendition | undefined;
  /** Lower renditions still writing (a stopped one flushes its last segments). */
  private readonly lows = new Set<LowRendition>();
  /** The machine could not keep up with the lower rendition: none for the rest of this stream. */
  private lowOff = false;
  private waiters = new Set<{ msn: number; low: boolean; done: () => void }>();
  private reconnectTimer: NodeJS.Timeout | undefined;
  /** Segments are stored one after the other, in order. */
  private storing: Promise<void> = Promise.resolve();
  private ending: Promise<void> | undefined;

  constructor(
    private readonly service: LiveStreamService,
    private readonly deps: LiveStreamDeps,
    row: LiveStreamRow,
  ) {
    this.row = row;
    this.runNo = row.runs;
  }

  get mediaId(): string {
    return this.row.media_id;
  }

  /** Set while the stream ends (or goes back to waiting): a new publisher waits for it. */
  get winding(): Promise<void> | undefined {
    return this.ending;
  }

  /** Whether an ffmpeg runs (or is about to) for this stream: what counts against LIVE_MAX_SESSIONS. */
  get packaging(): boolean {
    return this.pub !== undefined || this.row.state === 'reconnecting' || this.row.state === 'paused';
  }

  status(): LiveStreamStatusDto {
    return statusOf(this.row);
  }

  isStale(): boolean {
    if (!this.pub || !this.run) return false;
    return this.deps.clock() - this.run.lastDataAt > STALE_MS;
  }

  playlistView(): LivePlaylistView {
    const r = this.row;
    return {
      segments: this.tail.map((s) => ({ ...s })),
      discontinuitiesBefore: this.discontinuitiesBefore,
      ended: r.state === 'ended',
      video: r.video_width && r.video_height ? { width: r.video_width, height: r.video_height } : null,
      lowHeight: r.low_height,
    };
  }

  cached(msn: number, low = false): Buffer | undefined {
    return (low ? this.lowCache : this.cache).get(msn);
  }

  /** Whether a lower rendition is being made now (what LIVE_LOW_RENDITION=auto counts). */
  get makingLow(): boolean {
    return this.low !== undefined && !this.low.over;
  }

  waitFor(msn: number, timeoutMs: number, low = false): Promise<void> {
    if (this.row.state === 'ended' || lastListed(this.tail, low, false) >= msn) return Promise.resolve();
    return new Promise((resolve) => {
      const w = {
        msn,
        low,
        done: () => {
          clearTimeout(t);
          this.waiters.delete(w);
          resolve();
        },
      };
      const t = setTimeout(w.done, timeoutMs);
      this.waiters.add(w);
    });
  }

  private wake(): void {
    const last = this.tail.at(-1)?.msn ?? -1;
    let lastLow: number | undefined;
    for (const w of this.waiters) {
      if (this.row.state === 'ended' || (!w.low && w.msn <= last)) w.done();
      else if (w.low && w.msn <= (lastLow ??= lastListed(this.tail, true, false))) w.done();
    }
  }

  private async setState(patch: Partial<LiveStreamRow>): Promise<void> {
    const now = this.deps.clock();
    const next = { ...this.row, ...patch, state_since: patch.state && patch.state !== this.row.state ? now : this.row.state_since, heartbeat_at: now };
    const changed = next.state !== this.row.state || next.publisher_name !== this.row.publisher_name || next.source !== this.row.source;
    this.row = next;
    // only what changed: the row's other columns belong to others too (the recording job's)
    await this.deps.repo.update(this.mediaId, { ...patch, state_since: next.state_since, heartbeat_at: now });
    if (changed) this.service.announce(this.mediaId, this.status());
    if (next.state === 'ended') this.wake();
  }

  async beat(): Promise<void> {
    await this.deps.repo.update(this.mediaId, { heartbeat_at: this.deps.clock(), process_id: this.service.processId });
    await this.watchdog();
  }

  private lastSegmentAt = Date.now();
  private bytesAtLastSegment = 0;

  /**
   * ffmpeg does not always exit when it cannot write (a full disk): a run that keeps taking bytes but
   * gives no segment is checked — storage full ends the broadcast (the recording so far is kept),
   * anything else restarts the packager.
   */
  private async watchdog(): Promise<void> {
    const run = this.run;
    const ws = this.workspace;
    if (!run || !ws || !this.pub || this.pub.paused || this.ending) return;
    if (Date.now() - this.lastSegmentAt < STUCK_MS || run.bytesIn <= this.bytesAtLastSegment) return;
    const free = await ws.freeBytes().catch(() => Number.POSITIVE_INFINITY);
    if (free < MIN_FREE_BYTES) {
      this.deps.logger.error({ mediaId: this.mediaId, freeBytes: free }, 'live broadcast stopped: media storage is full (the recording so far is kept)');
      await this.end('storage_full', STORAGE_FULL_END);
      return;
    }
    this.deps.logger.warn({ mediaId: this.mediaId }, 'live packager stuck (bytes in, no segment); restarting it');
    this.lastSegmentAt = Date.now();
    this.replaceRun(run.mode);
  }

  async attach(publisher: Publisher, input: PackagerInput): Promise<Publication> {
    if (this.ending || this.row.state === 'ended') throw new AppError('event_ended', { message: 'The broadcast of this event has ended; it cannot go live again.' });
    const current = this.pub;
    if (current) {
      const sameStale = current.publisher.personKey === publisher.personKey && this.isStale();
      if (!publisher.takeover && !sameStale) {
        throw new AppError('stream_busy', { message: current.publisher.name ? `${current.publisher.name} is broadcasting right now.` : undefined, details: { publisherName: current.publisher.name } });
      }
      await this.detach(current, sameStale ? undefined : { reason: 'taken_over', code: 'stream_busy', message: 'The event owner took over the broadcast.' });
    } else if (this.row.state === 'reconnecting' && this.row.publisher_key !== publisher.personKey && !publisher.takeover) {
      throw new AppError('stream_busy', {
        message: `${this.row.publisher_name ?? 'The publisher'}'s connection dropped; they may continue until ${new Date(this.row.reconnect_until ?? 0).toISOString()}. The event owner may take over.`,
        details: { publisherName: this.row.publisher_name, reconnectUntil: this.row.reconnect_until === null ? null : iso(this.row.reconnect_until) },
      });
    }
    clearTimeout(this.reconnectTimer);
    const pub = new PublicationImpl(this, publisher);
    this.pub = pub;
    this.input = input;
    this.awaitCluster = false;
    this.header = undefined;
    this.headerScan = [];
    this.restarts = [];
    const mode: VideoMode = input.kind === 'pipe' && input.videoCodec !== 'h264' ? 'encode' : 'copy';
    await this.setState({
      source: publisher.source,
      publisher_key: publisher.personKey,
      publisher_name: publisher.name,
      reconnect_until: null,
      process_id: this.service.processId,
      // the state turns live with the first segment of this run
      state: this.row.state === 'waiting' ? 'waiting' : 'reconnecting',
    });
    await this.startRun(mode);
    return pub;
  }

  private async startRun(mode: VideoMode): Promise<void> {
    this.runNo += 1;
    this.longSegments = 0;
    this.lastSegmentAt = Date.now();
    this.bytesAtLastSegment = 0;
    this.row = { ...this.row, runs: this.runNo };
    await this.deps.repo.update(this.mediaId, { runs: this.runNo });
    // one workspace per run and process: a dying process's cleanup never touches a new run's files
    this.workspace = await this.deps.storage.workspace(`live-${this.mediaId}-run-${this.runNo}-${this.service.processId.slice(0, 8)}`);
    const input = this.input!;
    const run = new PackagerRun({
      ffmpegPath: this.deps.ffmpegPath,
      workspace: this.workspace,
      input: input.kind === 'pipe' ? { kind: 'pipe' } : { kind: 'url', url: input.url },
      mode,
      logger: this.deps.logger,
      clock: this.deps.clock,
    });
    this.run = run;
    const runNo = this.runNo;
    const ws = this.workspace;
    run.on('segment', (s) => {
      this.storing = this.storing.then(() => this.onSegment(run, runNo, ws, s)).catch((err) => this.deps.logger.error({ err, mediaId: this.mediaId }, 'live segment lost'));
    });
    run.on('exit', (e) => {
      void this.storing.then(() => this.onExit(run, e, ws));
    });
    run.on('video', (v) => void this.onVideoSize(run, v).catch((err) => this.deps.logger.warn({ err, mediaId: this.mediaId }, 'live: lower rendition not started')));
    run.start();
    // a restarted pipe run needs the WebM header again; ffmpeg finds the next cluster by itself
    if (this.header && input.kind === 'pipe') {
      run.write(this.header);
      // and then the stream from the next Cluster on (a cluster starts at a key frame), not mid-cluster
      this.awaitCluster = true;
    }
  }

  write(pub: PublicationImpl, chunk: Buffer): boolean {
    if (pub !== this.pub || !this.run) return false;
    if (!this.header && this.input?.kind === 'pipe') this.scanHeader(chunk);
    if (this.awaitCluster) {
      const at = chunk.indexOf(CLUSTER_ID);
      if (at < 0) return true;
      this.awaitCluster = false;
      chunk = chunk.subarray(at);
    }
    if (this.run.backlog > MAX_BACKLOG_BYTES) {
      // the packager cannot keep up (an encode on a busy machine): stop rather than hold ever more in memory
      this.deps.logger.error({ mediaId: this.mediaId, backlog: this.run.backlog }, 'live packager cannot keep up; broadcast stopped');
      void this.end('failed', { reason: 'failed', code: 'live_capacity', message: 'This server cannot keep up with the broadcast (it is too busy encoding). The recording so far is kept.' });
      return false;
    }
    return this.run.write(chunk);
  }

  private scanHeader(chunk: Buffer): void {
    this.headerScan.push(chunk);
    const all = Buffer.concat(this.headerScan);
    const at = all.indexOf(CLUSTER_ID);
    if (at > 0) {
      this.header = all.subarray(0, at);
      this.headerScan = [];
    } else if (all.length > HEADER_MAX) {
      this.headerScan = [];
      this.header = Buffer.alloc(0);
    }
  }

  private async onSegment(run: PackagerRun, runNo: number, ws: Workspace, s: PackagerSegment): Promise<void> {
    if (this.discarded.has(run) || (this.row.state === 'ended' && run !== this.run)) return;
    const msn = this.row.next_msn;
    const ofRun = this.runSegments.get(run) ?? 0;
    const discontinuity = ofRun === 0 && msn > 0;
    this.runSegments.set(run, ofRun + 1);
    const durationMs = Math.max(1, Math.round(s.durationSec * 1000));
    const key = liveSegmentKey(this.mediaId, msn);
    try {
      // the finished file moves into storage (one rename on disk); its bytes stay in memory for viewers
      await this.deps.storage.putFile(key, ws, s.file);
    } catch (err) {
      if (isStorageFull(err)) {
        this.deps.logger.error({ mediaId: this.mediaId }, 'live broadcast stopped: media storage is full (the recording so far is kept)');
        void this.end('storage_full', STORAGE_FULL_END);
        return;
      }
      throw err;
    }
    const now = this.deps.clock();
    const segment: LiveSegment = { msn, durationMs, discontinuity, programDateTime: s.at - durationMs, sizeBytes: s.bytes.length, lowSizeBytes: null };
    await this.deps.repo.addSegment({ media_id: this.mediaId, msn, run: runNo, duration_ms: durationMs, discontinuity: discontinuity ? 1 : 0, program_date_time: segment.programDateTime, size_bytes: s.bytes.length, storage_key: key, low_size_bytes: null }, msn + 1, now);
    this.row = { ...this.row, next_msn: msn + 1, first_segment_at: this.row.first_segment_at ?? now, heartbeat_at: now };
    this.tail.push(segment);
    this.cache.set(msn, s.bytes);
    this.lastSegmentAt = Date.now();
    this.bytesAtLastSegment = run.bytesIn;
    while (this.tail.length > CACHE_SEGMENTS) {
      const gone = this.tail.shift()!;
      if (gone.discontinuity) this.discontinuitiesBefore++;
      this.cache.delete(gone.msn);
      this.lowCache.delete(gone.msn);
    }
    this.feedLow(run, msn, s);
    if (this.pub && !this.pub.paused && this.row.state !== 'live' && this.row.state !== 'ended') await this.setState({ state: 'live' });
    this.wake();
    // key frames too far apart for 1-second segments: package this publisher's video with x264 instead
    if (run === this.run && run.mode === 'copy' && this.pub) {
      this.longSegments = s.durationSec > LONG_SEGMENT_SEC ? this.longSegments + 1 : 0;
      if (this.longSegments >= 2) {
        this.deps.logger.info({ mediaId: this.mediaId, segmentSeconds: s.durationSec }, 'live: key frames too far apart to copy; encoding');
        this.replaceRun('encode');
      }
    }
  }

  // ---------------------------------------------------------------- the lower rendition

  /** The run's input size is known: note it, and start the lower rendition when the source is larger and the machine can afford it. */
  private async onVideoSize(run: PackagerRun, v: { width: number; height: number }): Promise<void> {
    if (run !== this.run || this.ending) return;
    if (this.row.video_width !== v.width || this.row.video_height !== v.height) {
      this.row = { ...this.row, video_width: v.width, video_height: v.height };
      await this.deps.repo.update(this.mediaId, { video_width: v.width, video_height: v.height });
    }
    if (v.height <= LOW_RENDITION_HEIGHT || this.lowOff || !this.service.lowRenditionFor(this, run.mode)) return;
    this.stopLow();
    const ws = await this.deps.storage.workspace(`live-${this.mediaId}-run-${this.runNo}-lo-${this.service.processId.slice(0, 8)}`);
    if (run !== this.run || this.ending) {
      await ws.dispose();
      return;
    }
    const lowRun = new PackagerRun({ ffmpegPath: this.deps.ffmpegPath, workspace: ws, input: { kind: 'pipe' }, mode: 'encode', logger: this.deps.logger, clock: this.deps.clock, low: true });
    const low: LowRendition = { run: lowRun, of: run, fed: [], over: false };
    this.low = low;
    this.lows.add(low);
    lowRun.on('segment', (seg) => {
      this.storing = this.storing.then(() => this.onLowSegment(low, ws, seg)).catch((err) => this.deps.logger.warn({ err, mediaId: this.mediaId }, 'live: a lower-rendition segment lost'));
    });
    lowRun.on('exit', (e) => {
      low.over = true;
      this.lows.delete(low);
      // after its last segments are moved out
      void this.storing.then(() => ws.dispose()).catch(() => undefined);
      if (!e.killed && e.code !== 0) this.deps.logger.warn({ mediaId: this.mediaId, code: e.code, stderr: e.stderr }, 'live: the lower rendition stopped');
    });
    lowRun.start();
    this.deps.logger.info({ mediaId: this.mediaId, source: `${v.width}x${v.height}` }, 'live: making a 480p rendition');
  }

  /** A stored source segment goes to the lower rendition of its run. */
  private feedLow(run: PackagerRun, msn: number, s: PackagerSegment): void {
    const low = this.low;
    if (!low || low.over || low.of !== run) return;
    low.fed.push({ msn, durationSec: s.durationSec });
    low.run.write(s.bytes);
    if (low.run.backlog > MAX_LOW_BACKLOG_BYTES) {
      // the encoder falls behind: this machine cannot afford it now; the source goes on alone
      this.deps.logger.warn({ mediaId: this.mediaId, backlog: low.run.backlog }, 'live: the lower rendition cannot keep up; stopped for this broadcast');
      this.lowOff = true;
      this.stopLow(true);
    }
  }

  private async onLowSegment(low: LowRendition, ws: Workspace, s: PackagerSegment): Promise<void> {
    const fed = low.fed[s.index];
    if (!fed || this.row.state === 'ended') return;
    if (Math.abs(fed.durationSec - s.durationSec) > 0.25) {
      // cut elsewhere than the source (should not happen: key frames are copied): not the same segment
      this.deps.logger.warn({ mediaId: this.mediaId, msn: fed.msn, source: fed.durationSec, low: s.durationSec }, 'live: a lower-rendition segment does not match its source; dropped');
      return;
    }
    try {
      await this.deps.storage.putFile(liveLowSegmentKey(this.mediaId, fed.msn), ws, s.file);
    } catch (err) {
      if (isStorageFull(err)) return; // the source segment decides what storage full does
      throw err;
    }
    await this.deps.repo.setLowSegment(this.mediaId, fed.msn, s.bytes.length);
    if (this.row.low_height === null) {
      this.row = { ...this.row, low_height: LOW_RENDITION_HEIGHT };
      await this.deps.repo.update(this.mediaId, { low_height: LOW_RENDITION_HEIGHT });
    }
    const seg = this.tail.find((x) => x.msn === fed.msn);
    if (seg) {
      seg.lowSizeBytes = s.bytes.length;
      this.lowCache.set(fed.msn, s.bytes);
    }
    this.wake();
  }

  /** Ends the lower rendition: it writes its last segments (or, `now`, is killed). */
  private stopLow(now = false): void {
    const low = this.low;
    if (!low) return;
    this.low = undefined;
    if (low.over) return;
    if (now) low.run.kill();
    else low.run.endInput();
  }

  /** Resolves once the lower renditions have written their last segments (a few seconds at most). */
  private async lowsFinished(): Promise<void> {
    await Promise.all(
      [...this.lows].map(async (low) => {
        const t = setTimeout(() => low.run.kill(), 3000);
        await low.run.finished;
        clearTimeout(t);
      }),
    );
  }

  private replaceRun(mode: VideoMode): void {
    const old = this.run;
    this.run = undefined;
    if (old) {
      this.discarded.add(old);
      old.kill();
    }
    this.stopLow(true);
    void this.startRun(mode).catch((err) => this.deps.logger.error({ err, mediaId: this.mediaId }, 'live packager did not restart'));
  }

  private async onExit(run: PackagerRun, e: PackagerExit, ws: Workspace): Promise<void> {
    await ws.dispose().catch(() => undefined);
    if (this.low?.of === run) this.stopLow();
    if (run !== this.run) return;
    this.run = undefined;
    const pub = this.pub;
    if (!pub || this.ending) return;
    if (e.noSpace) {
      this.deps.logger.error({ mediaId: this.mediaId }, 'live broadcast stopped: media storage is full (the recording so far is kept)');
      await this.end('storage_full', STORAGE_FULL_END);
      return;
    }
    if (e.unreadable) {
      this.deps.logger.warn({ mediaId: this.mediaId, stderr: e.stderr }, 'live ingest unreadable');
      await this.detach(pub, { reason: 'failed', code: 'stream_unreadable', message: 'The broadcast data could not be read. Check the encoder settings (H.264 or VP8/VP9 video, AAC or Opus audio) and start again.' });
      return;
    }
    // ffmpeg died while the publisher is still there: start it again; viewers see "reconnecting"
    const now = this.deps.clock();
    this.restarts = this.restarts.filter((t) => t > now - 60_000);
    this.restarts.push(now);
    this.deps.logger.warn({ mediaId: this.mediaId, code: e.code, signal: e.signal, stderr: e.stderr }, 'live packager exited; restarting');
    if (this.restarts.length > MAX_RESTARTS_PER_MINUTE) {
      await this.end('failed', { reason: 'failed', code: 'internal_error', message: 'The broadcast could not be packaged and was stopped. The recording so far is kept.' });
      return;
    }
    if (this.row.state === 'live') await this.setState({ state: 'reconnecting', reconnect_until: null });
    await this.startRun(run.mode);
  }

  /** The publisher goes away (drop, takeover, unreadable): the stream waits for a reconnect. */
  private async detach(pub: PublicationImpl, end?: PublicationEnd): Promise<void> {
    if (this.pub !== pub) return;
    this.pub = undefined;
    const run = this.run;
    this.run = undefined;
    run?.endInput();
    if (end) pub.ended(end);
    if (this.ending || this.row.state === 'ended') return;
    if (this.row.first_segment_at === null) {
      // nothing broadcast yet: no window to hold, the event simply waits for a publisher
      this.ending = this.finish('interrupted');
      return;
    }
    const until = this.deps.clock() + this.deps.reconnectWindowMs;
    await this.setState({ state: 'reconnecting', reconnect_until: until });
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => {
      if (!this.pub) void this.end('interrupted');
    }, this.deps.reconnectWindowMs);
    this.reconnectTimer.unref?.();
  }

  drop(pub: PublicationImpl): void {
    void this.detach(pub).catch((err) => this.deps.logger.warn({ err, mediaId: this.mediaId }, 'live drop failed'));
  }

  async pause(pub: PublicationImpl, paused: boolean): Promise<void> {
    if (pub !== this.pub || this.row.state === 'ended') return;
    if (paused) await this.setState({ state: 'paused' });
    else if (this.row.state === 'paused') await this.setState({ state: this.row.first_segment_at === null ? 'waiting' : 'live' });
  }

  stop(pub: PublicationImpl): Promise<void> {
    if (pub !== this.pub) return Promise.resolve();
    return this.end('stopped');
  }

  /** Ends the broadcast for the event: the last segment is packaged, the playlist ends, the recording is made. */
  end(reason: LiveEndReason, notice?: PublicationEnd): Promise<void> {
    this.ending ??= this.finish(reason, notice);
    return this.ending;
  }

  private async finish(reason: LiveEndReason, notice?: PublicationEnd): Promise<void> {
    clearTimeout(this.reconnectTimer);
    const pub = this.pub;
    this.pub = undefined;
    const run = this.run;
    if (run) {
      // let ffmpeg flush its last segment (it is short), then stop it
      const exited = new Promise<void>((r) => run.once('exit', () => r()));
      run.endInput();
      const t = setTimeout(() => run.kill(), 3000);
      await exited;
      clearTimeout(t);
      await this.storing;
    }
    this.run = undefined;
    // the lower rendition's last segments, so its ended playlist is whole
    this.stopLow();
    await this.lowsFinished();
    await this.storing;
    if (pub && notice) pub.ended(notice);
    const now = this.deps.clock();
    if (this.row.first_segment_at === null && reason !== 'event_ended') {
      // nothing was ever broadcast (a failed start, a stop before the first segment): nothing ends,
      // the event may still go live
      await this.setState({ state: 'waiting', source: null, publisher_key: null, publisher_name: null, reconnect_until: null, process_id: null });
      this.wake();
      this.service.forget(this.mediaId, this);
      return;
    }
    const first = await this.deps.repo.markEnded(this.mediaId, { end_reason: reason, ended_at: now, state_since: now, reconnect_until: null, heartbeat_at: now });
    this.row = { ...this.row, state: 'ended', end_reason: reason, ended_at: now, state_since: now, reconnect_until: null };
    this.wake();
    this.service.announce(this.mediaId, this.status());
    if (first && this.row.first_segment_at !== null) await this.service.enqueueRecording(this.mediaId);
    // the ended playlist stays servable from the database; memory is freed
    this.service.forget(this.mediaId, this);
  }

  /** The event or its media is gone: stop without a recording. */
  async abort(end: PublicationEnd): Promise<void> {
    clearTimeout(this.reconnectTimer);
    this.ending ??= Promise.resolve();
    this.pub?.ended(end);
    this.pub = undefined;
    this.run?.kill();
    this.stopLow(true);
    this.row = { ...this.row, state: 'ended', end_reason: 'event_ended' };
    this.wake();
  }

  /** This process stops (shutdown): ffmpeg stops, the stream waits for its publisher to come back. */
  async suspend(): Promise<void> {
    clearTimeout(this.reconnectTimer);
    const pub = this.pub;
    this.pub = undefined;
    const run = this.run;
    if (run) {
      // ffmpeg stops now. The segments it had finished are stored before the stream is let go: the
      // process that takes over numbers its segments after them (else both would store the same number).
      run.kill();
      this.stopLow(true);
      await Promise.race([run.finished, new Promise((r) => setTimeout(r, 5000).unref())]);
      await this.storing;
    }
    if (pub) pub.ended({ reason: 'interrupted', code: 'internal_error', message: 'The server is restarting; reconnect to continue the broadcast.' });
    if (this.row.state !== 'ended' && this.row.state !== 'waiting') {
      const until = this.deps.clock() + this.deps.reconnectWindowMs;
      this.row = { ...this.row, state: 'reconnecting', reconnect_until: until, process_id: null };
      await this.deps.repo.update(this.mediaId, { state: 'reconnecting', reconnect_until: until, process_id: null, state_since: this.deps.clock() }).catch(() => undefined);
      this.service.announce(this.mediaId, this.status());
    }
  }
}

class PublicationImpl implements Publication {
  paused = false;
  private over = false;
  private listeners: Array<(end: PublicationEnd) => void> = [];

  constructor(
    private readonly rt: StreamRuntime,
    readonly publisher: Publisher,
  ) {}

  get mediaId(): string {
    return this.rt.mediaId;
  }

  write(chunk: Buffer): boolean {
    if (this.over) return false;
    return this.rt.write(this, chunk);
  }

  pause(): void {
    this.paused = true;
    void this.rt.pause(this, true);
  }

  resume(): void {
    this.paused = false;
    void this.rt.pause(this, false);
  }

  async stop(): Promise<void> {
    if (this.over) return;
    this.over = true;
    await this.rt.stop(this);
  }

  drop(): void {
    if (this.over) return;
    this.over = true;
    this.rt.drop(this);
  }

  onEnd(listener: (end: PublicationEnd) => void): void {
    this.listeners.push(listener);
  }

  /** @internal */
  ended(end: PublicationEnd): void {
    this.over = true;
    for (const l of this.listeners.splice(0)) l(end);
  }
}
