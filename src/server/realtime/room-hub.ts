import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { ServerMessage } from '../../contracts/live.js';
import { accessTopic, type AccessChanged, type Bus, type BusState } from '../adapters/bus/bus.js';
import { iso } from '../domain/time.js';
import type { LiveEventService } from '../services/live-event.service.js';
import { roomsResyncTopic, roomTopic, type RoomBusMessage, type RoomsResync } from '../services/room-bus.js';
import type { RoomService } from '../services/room.service.js';
import { LocalRoom } from './local-room.js';
import type { RoomConnection } from './room-connection.js';

/** What the hub asks of the connection protocol when the world changes under a connection. */
export interface ConnectionHooks {
  /** Access may have changed: check again now, apply a new role, or close. */
  recheck(conn: RoomConnection, reason?: AccessChanged['reason']): void;
  /** The person's standing (mute) changed: send them `you` again. */
  refreshYou(conn: RoomConnection): void;
}

export interface RoomHubDeps {
  room: RoomService;
  liveEvents: LiveEventService;
  bus: Bus;
  logger: Logger;
  clock: () => number;
  presenceTtlMs?: number;
  attendeesEveryMs?: number;
  heartbeatMs?: number;
  /** The connection protocol, told when access or a person's standing changes under a connection. */
  hooks: ConnectionHooks;
}

/**
 * All rooms that have sockets in this process. A room subscribes to its bus topics while it has
 * sockets here; every process keeps its own sockets and presence rows.
 *
 * When the bus cannot reach the other processes (Redis down) every socket here is told `degraded`;
 * events still reach this process's sockets at once (the bus delivers locally first). When it is
 * back, every room here catches up from the database, sockets are told `recovered`, and the other
 * processes are asked to catch up too (`roomsResyncTopic`), even in rooms where nobody speaks again.
 */
export class RoomHub {
  readonly processId = randomUUID();
  readonly presenceTtlMs: number;
  private readonly rooms = new Map<string, LocalRoom>();
  private readonly opening = new Map<string, Promise<LocalRoom>>();
  private readonly heartbeat: NodeJS.Timeout;
  /** Since when the bus cannot reach the other processes; undefined while it can. */
  private degradedSince?: number;
  private readonly offBusState: () => void;
  private readonly resync: Promise<(() => Promise<void>) | undefined>;

  constructor(private readonly deps: RoomHubDeps) {
    this.presenceTtlMs = deps.presenceTtlMs ?? 90_000;
    const every = deps.heartbeatMs ?? 30_000;
    this.heartbeat = setInterval(() => {
      void this.beat();
      this.pingAll();
    }, every);
    this.heartbeat.unref();
    if (deps.bus.state === 'down') this.degradedSince = deps.clock();
    this.offBusState = deps.bus.onStateChange((state) => this.onBusState(state));
    this.resync = deps.bus
      .subscribe(roomsResyncTopic, (m) => {
        const r = m as RoomsResync;
        if (r.process !== this.processId) this.catchUpAll(r.after === 'outage');
      })
      .catch((err) => {
        deps.logger.error({ err }, 'could not listen for room catch-up requests');
        return undefined;
      });
  }

  /** The notice for sockets while the other processes cannot be reached; undefined when they can. */
  degradedNotice(): Extract<ServerMessage, { type: 'degraded' }> | undefined {
    return this.degradedSince === undefined ? undefined : { type: 'degraded', reason: 'cluster_unreachable', since: iso(this.degradedSince) };
  }

  private onBusState(state: BusState): void {
    if (state === 'down') {
      if (this.degradedSince !== undefined) return;
      this.degradedSince = this.deps.clock();
      const notice = this.degradedNotice()!;
      for (const room of this.rooms.values()) void room.run(() => room.broadcast(notice));
      return;
    }
    if (state !== 'up') return;
    const outage = this.degradedSince !== undefined;
    this.degradedSince = undefined;
    // what the others stored meanwhile first, then the all-clear
    this.catchUpAll(outage);
    if (outage) for (const room of this.rooms.values()) void room.run(() => room.broadcast({ type: 'recovered' }));
    // what this process published while unreachable never reached the others
    void this.deps.bus.publish(roomsResyncTopic, { process: this.processId, after: outage ? 'outage' : 'start' } satisfies RoomsResync);
  }

  /**
   * Every room here catches up with the database. After an outage each socket also checks its access
   * and standing again (revokes, role changes and mutes announced meanwhile were not heard here).
   */
  private catchUpAll(recheck: boolean): void {
    for (const room of this.rooms.values()) {
      void room.catchUp();
      void room.run(async () => {
        room.event = (await this.deps.liveEvents.find(room.id)) ?? room.event;
        room.applyPhase();
      });
      room.repeatPresence();
      if (!recheck) continue;
      room.accessEpoch++;
      for (const c of room.conns) {
        this.deps.hooks.recheck(c);
        this.deps.hooks.refreshYou(c);
      }
    }
  }

  private registered?: Promise<void>;

  /** Marks this process alive in the presence table (once before its first socket, then every heartbeat). */
  private beat(): Promise<void> {
    return this.deps.room.heartbeat(this.processId, this.presenceTtlMs).catch((err) => this.deps.logger.warn({ err }, 'room presence heartbeat failed'));
  }

  /**
   * WebSocket ping to every socket: keeps proxies and load balancers from closing quiet sockets, and
   * drops sockets whose peer vanished without a close (no pong since the last round).
   */
  private pingAll(): void {
    for (const room of this.rooms.values()) {
      for (const c of room.conns) {
        if (!c.alive) {
          c.ws.terminate();
          continue;
        }
        c.alive = false;
        c.ws.ping();
      }
    }
  }

