import type { Logger } from 'pino';
import type { RoomStream, ServerMessage } from '../../contracts/live.js';
import type { LiveEvent } from '../db/schema-live.js';
import { effectiveEnd, effectiveStart, roomEntry } from '../domain/event-phase.js';
import { AppError } from '../errors.js';
import { scheduleOf } from '../services/live-event.service.js';
import type { RoomBusMessage } from '../services/room-bus.js';
import type { RoomService } from '../services/room.service.js';
import type { RoomConnection } from './room-connection.js';
import { iso } from '../domain/time.js';
import { framedText, type Framed } from './frames.js';

/** How many recent events per stream stay in memory to fill small gaps without the database. */
const RING = 1024;
/** How many stored events a catch-up reads at a time. */
const CATCH_UP_PAGE = 500;

interface StreamState {
  /** Highest sequence processed here; -1 until known. Every attached connection's cursor is ≥ head. */
  head: number;
  /** Recent events, serialized and framed once for every socket. */
  ring: Map<number, Framed>;
}

export interface LocalRoomOptions {
  room: RoomService;
  logger: Logger;
  clock: () => number;
  /** This server process, as named in presence messages. */
  processId: string;
  /** Publishes this process's head count to the other processes. */
  publishPresence: (m: RoomBusMessage & { t: 'presence' }) => void;
  /** Another process's count is forgotten when not repeated for this long (it crashed). */
  presenceTtlMs: number;
  /** Attendee counts are recomputed at most this often; the own count is repeated every 5 such periods. */
  attendeesEveryMs: number;
}

/**
 * One room as seen by one server process: its local sockets, fan-out in sequence order, the
 * attendee count and the phase clock. Work is serialized through one queue, so events, joins and
 * phase changes never interleave.
 */
export class LocalRoom {
  readonly conns = new Set<RoomConnection>();
  /** Connections being prepared (subscribed, reading their snapshot), so the room is not disposed under them. */
  pending = 0;
  event?: LiveEvent;
  /**
   * Counts access announcements for this room heard here (and catch-ups after an outage): a joiner
   * whose admission began after the room was listening, with no change heard since, needs no second
   * access check once attached.
   */
  accessEpoch = 0;
  unsubscribe: Array<() => Promise<void>> = [];
  private readonly streams: Record<RoomStream, StreamState> = { public: { head: -1, ring: new Map() }, staff: { head: -1, ring: new Map() } };
  private queue: Promise<void> = Promise.resolve();
  private attendees = -1;
  /** People with a socket here (participant id → sockets), and the last count other processes told. */
  private readonly here = new Map<string, number>();
  private readonly elsewhere = new Map<string, { count: number; at: number }>();
  private told = -1;
  private countTimer?: NodeJS.Timeout;
  private countInterval?: NodeJS.Timeout;
  private phaseTimer?: NodeJS.Timeout;
  private readonly phaseKeys = new Map<string, string>();

  constructor(
    readonly id: string,
    private readonly opts: LocalRoomOptions,
  ) {
    this.countInterval = setInterval(() => {
      this.told = -1;
      this.scheduleCount();
    }, opts.attendeesEveryMs * 5);
    this.countInterval.unref();
  }

  /** Runs after everything queued before it; errors are logged, never break the queue. */
  run(job: () => Promise<void> | void): Promise<void> {
    const next = this.queue.then(job).catch((err) => this.opts.logger.error({ err, roomId: this.id }, 'room job failed'));
    this.queue = next;
    return next;
  }

  private hasAudience(stream: RoomStream): boolean {
    for (const c of this.conns) if (c.attached && c.cursors[stream] !== undefined) return true;
    return false;
  }

  private remember(stream: RoomStream, seq: number, json: Framed): void {
    const ring = this.streams[stream].ring;
    ring.set(seq, json);
    if (ring.size > RING) ring.delete(ring.keys().next().value!);
  }

  private serialize(e: { stream: RoomStream; seq: number; at: number; event: unknown }): Framed {
    return framedText(JSON.stringify({ type: 'event', stream: e.stream, seq: e.seq, at: iso(e.at), event: e.event }));
  }

