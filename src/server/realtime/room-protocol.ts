import type { FastifyRequest } from 'fastify';
import type { ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { RawData, WebSocket } from 'ws';
import { clientMessageSchema, roomCloseCodes, roomLimits, type ClientMessage, type YouDto } from '../../contracts/live.js';
import type { AccessChanged, Bus } from '../adapters/bus/bus.js';
import { capabilitiesFor, panelsFor, seesStaffStream, type RoomRole } from '../domain/room-capabilities.js';
import { roomEntry } from '../domain/event-phase.js';
import { iso } from '../domain/time.js';
import { AppError, isAppError, validationFailed } from '../errors.js';
import { presentStream } from '../http/presenters/event.presenter.js';
import type { AuthService } from '../services/auth.service.js';
import { scheduleOf, type LiveEventService } from '../services/live-event.service.js';
import type { Entered, RoomService } from '../services/room.service.js';
import { RateLimiter, type RateClass, type RoomRateLimits } from './rate-limiter.js';
import { RoomConnection } from './room-connection.js';
import { RoomHub, type ConnectionHooks } from './room-hub.js';

/**
 * A copy of a string that does not point into the request it was cut from (V8 sliced strings keep
 * their parent, here the whole Cookie header or URL, alive).
 */
const own = <T extends string | undefined>(s: T): T => (s === undefined ? s : (Buffer.from(s, 'utf8').toString('utf8') as T));

const CONNECTION = Symbol('roomConnection');
type SocketWithConnection = WebSocket & { [CONNECTION]: RoomConnection };

/** A resume further back than this gets a fresh snapshot instead of a replay. */
const MAX_REPLAY = 1000;
export interface RoomProtocolOptions {
  room: RoomService;
  auth: AuthService;
  liveEvents: LiveEventService;
  bus: Bus;
  clock: () => number;
  rateLimits: RoomRateLimits;
  logger: Logger;
  helloTimeoutMs?: number;
  /** How often sockets are pinged and presence refreshed (default 30 s). */
  heartbeatMs?: number;
}

const rateClassOf: Record<Exclude<ClientMessage['type'], 'hello'>, RateClass> = {
  'chat.send': 'message',
  'backchannel.send': 'message',
  'announcement.send': 'message',
  'question.ask': 'question',
  'chat.like': 'reaction',
  'question.upvote': 'reaction',
  'poll.vote': 'reaction',
  'message.delete': 'reaction',
  'question.moderate': 'moderation',
  'question.answer': 'moderation',
  'question.mark_answered_live': 'moderation',
  'poll.launch': 'moderation',
  'poll.close': 'moderation',
  'poll.show_results': 'moderation',
  'person.mute': 'moderation',
  'participants.list': 'moderation',
};

const frameSize = (data: RawData): number =>
  Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : data instanceof ArrayBuffer ? data.byteLength : data.length;

const frameText = (data: RawData): string => (Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer)).toString('utf8');

/** The room protocol for each socket: hello, snapshot or resume, actions with their checks, live role changes. */
export class RoomProtocol implements ConnectionHooks {
  private readonly limiter: RateLimiter;
  /** The rooms with sockets in this process; it calls back into this protocol when access or standing changes. */
  readonly hub: RoomHub;

  constructor(private readonly o: RoomProtocolOptions) {
    this.limiter = new RateLimiter(o.rateLimits, o.clock);
    this.hub = new RoomHub({ room: o.room, liveEvents: o.liveEvents, bus: o.bus, logger: o.logger, clock: o.clock, heartbeatMs: o.heartbeatMs, hooks: this });
  }

  /** Closes every room socket of this process (1012: browsers reconnect and resume). */
  close(): Promise<void> {
    return this.hub.close();
  }

