import type { PollDto, QuestionDto, RoomMessageDto } from '../../contracts/live.js';
import type { RoomMessage, RoomPoll, RoomQuestion } from '../db/schema-live.js';
import { iso } from '../domain/time.js';

/**
 * Room rows as the payloads of room events. These are stored in the room's event log exactly as
 * they are sent, so a replay sends what the live fan-out sent.
 */

export const presentMessage = (m: RoomMessage): RoomMessageDto => ({
  id: m.id,
  channel: m.channel,
  author: { id: m.author_id, name: m.author_name, role: m.author_role },
  body: m.body,
  likes: Number(m.likes),
  createdAt: iso(m.created_at),
});

/** Anonymous questions carry no author for anyone in the room; the database keeps it for abuse handling. */
export const presentQuestion = (q: RoomQuestion): QuestionDto => ({
  id: q.id,
  author: q.anonymous ? null : { id: q.author_id, name: q.author_name },
  body: q.body,
  status: q.status,
  pinned: q.pinned === 1,
  upvotes: Number(q.upvotes),
  answer: q.answer_text !== null && q.answered_at !== null ? { text: q.answer_text, by: q.answered_by ?? '', at: iso(q.answered_at) } : null,
  answeredLiveAt: q.answered_live_at === null ? null : iso(q.answered_live_at),
  createdAt: iso(q.created_at),
  rev: Number(q.rev),
});

export interface PollOption {
  id: string;
  text: string;
}

export const pollOptions = (p: RoomPoll): PollOption[] => JSON.parse(p.options_json) as PollOption[];

/** `results` only for audiences allowed to see them (staff always, everyone once shown). */
export const presentPoll = (p: RoomPoll, results: PollDto['results']): PollDto => ({
  id: p.id,
  question: p.question,
  options: pollOptions(p),
  multiple: p.multiple === 1,
  status: p.status,
  resultsShown: p.results_shown === 1,
  results,
  createdAt: iso(p.created_at),
  rev: Number(p.rev),
});