  /** Events after..until (both known to be committed), from memory where possible. */
  private async range(stream: RoomStream, after: number, until: number): Promise<Array<{ seq: number; json: Framed }>> {
    const ring = this.streams[stream].ring;
    const out: Array<{ seq: number; json: Framed }> = [];
    let missing = false;
    for (let s = after + 1; s <= until; s++) {
      const json = ring.get(s);
      if (!json) {
        missing = true;
        break;
      }
      out.push({ seq: s, json });
    }
    if (!missing) return out;
    const rows = await this.opts.room.eventsAfter(this.id, stream, after, { untilSeq: until, limit: until - after });
    return rows.map((r) => {
      const json = this.serialize(r);
      this.remember(stream, r.seq, json);
      return { seq: r.seq, json };
    });
  }

  /** Sends to every attached socket of the stream's audience that does not have it yet. */
  private deliver(to: Iterable<RoomConnection>, stream: RoomStream, seq: number, json: Framed): void {
    for (const c of to) {
      const cursor = c.cursors[stream];
      if (c.attached && cursor !== undefined && cursor < seq) {
        c.sendFramed(json);
        c.cursors[stream] = seq;
      }
    }
  }

  /** A stored event from the bus: delivered exactly once, in sequence, filling any gap from the database first. */
  onEvent(e: { stream: RoomStream; seq: number; at: number; event: unknown }): Promise<void> {
    return this.run(async () => {
      const st = this.streams[e.stream];
      if (e.seq <= st.head) return;
      const json = this.serialize(e);
      this.remember(e.stream, e.seq, json);
      if (st.head >= 0 && e.seq > st.head + 1 && this.hasAudience(e.stream)) {
        for (const x of await this.range(e.stream, st.head, e.seq - 1)) this.deliver(this.conns, e.stream, x.seq, x.json);
      }
      this.deliver(this.conns, e.stream, e.seq, json);
      st.head = e.seq;
    });
  }

  /**
   * Catches up with the database without waiting for the room's next event: events other processes
   * stored while the bus could not reach them never arrived here (a quiet room would stay behind).
   */
  catchUp(): Promise<void> {
    return this.run(async () => {
      const heads = await this.opts.room.heads(this.id);
      for (const stream of ['public', 'staff'] as const) {
        const st = this.streams[stream];
        const head = heads[stream];
        if (st.head < 0 || head <= st.head) continue;
        if (this.hasAudience(stream)) {
          for (let from = st.head; from < head; ) {
            const until = Math.min(head, from + CATCH_UP_PAGE);
            for (const x of await this.range(stream, from, until)) this.deliver(this.conns, stream, x.seq, x.json);
            from = until;
          }
        }
        st.head = head;
      }
    });
  }

  /** Tells the other processes this process's head count again (they may have forgotten it during an outage). */
  repeatPresence(): void {
    this.told = -1;
    this.scheduleCount();
  }

  /**
   * Starts live delivery to a connection whose snapshot or replay ended at `from`.
   * The bus was subscribed before that read, so anything newer arrives by the bus or is in `range`.
   */
  attach(conn: RoomConnection, from: { public: number; staff?: number }, after: () => void): Promise<void> {
    return this.run(async () => {
      if (conn.closed) return;
      conn.attached = true;
      for (const stream of ['public', 'staff'] as const) {
        const start = from[stream];
        if (start === undefined) {
          if (stream === 'staff') conn.cursors.staff = undefined;
          continue;
        }
        const st = this.streams[stream];
        conn.cursors[stream] = start;
        if (st.head < 0) st.head = start;
        if (st.head > start) for (const x of await this.range(stream, start, st.head)) this.deliver([conn], stream, x.seq, x.json);
      }
      if (!this.conns.has(conn)) {
        this.conns.add(conn);
        const id = conn.actor?.participantId ?? `socket:${conn.id}`;
        this.here.set(id, (this.here.get(id) ?? 0) + 1);
      }
      if (this.attendees >= 0) conn.send({ type: 'attendees', count: this.attendees });
      after();
      this.scheduleCount();
    });
  }

  detach(conn: RoomConnection): void {
    conn.attached = false;
    if (this.conns.delete(conn)) {
      const id = conn.actor?.participantId ?? `socket:${conn.id}`;
      const left = (this.here.get(id) ?? 1) - 1;
      if (left > 0) this.here.set(id, left);
      else this.here.delete(id);
    }
    this.scheduleCount();
  }

