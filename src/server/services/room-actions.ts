import { randomUUID } from 'node:crypto';
import type { ClientMessage } from '../../contracts/live.js';
import type { RoomMessage, RoomPoll, RoomQuestion } from '../db/schema-live.js';
import { can, isMutedAs, type RoomAction } from '../domain/room-capabilities.js';
import { AppError } from '../errors.js';
import type { RoomContentRepository } from '../repositories/room-content.repository.js';
import type { RoomParticipantRepository } from '../repositories/room-participant.repository.js';
import type { Tx } from '../repositories/transaction.js';
import type { RoomBusMessage } from './room-bus.js';
import { pollOptions, presentMessage, presentPoll, presentQuestion } from './room-payloads.js';
import type { Emit, RoomActor } from './room.service.js';

export type ActionMessage = Exclude<ClientMessage, { type: 'hello' | 'participants.list' }>;

export interface ActionResult {
  /** Id of what the action created or changed, echoed in the ack. */
  id?: string;
}

export interface ActionContext {
  trx: Tx;
  repo: RoomContentRepository;
  participants: RoomParticipantRepository;
  actor: RoomActor;
  message: ActionMessage;
  now: number;
  qaMode: 'pre_moderated' | 'open';
  emit: Emit;
  /** Bus messages to publish after commit besides the stored events (direct notices). */
  after: (m: RoomBusMessage) => void;
}

const refused = (action: RoomAction) =>
  new AppError('forbidden', { message: 'Your role in this room does not allow that.', details: { action } });

/** The capability check of every action: the one table, with the role held now. */
function requireCan(actor: RoomActor, action: RoomAction): void {
  if (!can(actor.role, action)) throw refused(action);
}

async function requireNotMuted(ctx: ActionContext): Promise<void> {
  const p = await ctx.participants.findParticipant(ctx.actor.roomId, ctx.actor.participantId, ctx.trx);
  if (isMutedAs(ctx.actor.role, p?.muted_at)) throw new AppError('muted');
}

const notFound = (what: string) => new AppError('not_found', { message: `That ${what} is no longer here.` });
const streamOf = (m: RoomMessage): 'public' | 'staff' => (m.channel === 'backchannel' ? 'staff' : 'public');

/** A message the actor can see: backchannel messages exist only for backchannel readers. */
async function visibleMessage(ctx: ActionContext, id: string): Promise<RoomMessage> {
  const m = await ctx.repo.findMessage(ctx.actor.roomId, id, ctx.trx);
  if (!m || m.deleted_at !== null || (m.channel === 'backchannel' && !can(ctx.actor.role, 'backchannel.read'))) throw notFound('message');
  return m;
}

async function visibleQuestion(ctx: ActionContext, id: string): Promise<RoomQuestion> {
  const q = await ctx.repo.findQuestion(ctx.actor.roomId, id, ctx.trx);
  const mine = q?.author_id === ctx.actor.participantId;
  if (!q || (q.status !== 'approved' && !mine && !can(ctx.actor.role, 'backchannel.read'))) throw notFound('question');
  return q;
}

/** Any poll of the room, open or closed (each action checks the status it needs). */
async function findPoll(ctx: ActionContext, id: string): Promise<RoomPoll> {
  const p = await ctx.repo.findPoll(ctx.actor.roomId, id, ctx.trx);
  if (!p) throw notFound('poll');
  return p;
}

/** Stores a message (chat, backchannel or announcement); a repeated client ref returns the first one. */
async function postMessage(ctx: ActionContext, channel: RoomMessage['channel'], body: string, ref: string | undefined): Promise<ActionResult> {
  if (ref) {
    const earlier = await ctx.repo.findMessageByRef(ctx.actor.roomId, ctx.actor.participantId, ref, ctx.trx);
    if (earlier) return { id: earlier.id };
  }
  const row: RoomMessage = {
    id: randomUUID(),
    room_id: ctx.actor.roomId,
    channel,
    author_id: ctx.actor.participantId,
    author_name: ctx.actor.name,
    author_role: ctx.actor.role,
    body,
    likes: 0,
    client_ref: ref ?? null,
    seq: null,
    created_at: ctx.now,
    deleted_at: null,
    deleted_by: null,
  };
  await ctx.repo.insertMessage(row, ctx.trx);
  ctx.emit(streamOf(row), { kind: 'message', message: presentMessage(row) });
  return { id: row.id };
}

/** Every change reaches the staff stream; the public one when the question is or was visible to all. */
async function changeQuestion(ctx: ActionContext, before: RoomQuestion, patch: Partial<RoomQuestion>): Promise<ActionResult> {
  const after: RoomQuestion = { ...before, ...patch, rev: Number(before.rev) + 1, updated_at: ctx.now };
  await ctx.repo.updateQuestion(before.id, { ...patch, rev: after.rev, updated_at: ctx.now }, ctx.trx);
  emitQuestion(ctx, before.status, after);
  return { id: after.id };
}