  connect(socket: WebSocket, request: FastifyRequest): void {
    const roomId = (request.params as { id: string }).id;
    const auth = request.auth;
    const conn = new RoomConnection(socket, own(roomId), auth.session?.id, auth.user?.id);
    conn.tokens = this.o.rateLimits.frame.burst;
    conn.at = this.o.clock();
    conn.accessMark = this.hub.accessMark(conn.roomId);
    // entering starts at once, so a visitor without access hears why without saying hello
    conn.entering = this.o.room.enter(auth, roomId).then(
      (e) => e,
      (err) => {
        this.failOrLog(conn, err);
        return undefined;
      },
    );
    conn.helloTimer = setTimeout(() => {
      if (!conn.helloed) {
        conn.sendError(new AppError('validation_failed', { message: 'Send {"type":"hello"} first.' }));
        conn.close(roomCloseCodes.timeout, 'No hello in time.');
      }
    }, this.o.helloTimeoutMs ?? 10_000);
    conn.helloTimer.unref();
    releaseHttpRequest(request, socket);
    (socket as SocketWithConnection)[CONNECTION] = conn;
    socket.on('message', this.onMessage);
    socket.on('close', this.onSocketClose);
    socket.on('pong', markAlive);
  }

  // Shared by every socket (the connection rides on the socket), rather than two closures per socket.
  private readonly onMessage = ((protocol: RoomProtocol) =>
    function (this: WebSocket, data: RawData, isBinary: boolean) {
      protocol.onFrame((this as SocketWithConnection)[CONNECTION], data, isBinary);
    })(this);

  private readonly onSocketClose = ((protocol: RoomProtocol) =>
    function (this: WebSocket) {
      protocol.onClose((this as SocketWithConnection)[CONNECTION]);
    })(this);

  onClose(conn: RoomConnection): void {
    clearTimeout(conn.helloTimer);
    conn.closed = true;
    conn.entering = undefined;
    if (conn.local) this.hub.remove(conn.local, conn);
    if (conn.actor && !this.hub.hasParticipant(conn.actor.participantId)) this.limiter.forget(conn.actor.participantId);
  }

  private failOrLog(conn: RoomConnection, err: unknown): void {
    if (isAppError(err)) return conn.fail(err);
    this.o.logger.error({ err, roomId: conn.roomId }, 'room connection failed');
    conn.sendError(err);
    conn.close(1011, 'internal_error');
  }

  onFrame(conn: RoomConnection, data: RawData, isBinary: boolean): void {
    if (conn.closed) return;
    const wait = this.limiter.takeFrom(conn, 'frame');
    if (wait) return conn.sendError(tooFast(wait));
    if (isBinary) return conn.sendError(new AppError('validation_failed', { message: 'Send text frames of JSON.' }));
    if (frameSize(data) > roomLimits.frameBytes) {
      return conn.sendError(new AppError('payload_too_large', { message: `A message can be at most ${roomLimits.frameBytes} bytes.`, details: { limitBytes: roomLimits.frameBytes } }));
    }
    let json: unknown;
    try {
      json = JSON.parse(frameText(data));
    } catch {
      return conn.sendError(new AppError('validation_failed', { message: 'Messages must be JSON.' }));
    }
    const parsed = clientMessageSchema.safeParse(json);
    if (!parsed.success) {
      const maybeRef = typeof (json as { ref?: unknown })?.ref === 'string' ? ((json as { ref: string }).ref.slice(0, 64)) : undefined;
      return conn.sendError(validationFailed(parsed.error.issues, 'message'), maybeRef);
    }
    const msg = parsed.data;
    if (msg.type === 'hello') {
      if (conn.helloed) return conn.sendError(new AppError('conflict', { message: 'Already joined.' }), msg.ref);
      conn.helloed = true;
      clearTimeout(conn.helloTimer);
      conn.helloTimer = undefined;
      const entering = conn.entering!;
      conn.entering = undefined;
      conn.enqueue(() => this.hello(conn, msg, entering), (err) => this.failOrLog(conn, err));
      return;
    }
    conn.enqueue(() => this.action(conn, msg), (err) => this.failOrLog(conn, err));
  }

  private you(conn: RoomConnection): YouDto {
    const a = conn.actor!;
    return { participantId: a.participantId, name: a.name, role: a.role, panels: panelsFor(a.role), capabilities: capabilitiesFor(a.role), muted: conn.muted };
  }

