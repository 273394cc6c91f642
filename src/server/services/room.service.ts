import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { ClientMessage, RoomEventDto, SnapshotDto } from '../../contracts/live.js';
import type { Bus } from '../adapters/bus/bus.js';
import type { Media } from '../db/schema.js';
import type { LiveEvent } from '../db/schema-live.js';
import { roomEntry } from '../domain/event-phase.js';
import { can, isMutedAs, seesStaffStream, toRoomRole, type RoomRole } from '../domain/room-capabilities.js';
import { roomPersonKey } from '../domain/room-person.js';
import { AppError } from '../errors.js';
import type { Visitor } from '../domain/visitor.js';
import type { RoomContentRepository } from '../repositories/room-content.repository.js';
import type { RoomLogRepository, StreamName } from '../repositories/room-log.repository.js';
import type { RoomParticipantRepository } from '../repositories/room-participant.repository.js';
import type { Transactor } from '../repositories/transaction.js';
import type { AccessService } from './access.service.js';
import { scheduleOf, type LiveEventService, type RoomEventView } from './live-event.service.js';
import { performAction, type ActionResult } from './room-actions.js';
import { roomTopic, type RoomBusMessage } from './room-bus.js';
import { presentMessage, presentPoll, presentQuestion } from './room-payloads.js';
import { isoOrNull } from '../domain/time.js';

/** Who is acting in a room, with the role they hold at this moment. */
export interface RoomActor {
  roomId: string;
  participantId: string;
  name: string;
  role: RoomRole;
}

export interface Entered {
  actor: RoomActor;
  view: RoomEventView;
  muted: boolean;
}

/**
 * The invited person behind a visitor's access to a media item: the invited address and the name on
 * the invite (the invite module knows both, from the grant on that media). Undefined without one.
 */
export type InvitedPersonResolver = (auth: Visitor, media: Media) => Promise<{ email: string; name: string | undefined } | undefined>;

export interface RoomDeps {
  log: RoomLogRepository;
  participants: RoomParticipantRepository;
  content: RoomContentRepository;
  tx: Transactor;
  /** Who the visitor is on this media through an invite: the participant is that person, not the session. */
  invitedPerson: InvitedPersonResolver;
  access: AccessService;
  liveEvents: LiveEventService;
  bus: Bus;
  clock: () => number;
  logger: Logger;
}

const cleanName = (name: string | undefined) => (name?.trim() ? name.trim().slice(0, 120) : undefined);

const HISTORY = { chat: 500, backchannel: 500, announcements: 100, questions: 2000, polls: 100 } as const;

/** Shared snapshot parts kept (two per room at most: staff and everyone else). */
const SHARED_SNAPSHOTS = 256;

interface SharedSnapshot {
  state: Omit<SnapshotDto, 'type' | 'mine'>;
  /** `state` as JSON, serialized once. */
  json: string;
  staff: boolean;
  likeable: string[];
  questionIds: string[];
  pollIds: string[];
}

/** One pending event of a write, appended to the log inside the transaction. */
export interface Emit {
  (stream: StreamName, event: RoomEventDto): void;
}

/**
 * The room's use cases. Every action runs in one transaction that changes the current state and
 * appends the matching events to the log; the events are published on the bus only after commit.
 */
export class RoomService {
  private readonly log: RoomLogRepository;
  private readonly participantsRepo: RoomParticipantRepository;
  private readonly content: RoomContentRepository;
  /** The shared part of the snapshot per room and audience, at the room state it was read at. */
  private readonly shared = new Map<string, { at: string; value: Promise<SharedSnapshot> }>();

  constructor(private readonly deps: RoomDeps) {
    this.log = deps.log;
    this.participantsRepo = deps.participants;
    this.content = deps.content;
  }

  get clock() {
    return this.deps.clock;
  }