  /** Whether this person has a socket in this room here. */
  hasParticipant(participantId: string): boolean {
    return this.here.has(participantId);
  }

  /** Another process's head count; a process we had not heard of hears ours at once. */
  onPresence(m: { process: string; count: number; at: number }): void {
    if (m.process === this.opts.processId) return;
    const known = this.elsewhere.has(m.process);
    // timed by our own clock: the sender's may be set differently
    if (m.count > 0) this.elsewhere.set(m.process, { count: m.count, at: this.opts.clock() });
    else this.elsewhere.delete(m.process);
    if (!known) this.told = -1;
    this.scheduleCount();
  }

  broadcast(message: ServerMessage): void {
    const json = framedText(JSON.stringify(message));
    for (const c of this.conns) if (c.attached) c.sendFramed(json);
  }

  /**
   * The attendee count: distinct people with a socket here, plus what the other processes last said
   * (a person connected to two processes counts twice). Throttled; broadcast only when it changes.
   */
  scheduleCount(): void {
    if (this.countTimer) return;
    this.countTimer = setTimeout(() => {
      this.countTimer = undefined;
      const now = this.opts.clock();
      if (this.here.size !== this.told) {
        this.told = this.here.size;
        this.opts.publishPresence({ t: 'presence', process: this.opts.processId, count: this.here.size, at: now });
      }
      let count = this.here.size;
      for (const [process, seen] of this.elsewhere) {
        if (seen.at < now - this.opts.presenceTtlMs) this.elsewhere.delete(process);
        else count += seen.count;
      }
      if (count === this.attendees || !this.conns.size) return;
      this.attendees = count;
      this.broadcast({ type: 'attendees', count });
    }, this.opts.attendeesEveryMs);
    this.countTimer.unref();
  }

  /**
   * Re-evaluates every connection against the event's schedule: tells each its phase when it changes,
   * and closes those who may no longer be here (the event ended). Re-arms the timer for the next boundary.
   */
  applyPhase(): void {
    const event = this.event;
    if (!event) return;
    const now = this.opts.clock();
    const schedule = scheduleOf(event);
    for (const c of this.conns) {
      if (!c.actor) continue;
      const entry = roomEntry(schedule, now, c.actor.role);
      if (!entry.canEnter) {
        c.send({ type: 'phase', phase: entry.phase, opensAt: iso(entry.opensAt), closesAt: iso(entry.closesAt), early: false });
        c.fail(entry.phase === 'ended' ? new AppError('event_ended') : new AppError('event_not_started'));
        continue;
      }
      const key = this.phaseKey(entry);
      if (c.phase !== key) {
        c.phase = key;
        c.send({ type: 'phase', phase: entry.phase, opensAt: iso(entry.opensAt), closesAt: iso(entry.closesAt), early: entry.early });
      }
    }
    this.armPhaseTimer(now);
  }

  private armPhaseTimer(now: number): void {
    clearTimeout(this.phaseTimer);
    const event = this.event;
    if (!event) return;
    const s = scheduleOf(event);
    const next = [effectiveStart(s), effectiveEnd(s)].filter((t) => t > now).sort((a, b) => a - b)[0];
    if (next === undefined) return;
    // setTimeout holds at most ~24.8 days; a longer wait simply re-arms
    const delay = Math.min(next - now, 2 ** 31 - 1);
    this.phaseTimer = setTimeout(() => void this.run(() => this.applyPhase()), delay);
    this.phaseTimer.unref();
  }

  /** One string per distinct phase instead of one per socket. */
  phaseKey(entry: { phase: string; early: boolean; opensAt: number; closesAt: number }): string {
    const key = `${entry.phase}:${entry.early}:${entry.opensAt}:${entry.closesAt}`;
    let interned = this.phaseKeys.get(key);
    if (!interned) {
      if (this.phaseKeys.size > 16) this.phaseKeys.clear();
      this.phaseKeys.set(key, (interned = key));
    }
    return interned;
  }

  /** Leaves the room: other processes stop counting our people at once. */
  dispose(): void {
    if (this.told > 0) this.opts.publishPresence({ t: 'presence', process: this.opts.processId, count: 0, at: this.opts.clock() });
    clearTimeout(this.countTimer);
    clearInterval(this.countInterval);
    clearTimeout(this.phaseTimer);
  }
}