  private async hello(conn: RoomConnection, msg: Extract<ClientMessage, { type: 'hello' }>, entering: Promise<Entered | undefined>): Promise<void> {
    const entered = await entering;
    if (!entered || conn.closed) return;
    conn.actor = entered.actor;
    conn.muted = entered.muted;
    const { view } = entered;
    const local = await this.hub.open(conn.roomId);
    try {
      conn.local = local;
      await this.o.room.addPresence({ connectionId: this.hub.presenceId(conn), roomId: conn.roomId, participantId: entered.actor.participantId, processId: this.hub.processId });
      if (conn.closed) {
        await this.o.room.removePresence(this.hub.presenceId(conn));
        return;
      }
      const e = view.entry;
      conn.phase = local.phaseKey(e);
      conn.send({
        type: 'welcome',
        you: this.you(conn),
        event: { id: view.media.id, title: view.media.title, kind: view.event.kind, qaMode: view.event.qa_mode, stream: presentStream(view), phase: e.phase, opensAt: iso(e.opensAt), closesAt: iso(e.closesAt), early: e.early },
        serverNow: iso(this.o.clock()),
        limits: { ...roomLimits },
      });
      const from = await this.sendState(conn, msg.resume);
      await local.attach(conn, from, () => {
        conn.send({ type: 'synced', streams: { ...conn.cursors } });
        // in the room's queue, so it cannot overtake an all-clear broadcast to the room
        const degraded = this.hub.degradedNotice();
        if (degraded) conn.send(degraded);
      });
      // Access changes announced while this socket was being admitted were not heard for it (it was
      // not in the room yet), nor any before the room's bus subscription reached this process; one
      // more look now that the socket is attached closes that window. When the room was already
      // listening as admission began and nothing was announced since, there is nothing to look for.
      if (this.hub.accessChangedSince(local, conn.accessMark)) await this.current(conn);
    } finally {
      this.hub.release(local);
    }
  }

  /** Replays what the client missed when it can, else sends a snapshot. Returns where each stream now is. */
  private async sendState(conn: RoomConnection, resume: { public: number; staff?: number } | undefined): Promise<{ public: number; staff?: number }> {
    const actor = conn.actor!;
    const staff = seesStaffStream(actor.role);
    if (resume && (resume.staff !== undefined) === staff) {
      const heads = await this.o.room.heads(conn.roomId);
      const fits = (at: number, head: number) => at <= head && head - at <= MAX_REPLAY;
      if (fits(resume.public, heads.public) && (!staff || fits(resume.staff!, heads.staff))) {
        const from: { public: number; staff?: number } = { public: resume.public };
        for (const stream of staff ? (['public', 'staff'] as const) : (['public'] as const)) {
          const after = resume[stream]!;
          const events = await this.o.room.eventsAfter(conn.roomId, stream, after, { untilSeq: heads[stream], limit: MAX_REPLAY });
          for (const ev of events) conn.send({ type: 'event', stream, seq: ev.seq, at: iso(ev.at), event: ev.event });
          from[stream] = events.length ? events[events.length - 1].seq : after;
        }
        return from;
      }
    }
    const snapshot = await this.o.room.snapshotFrame(actor);
    conn.sendRaw(snapshot.json);
    return snapshot.streams;
  }

  private async action(conn: RoomConnection, msg: Exclude<ClientMessage, { type: 'hello' }>): Promise<void> {
    if (conn.closed) return;
    if (!conn.actor || !conn.local) return conn.sendError(new AppError('validation_failed', { message: 'Send {"type":"hello"} first.' }), msg.ref);
    const wait = this.limiter.take(conn.actor.participantId, rateClassOf[msg.type]);
    if (wait) return conn.sendError(tooFast(wait), msg.ref);
    const now = await this.current(conn);
    if (!now) return;
    try {
      if (msg.type === 'participants.list') {
        const items = await this.o.room.participants(conn.actor, this.o.clock() - this.hub.presenceTtlMs);
        conn.send({ type: 'participants', ...(msg.ref ? { ref: msg.ref } : {}), items });
        return;
      }
      const result = await this.o.room.perform(conn.actor, msg, { qaMode: now.qaMode });
      if (msg.ref) conn.send({ type: 'ack', ref: msg.ref, ...(result.id ? { id: result.id } : {}) });
    } catch (err) {
      if (!isAppError(err)) this.o.logger.error({ err, type: msg.type }, 'room action failed');
      conn.sendError(err, msg.ref);
    }
  }

  /** The session behind the socket as it is now (ended by logout, expiry or a revoke), and its account. */
  private resolveAuth(conn: RoomConnection) {
    return conn.sessionId ? this.o.auth.visitorForSession(conn.sessionId) : Promise.resolve(undefined);
  }