  /**
   * The role this visitor holds in the room now. Runs before every action, so it reads only what
   * the decision needs. Throws when they may not be in the room.
   */
  async check(auth: Visitor, mediaId: string): Promise<{ role: RoomRole; media: Media; event: LiveEvent; canManage: boolean }> {
    const grant = await this.deps.access.view(auth, mediaId);
    const event = grant.media.type === 'live' ? await this.deps.liveEvents.find(mediaId) : undefined;
    if (!event) throw new AppError('not_found', { message: 'This media is not a live event.' });
    const role = toRoomRole(grant.role);
    if (!role) throw new AppError('forbidden', { message: 'Your access to this event does not include its room.' });
    const entry = roomEntry(scheduleOf(event), this.deps.clock(), role);
    if (!entry.canEnter) {
      if (entry.phase === 'ended') throw new AppError('event_ended');
      throw new AppError('event_not_started', { details: { enterAt: isoOrNull(entry.enterAt) } });
    }
    return { role, media: grant.media, event, canManage: grant.canManage };
  }

  /**
   * Admits a visitor to the room and records them as a participant: the person (domain/room-person.ts),
   * so every session, tab and device of one person is one participant with one mute and one history.
   */
  async enter(auth: Visitor, mediaId: string): Promise<Entered> {
    const { role, media, event, canManage } = await this.check(auth, mediaId);
    const view = await this.deps.liveEvents.roomView(media, role, event);
    const invited = canManage ? undefined : await this.deps.invitedPerson(auth, view.media);
    const key = roomPersonKey({ userId: auth.user?.id, manages: canManage, invitedEmail: invited?.email });
    if (!key) throw new AppError('unauthenticated');
    const name = auth.user?.name ?? cleanName(invited?.name) ?? 'Guest';
    const p = await this.participantsRepo.upsertParticipant({ id: randomUUID(), roomId: mediaId, key, name, role, now: this.deps.clock() });
    return { actor: { roomId: mediaId, participantId: p.id, name: p.name, role }, view, muted: isMutedAs(role, p.muted_at) };
  }

  /**
   * Who would broadcast, for the webcast ingest: the role now (checked like entering the room) and the
   * person key, so a dropped speaker who comes back continues the same stream.
   */
  async broadcaster(auth: Visitor, mediaId: string): Promise<{ role: RoomRole; personKey: string; name: string; canManage: boolean }> {
    const { role, media, canManage } = await this.check(auth, mediaId);
    const invited = canManage ? undefined : await this.deps.invitedPerson(auth, media);
    const key = roomPersonKey({ userId: auth.user?.id, manages: canManage, invitedEmail: invited?.email });
    if (!key) throw new AppError('unauthenticated');
    return { role, personKey: key, name: auth.user?.name ?? cleanName(invited?.name) ?? 'Guest', canManage };
  }

  /** Whether the person's mute holds in the role they have now. */
  async isMuted(roomId: string, participantId: string, role: RoomRole): Promise<boolean> {
    const p = await this.participantsRepo.findParticipant(roomId, participantId);
    return isMutedAs(role, p?.muted_at);
  }

  async recordRole(participantId: string, role: RoomRole): Promise<void> {
    await this.participantsRepo.setRole(participantId, role);
  }

  /** What a joining client sees: current state and the sequence each of its streams is at. */
  async snapshot(actor: RoomActor): Promise<Omit<SnapshotDto, 'type'>> {
    const shared = await this.sharedState(actor);
    return { ...shared.state, mine: await this.mine(actor, shared) };
  }

  /** The snapshot as the frame a socket is sent (the shared part serialized once per room state), and where its streams are. */
  async snapshotFrame(actor: RoomActor): Promise<{ json: string; streams: SnapshotDto['streams'] }> {
    const shared = await this.sharedState(actor);
    const mine = await this.mine(actor, shared);
    return { json: `{"type":"snapshot",${shared.json.slice(1, -1)},"mine":${JSON.stringify(mine)}}`, streams: shared.state.streams };
  }