function emitQuestion(ctx: ActionContext, previousStatus: RoomQuestion['status'] | null, q: RoomQuestion): void {
  const dto = presentQuestion(q);
  ctx.emit('staff', { kind: 'question', question: dto });
  if (q.status === 'approved') ctx.emit('public', { kind: 'question', question: dto });
  // Leaving the public list: viewers get a tombstone, never the text again.
  else if (previousStatus === 'approved') ctx.emit('public', { kind: 'question.removed', id: q.id });
  // the asker follows their own question even while others cannot see it
  if (q.status !== 'approved') ctx.after({ t: 'direct', participantIds: [q.author_id], message: { type: 'mine.question', question: dto } });
}

async function emitPoll(ctx: ActionContext, poll: RoomPoll, opts: { publicToo: boolean }): Promise<void> {
  const results = await ctx.repo.results(poll.id, ctx.trx);
  ctx.emit('staff', { kind: 'poll', poll: presentPoll(poll, results) });
  if (opts.publicToo) ctx.emit('public', { kind: 'poll', poll: presentPoll(poll, poll.results_shown ? results : null) });
}

async function changePoll(ctx: ActionContext, before: RoomPoll, patch: Partial<RoomPoll>, opts: { publicToo: boolean }): Promise<ActionResult> {
  const after: RoomPoll = { ...before, ...patch, rev: Number(before.rev) + 1 };
  await ctx.repo.updatePoll(before.id, { ...patch, rev: after.rev }, ctx.trx);
  await emitPoll(ctx, after, opts);
  return { id: after.id };
}

const moderationAction = { approve: 'question.approve', dismiss: 'question.dismiss', pin: 'question.pin', unpin: 'question.pin', reopen: 'question.reopen' } as const;