  /** The connection's key in the presence table, unique across processes. */
  presenceId(conn: RoomConnection): string {
    return `${this.processId}:${conn.id}`;
  }

  /** Whether this person still has a socket in this process (their rate limits are kept until not). */
  hasParticipant(participantId: string): boolean {
    for (const r of this.rooms.values()) if (r.hasParticipant(participantId)) return true;
    return false;
  }

  get size() {
    let n = 0;
    for (const r of this.rooms.values()) n += r.conns.size;
    return n;
  }

  /**
   * Where the room's access announcements stand in this process, when it is listening to them and
   * the bus is up; undefined otherwise (then nothing can be concluded from silence).
   */
  accessMark(roomId: string): number | undefined {
    const room = this.rooms.get(roomId);
    return room && this.degradedSince === undefined && this.deps.bus.state !== 'down' ? room.accessEpoch : undefined;
  }

  /** Whether an access announcement for the room may have gone unheard since `mark` (from accessMark). */
  accessChangedSince(room: LocalRoom, mark: number | undefined): boolean {
    return mark === undefined || room.accessEpoch !== mark || this.degradedSince !== undefined || this.rooms.get(room.id) !== room;
  }

  /** The local room, subscribed to its topics; hold it with `pending` until attached or released. */
  async open(roomId: string): Promise<LocalRoom> {
    const existing = this.rooms.get(roomId);
    if (existing) {
      existing.pending++;
      return existing;
    }
    let opening = this.opening.get(roomId);
    if (!opening) {
      opening = this.create(roomId).finally(() => this.opening.delete(roomId));
      this.opening.set(roomId, opening);
    }
    const room = await opening;
    room.pending++;
    return room;
  }

  private async create(roomId: string): Promise<LocalRoom> {
    await (this.registered ??= this.beat());
    const room = new LocalRoom(roomId, {
      room: this.deps.room,
      logger: this.deps.logger,
      clock: this.deps.clock,
      processId: this.processId,
      publishPresence: (m) => void this.deps.bus.publish(roomTopic(roomId), m).catch(() => undefined),
      presenceTtlMs: 15_000,
      attendeesEveryMs: this.deps.attendeesEveryMs ?? 1_000,
    });
    room.unsubscribe.push(await this.deps.bus.subscribe(roomTopic(roomId), (m) => this.onRoomMessage(room, m as RoomBusMessage)));
    room.unsubscribe.push(await this.deps.bus.subscribe(accessTopic(roomId), (m) => this.onAccessChanged(room, m as AccessChanged)));
    room.event = await this.deps.liveEvents.find(roomId);
    room.applyPhase();
    this.rooms.set(roomId, room);
    return room;
  }

  release(room: LocalRoom): void {
    room.pending = Math.max(0, room.pending - 1);
    this.maybeDispose(room);
  }

  /** A socket closed: forget it here and in the presence table. */
  remove(room: LocalRoom, conn: RoomConnection): void {
    room.detach(conn);
    void this.deps.room.removePresence(this.presenceId(conn)).catch((err) => this.deps.logger.warn({ err }, 'could not remove room presence'));
    this.maybeDispose(room);
  }

  private maybeDispose(room: LocalRoom): void {
    if (room.conns.size || room.pending || this.rooms.get(room.id) !== room) return;
    this.rooms.delete(room.id);
    room.dispose();
    for (const off of room.unsubscribe) void off().catch(() => undefined);
  }

  private onRoomMessage(room: LocalRoom, m: RoomBusMessage): void {
    switch (m.t) {
      case 'event':
        void room.onEvent(m);
        return;
      case 'changed':
        void room.run(async () => {
          room.event = (await this.deps.liveEvents.find(room.id)) ?? room.event;
          room.applyPhase();
        });
        return;
      case 'direct':
        for (const c of room.conns) if (c.actor && m.participantIds.includes(c.actor.participantId)) c.send(m.message);
        return;
      case 'participant':
        for (const c of room.conns) if (c.actor?.participantId === m.participantId) this.deps.hooks.refreshYou(c);
        return;
      case 'presence':
        room.onPresence(m);
        return;
      case 'stream':
        room.broadcast({ type: 'stream', status: m.status });
        return;
    }
  }

  /** Role change, revoke or deletion: the affected sockets check again at once (closing within the 2 s promised). */
  private onAccessChanged(room: LocalRoom, m: AccessChanged): void {
    room.accessEpoch++;
    const everyone = !m.sessionIds?.length && !m.userIds?.length;
    for (const c of room.conns) {
      const hit = everyone || (c.sessionId !== undefined && m.sessionIds?.includes(c.sessionId)) || (c.userId !== undefined && m.userIds?.includes(c.userId));
      // An upgrade through a newer invite rotates the person's session: the open socket follows it.
      const rotated = c.sessionId !== undefined ? m.rotatedSessions?.[c.sessionId] : undefined;
      if (rotated) c.sessionId = rotated;
      if (hit || rotated) this.deps.hooks.recheck(c, m.reason);
    }
  }

  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    this.offBusState();
    await (await this.resync)?.().catch(() => undefined);
    for (const room of this.rooms.values()) {
      for (const c of room.conns) c.close(1012, 'Server restarting; reconnect to resume.');
      room.dispose();
      for (const off of room.unsubscribe) await off().catch(() => undefined);
    }
    this.rooms.clear();
    await this.deps.room.removeProcess(this.processId).catch(() => undefined);
  }
}