  /**
   * The part of a snapshot every joiner of the same audience (staff, or everyone else) sees alike, read
   * once per room state and shared: thousands arriving at a webinar's start read the room once, not
   * once each. A room state is its stream heads — every change to what a snapshot shows appends an
   * event (the log is how resuming clients catch up too) — so a snapshot read at the heads the room
   * is at now is the snapshot now. The heads are read on every join; a newer state reads anew.
   */
  private sharedState(actor: RoomActor): Promise<SharedSnapshot> {
    const staff = seesStaffStream(actor.role);
    const room = actor.roomId;
    const slot = `${staff ? 'staff' : 'public'}:${room}`;
    return this.log.heads(room).then((heads) => {
      const at = staff ? `${heads.public}:${heads.staff}` : `${heads.public}`;
      const cached = this.shared.get(slot);
      if (cached && cached.at === at) return cached.value;
      const value = this.readShared(room, staff);
      const entry = { at, value };
      this.shared.delete(slot);
      this.shared.set(slot, entry);
      if (this.shared.size > SHARED_SNAPSHOTS) this.shared.delete(this.shared.keys().next().value!);
      value.then(
        (v) => {
          // filed under the heads it was actually read at (the room may have moved on meanwhile)
          const readAt = staff ? `${v.state.streams.public}:${v.state.streams.staff}` : `${v.state.streams.public}`;
          if (this.shared.get(slot) === entry) entry.at = readAt;
        },
        () => {
          if (this.shared.get(slot) === entry) this.shared.delete(slot);
        },
      );
      return value;
    });
  }

  private readShared(room: string, staff: boolean): Promise<SharedSnapshot> {
    // one consistent read: the heads match the state exactly (on PostgreSQL thanks to REPEATABLE READ)
    return this.deps.tx.run(
      async (trx) => {
        const heads = await this.log.heads(room, trx);
        const [messages, announcements, backchannel, questions, polls] = await Promise.all([
          this.content.listMessages(room, 'chat', HISTORY.chat, trx),
          this.content.listMessages(room, 'announcement', HISTORY.announcements, trx),
          staff ? this.content.listMessages(room, 'backchannel', HISTORY.backchannel, trx) : Promise.resolve(undefined),
          this.content.listQuestions(room, { statuses: staff ? ['pending', 'approved', 'dismissed'] : ['approved'], limit: HISTORY.questions }, trx),
          this.content.listPolls(room, HISTORY.polls, trx),
        ]);
        const pollDtos = [];
        for (const p of polls) {
          const showResults = staff || p.results_shown === 1;
          pollDtos.push(presentPoll(p, showResults ? await this.content.results(p.id, trx) : null));
        }
        const state: SharedSnapshot['state'] = {
          streams: staff ? { public: heads.public, staff: heads.staff } : { public: heads.public },
          messages: messages.map(presentMessage),
          announcements: announcements.map(presentMessage),
          ...(backchannel ? { backchannel: backchannel.map(presentMessage) } : {}),
          questions: questions.map(presentQuestion),
          polls: pollDtos,
        };
        return {
          state,
          json: JSON.stringify(state),
          staff,
          likeable: [...messages, ...announcements, ...(backchannel ?? [])].map((m) => m.id),
          questionIds: questions.map((q) => q.id),
          pollIds: polls.map((p) => p.id),
        };
      },
      { isolation: 'repeatable read' },
    );
  }

  /** The joiner's own part: what they liked, upvoted and voted, and their questions nobody else sees. */
  private async mine(actor: RoomActor, shared: SharedSnapshot): Promise<SnapshotDto['mine']> {
    const [likes, upvotes, votes, questions] = await Promise.all([
      this.content.likedBy(actor.participantId, shared.likeable),
      this.content.upvotedBy(actor.participantId, shared.questionIds),
      this.content.votesBy(actor.participantId, shared.pollIds),
      shared.staff ? Promise.resolve([]) : this.content.questionsBy(actor.roomId, actor.participantId, ['pending', 'dismissed']),
    ]);
    return { likes, upvotes, votes, questions: questions.map(presentQuestion) };
  }