/** One handler per client message type; each starts with its capability check. */
export async function performAction(ctx: ActionContext): Promise<ActionResult> {
  const { actor, message: msg } = ctx;
  switch (msg.type) {
    case 'chat.send':
      requireCan(actor, 'chat.send');
      await requireNotMuted(ctx);
      return postMessage(ctx, 'chat', msg.body, msg.ref);

    case 'backchannel.send':
      requireCan(actor, 'backchannel.send');
      await requireNotMuted(ctx);
      return postMessage(ctx, 'backchannel', msg.body, msg.ref);

    case 'announcement.send':
      requireCan(actor, 'announcement.send');
      return postMessage(ctx, 'announcement', msg.body, msg.ref);

    case 'chat.like': {
      requireCan(actor, 'chat.like');
      const m = await visibleMessage(ctx, msg.messageId);
      const likes = await ctx.repo.setLike(m.id, actor.participantId, msg.liked, ctx.trx);
      if (likes !== undefined) ctx.emit(streamOf(m), { kind: 'message.likes', id: m.id, likes });
      return { id: m.id };
    }

    case 'message.delete': {
      const m = await visibleMessage(ctx, msg.messageId);
      const own = m.author_id === actor.participantId && m.channel !== 'announcement';
      requireCan(actor, own ? 'chat.delete_own' : 'chat.delete_any');
      await ctx.repo.markMessageDeleted(m.id, actor.participantId, ctx.now, ctx.trx);
      ctx.emit(streamOf(m), { kind: 'message.removed', id: m.id, channel: m.channel });
      return { id: m.id };
    }

    case 'question.ask': {
      requireCan(actor, 'question.ask');
      await requireNotMuted(ctx);
      if (msg.ref) {
        const earlier = await ctx.repo.findQuestionByRef(actor.roomId, actor.participantId, msg.ref, ctx.trx);
        if (earlier) return { id: earlier.id };
      }
      const q: RoomQuestion = {
        id: randomUUID(),
        room_id: actor.roomId,
        author_id: actor.participantId,
        author_name: actor.name,
        anonymous: msg.anonymous ? 1 : 0,
        body: msg.body,
        status: ctx.qaMode === 'open' ? 'approved' : 'pending',
        pinned: 0,
        upvotes: 0,
        answer_text: null,
        answered_by: null,
        answered_at: null,
        answered_live_at: null,
        client_ref: msg.ref ?? null,
        rev: 0,
        created_at: ctx.now,
        updated_at: ctx.now,
      };
      await ctx.repo.insertQuestion(q, ctx.trx);
      emitQuestion(ctx, null, q);
      return { id: q.id };
    }

    case 'question.upvote': {
      requireCan(actor, 'question.upvote');
      const q = await visibleQuestion(ctx, msg.questionId);
      const upvotes = await ctx.repo.setUpvote(q.id, actor.participantId, msg.upvoted, ctx.trx);
      if (upvotes === undefined) return { id: q.id };
      return changeQuestion(ctx, q, { upvotes });
    }

    case 'question.moderate': {
      requireCan(actor, moderationAction[msg.action]);
      const q = await visibleQuestion(ctx, msg.questionId);
      switch (msg.action) {
        case 'approve':
          return changeQuestion(ctx, q, { status: 'approved' });
        case 'dismiss':
          return changeQuestion(ctx, q, { status: 'dismissed', pinned: 0 });
        case 'pin':
        case 'unpin':
          if (q.status !== 'approved') throw new AppError('conflict', { message: 'Approve the question before pinning it.' });
          return changeQuestion(ctx, q, { pinned: msg.action === 'pin' ? 1 : 0 });
        case 'reopen':
          return changeQuestion(ctx, q, {
            status: q.status === 'dismissed' ? (ctx.qaMode === 'open' ? 'approved' : 'pending') : q.status,
            answer_text: null,
            answered_by: null,
            answered_at: null,
            answered_live_at: null,
          });
      }
      break;
    }

    case 'question.answer': {
      requireCan(actor, 'question.answer');
      const q = await visibleQuestion(ctx, msg.questionId);
      if (q.status !== 'approved') throw new AppError('conflict', { message: 'Only approved questions can be answered.' });
      return changeQuestion(ctx, q, { answer_text: msg.text, answered_by: actor.name, answered_at: ctx.now });
    }

    case 'question.mark_answered_live': {
      requireCan(actor, 'question.mark_answered_live');
      const q = await visibleQuestion(ctx, msg.questionId);
      if (q.status !== 'approved') throw new AppError('conflict', { message: 'Only approved questions can be answered.' });
      return changeQuestion(ctx, q, { answered_live_at: ctx.now });
    }

    case 'poll.launch': {
      requireCan(actor, 'poll.launch');
      const poll: RoomPoll = {
        id: randomUUID(),
        room_id: actor.roomId,
        question: msg.question,
        options_json: JSON.stringify(msg.options.map((text, i) => ({ id: `o${i + 1}`, text }))),
        multiple: msg.multiple ? 1 : 0,
        status: 'open',
        results_shown: 0,
        created_by: actor.participantId,
        rev: 0,
        created_at: ctx.now,
        closed_at: null,
      };
      await ctx.repo.insertPoll(poll, ctx.trx);
      await emitPoll(ctx, poll, { publicToo: true });
      return { id: poll.id };
    }

    case 'poll.close': {
      requireCan(actor, 'poll.close');
      const p = await findPoll(ctx, msg.pollId);
      if (p.status === 'closed') return { id: p.id };
      return changePoll(ctx, p, { status: 'closed', closed_at: ctx.now }, { publicToo: true });
    }

    case 'poll.show_results': {
      requireCan(actor, 'poll.show_results');
      const p = await findPoll(ctx, msg.pollId);
      return changePoll(ctx, p, { results_shown: msg.shown ? 1 : 0 }, { publicToo: true });
    }

    case 'poll.vote': {
      requireCan(actor, 'poll.vote');
      const p = await findPoll(ctx, msg.pollId);
      if (p.status !== 'open') throw new AppError('conflict', { message: 'This poll is closed.' });
      const valid = new Set(pollOptions(p).map((o) => o.id));
      const chosen = [...new Set(msg.optionIds)];
      if (chosen.some((o) => !valid.has(o))) throw new AppError('validation_failed', { message: 'Choose one of the poll’s options.', details: { optionIds: 'unknown option' } });
      if (!p.multiple && chosen.length !== 1) throw new AppError('validation_failed', { message: 'Choose one option.', details: { optionIds: 'exactly one' } });
      if (!(await ctx.repo.vote(p.id, actor.participantId, chosen, ctx.now, ctx.trx))) throw new AppError('conflict', { message: 'You have already answered this poll.' });
      // the public copy changes only when its results are on show
      return changePoll(ctx, p, {}, { publicToo: p.results_shown === 1 });
    }

    case 'person.mute': {
      requireCan(actor, 'person.mute');
      const target = await ctx.participants.findParticipant(actor.roomId, msg.participantId, ctx.trx);
      if (!target) throw notFound('person');
      if (can(target.role, 'person.mute')) throw new AppError('forbidden', { message: 'Moderators and owners cannot be muted.' });
      if (Boolean(target.muted_at) === msg.muted) return { id: target.id };
      await ctx.participants.setMuted(actor.roomId, target.id, msg.muted ? actor.participantId : null, ctx.now, ctx.trx);
      ctx.emit('staff', { kind: 'participant.muted', participantId: target.id, name: target.name, muted: msg.muted });
      ctx.after({ t: 'participant', participantId: target.id });
      return { id: target.id };
    }
  }
  throw new AppError('validation_failed', { message: 'Unknown message type.' });
}