  /**
   * The role held right now, from the session and AccessService; applies a changed role, closes the
   * socket when access is gone. Undefined when closed.
   */
  private async current(conn: RoomConnection, reason?: AccessChanged['reason']): Promise<{ role: RoomRole; qaMode: 'pre_moderated' | 'open' } | undefined> {
    try {
      const auth = await this.resolveAuth(conn);
      if (!auth) throw new AppError('unauthenticated', { message: 'Your session has ended. Open your link again.' });
      const { role, event } = await this.o.room.check(auth, conn.roomId);
      if (conn.local) conn.local.event = event;
      if (role !== conn.actor!.role) await this.applyRole(conn, role);
      return { role, qaMode: event.qa_mode };
    } catch (err) {
      if (!isAppError(err)) throw err;
      const lost = reason === 'revoked' && ['not_found', 'forbidden', 'unauthenticated', 'out_of_scope'].includes(err.code);
      conn.fail(lost ? new AppError('invite_revoked') : err);
      return undefined;
    }
  }

  /** A new role reaches the open socket: new panels at once; the staff stream comes or goes with a fresh snapshot. */
  private async applyRole(conn: RoomConnection, role: RoomRole): Promise<void> {
    const hadStaff = conn.cursors.staff !== undefined;
    conn.actor = { ...conn.actor!, role };
    await this.o.room.recordRole(conn.actor.participantId, role);
    // a mute holds for some roles only (moderators cannot be muted)
    conn.muted = await this.o.room.isMuted(conn.roomId, conn.actor.participantId, role);
    conn.send({ type: 'you', you: this.you(conn) });
    const local = conn.local;
    if (!local || seesStaffStream(role) === hadStaff) return;
    // delivery pauses (the person stays counted) until the new snapshot is out
    conn.attached = false;
    const snapshot = await this.o.room.snapshotFrame(conn.actor);
    conn.sendRaw(snapshot.json);
    await local.attach(conn, snapshot.streams, () => conn.send({ type: 'synced', streams: { ...conn.cursors } }));
  }

  recheck(conn: RoomConnection, reason?: AccessChanged['reason']): void {
    if (reason === 'media_deleted') return conn.fail(new AppError('media_deleted'));
    conn.enqueue(async () => {
      if (conn.closed || !conn.actor) return;
      await this.current(conn, reason);
      // a phase-dependent role (early entry) may also have changed
      if (!conn.closed && conn.local?.event) {
        const entry = roomEntry(scheduleOf(conn.local.event), this.o.clock(), conn.actor.role);
        if (!entry.canEnter) conn.fail(entry.phase === 'ended' ? new AppError('event_ended') : new AppError('event_not_started'));
      }
    }, (err) => this.failOrLog(conn, err));
  }

  refreshYou(conn: RoomConnection): void {
    conn.enqueue(async () => {
      if (conn.closed || !conn.actor) return;
      conn.muted = await this.o.room.isMuted(conn.roomId, conn.actor.participantId, conn.actor.role);
      conn.send({ type: 'you', you: this.you(conn) });
    }, (err) => this.failOrLog(conn, err));
  }
}

/**
 * After the upgrade the HTTP request is over, but the plugin's error listener and the response left
 * assigned to the TCP socket keep the request, reply, headers and request logger alive as long as the
 * socket lives: several KB per connection. Let them go; the socket keeps an error listener of its own.
 */
function releaseHttpRequest(request: FastifyRequest, socket: WebSocket): void {
  socket.removeAllListeners('error');
  socket.on('error', terminateOnError);
  const tcp = request.raw.socket as (typeof request.raw.socket & { _httpMessage?: ServerResponse | null }) | null;
  const response = tcp?._httpMessage;
  if (tcp && response) response.detachSocket(tcp);
}

function markAlive(this: WebSocket): void {
  (this as SocketWithConnection)[CONNECTION].alive = true;
}

function terminateOnError(this: WebSocket): void {
  this.terminate();
}

const tooFast = (waitMs: number) =>
  new AppError('rate_limited', { message: `You are sending messages too fast. Try again in ${Math.max(1, Math.ceil(waitMs / 1000))} s.`, details: { retryAfterMs: waitMs } });