  /** Stored events after a sequence number, for resuming or filling a gap. */
  async eventsAfter(roomId: string, stream: StreamName, afterSeq: number, opts: { untilSeq?: number; limit: number }) {
    const rows = await this.log.eventsAfter(roomId, stream, afterSeq, opts);
    return rows.map((r) => ({ stream, seq: Number(r.seq), at: Number(r.created_at), event: JSON.parse(r.data_json) as RoomEventDto }));
  }

  heads(roomId: string) {
    return this.log.heads(roomId);
  }

  async participants(actor: RoomActor, freshSince: number) {
    if (!can(actor.role, 'participants.list')) throw new AppError('forbidden', { message: 'Only moderators can see the participants.', details: { action: 'participants.list' } });
    const [all, online] = await Promise.all([this.participantsRepo.participants(actor.roomId), this.participantsRepo.onlineConnections(actor.roomId, freshSince)]);
    return all
      .map((p) => ({ id: p.id, name: p.name, role: p.role, online: online.has(p.id), devices: online.get(p.id) ?? 0, muted: isMutedAs(p.role, p.muted_at) }))
      .sort((a, b) => Number(b.online) - Number(a.online) || a.name.localeCompare(b.name));
  }

  /** Runs one client action for an actor whose role was checked just now. */
  async perform(actor: RoomActor, message: Exclude<ClientMessage, { type: 'hello' | 'participants.list' }>, ctx: { qaMode: 'pre_moderated' | 'open' }): Promise<ActionResult> {
    const after: RoomBusMessage[] = [];
    const published: RoomBusMessage[] = [];
    const result = await this.deps.tx.run(async (trx) => {
      const pending: Array<{ stream: StreamName; event: RoomEventDto }> = [];
      const emit: Emit = (stream, event) => pending.push({ stream, event });
      const r = await performAction({ trx, repo: this.content, participants: this.participantsRepo, actor, message, now: this.deps.clock(), qaMode: ctx.qaMode, emit, after: (m) => after.push(m) });
      // appended last and always public before staff: counters stay locked briefly and in one order
      pending.sort((a, b) => (a.stream === b.stream ? 0 : a.stream === 'public' ? -1 : 1));
      const at = this.deps.clock();
      for (const p of pending) {
        const seq = await this.log.append(trx, { roomId: actor.roomId, stream: p.stream, kind: p.event.kind, data: p.event, at });
        if (p.event.kind === 'message') await this.content.setMessageSeq(p.event.message.id, seq, trx);
        published.push({ t: 'event', stream: p.stream, seq, at, event: p.event });
      }
      return r;
    });
    for (const m of [...published, ...after]) {
      await this.deps.bus.publish(roomTopic(actor.roomId), m).catch((err) => this.deps.logger.warn({ err, roomId: actor.roomId }, 'room event stored but not published; clients catch up on the next one'));
    }
    return result;
  }

  // presence in the database: who is online, for the participants list across server processes
  addPresence(p: { connectionId: string; roomId: string; participantId: string; processId: string }) {
    return this.participantsRepo.addPresence({ ...p, now: this.deps.clock() });
  }
  removePresence(connectionId: string) {
    return this.participantsRepo.removePresence(connectionId, this.deps.clock());
  }
  /** Marks this process alive and forgets processes silent for longer than `ttlMs`. */
  async heartbeat(processId: string, ttlMs: number) {
    const now = this.deps.clock();
    await this.participantsRepo.heartbeat(processId, now);
    await this.participantsRepo.deleteStale(now - ttlMs);
  }
  removeProcess(processId: string) {
    return this.participantsRepo.removeProcess(processId);
  }
}
