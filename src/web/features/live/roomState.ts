import type { PollDto, QuestionDto, RoomMessageDto, RoomPhaseDto, ServerMessage, YouDto } from '../../../contracts/live.js';

/**
 * The room as the browser holds it, built only from server messages (snapshot, then events in
 * sequence). Pure, so the resume rules can be tested without a socket.
 */
export type Welcome = Extract<ServerMessage, { type: 'welcome' }>;
export type Participant = Extract<ServerMessage, { type: 'participants' }>['items'][number];

export interface RoomState {
  status: 'connecting' | 'live' | 'reconnecting' | 'closed';
  /** Why the room closed for good (invite revoked, event ended, …). */
  closedBy?: { code: string; message: string };
  you?: YouDto;
  event?: Welcome['event'];
  limits?: Welcome['limits'];
  /** server clock − browser clock, from the welcome. */
  serverOffsetMs: number;
  /** Highest sequence seen per stream: what a reconnect resumes from. */
  cursors?: { public: number; staff?: number };
  messages: RoomMessageDto[];
  announcements: RoomMessageDto[];
  /** Present only for roles that see the backchannel. */
  backchannel?: RoomMessageDto[];
  questions: Record<string, QuestionDto>;
  polls: Record<string, PollDto>;
  mine: { likes: string[]; upvotes: string[]; votes: Record<string, string[]>; questions: Record<string, QuestionDto> };
  attendees?: number;
  participants?: Participant[];
  /** The server cannot reach the site's other servers (people elsewhere see this room late); cleared on recovery or a new connection. */
  degraded?: { since: string };
}

export const initialRoomState: RoomState = {
  status: 'connecting',
  serverOffsetMs: 0,
  messages: [],
  announcements: [],
  questions: {},
  polls: {},
  mine: { likes: [], upvotes: [], votes: {}, questions: {} },
};

export type RoomAction =
  | { type: 'server'; message: ServerMessage; receivedAt: number }
  | { type: 'status'; status: RoomState['status']; closedBy?: RoomState['closedBy'] }
  | { type: 'liked'; messageId: string; liked: boolean }
  | { type: 'upvoted'; questionId: string; upvoted: boolean }
  | { type: 'voted'; pollId: string; optionIds: string[] };

const MAX_MESSAGES = 500;
const seesStaff = (s: RoomState) => Boolean(s.you?.capabilities.includes('backchannel.read'));
const toggle = (list: string[], id: string, on: boolean) => (on ? (list.includes(id) ? list : [...list, id]) : list.filter((x) => x !== id));
const byId = <T extends { id: string }>(items: T[]) => Object.fromEntries(items.map((i) => [i.id, i]));

function upsertMessage(list: RoomMessageDto[] | undefined, m: RoomMessageDto): RoomMessageDto[] {
  const current = list ?? [];
  if (current.some((x) => x.id === m.id)) return current.map((x) => (x.id === m.id ? m : x));
  return [...current, m].slice(-MAX_MESSAGES);
}

const listOf = (channel: RoomMessageDto['channel']) => (channel === 'chat' ? 'messages' : channel === 'announcement' ? 'announcements' : 'backchannel') as 'messages' | 'announcements' | 'backchannel';

/** Keep the newest revision, whichever stream brought it. */
const newer = <T extends { rev: number }>(current: T | undefined, next: T) => !current || next.rev >= current.rev;

function applyEvent(s: RoomState, m: Extract<ServerMessage, { type: 'event' }>): RoomState {
  const cursor = s.cursors?.[m.stream];
  // a duplicate, or a stream this role does not hold: nothing to do
  if (cursor === undefined || m.seq <= cursor) return s;
  const next: RoomState = { ...s, cursors: { ...s.cursors!, [m.stream]: m.seq } };
  const e = m.event;
  // staff take questions and polls from the staff stream, which carries every change
  const fromOwnSource = !seesStaff(s) || m.stream === 'staff';
  switch (e.kind) {
    case 'message': {
      const key = listOf(e.message.channel);
      return { ...next, [key]: upsertMessage(next[key], e.message) };
    }
    case 'message.removed': {
      const key = listOf(e.channel);
      return { ...next, [key]: next[key]?.filter((x) => x.id !== e.id) };
    }
    case 'message.likes': {
      const patch = (list?: RoomMessageDto[]) => list?.map((x) => (x.id === e.id ? { ...x, likes: e.likes } : x));
      return { ...next, messages: patch(next.messages)!, announcements: patch(next.announcements)!, backchannel: patch(next.backchannel) };
    }
    case 'question':
      if (!fromOwnSource || !newer(next.questions[e.question.id], e.question)) return next;
      return { ...next, questions: { ...next.questions, [e.question.id]: e.question } };
    case 'question.removed': {
      const { [e.id]: _gone, ...rest } = next.questions;
      return { ...next, questions: rest };
    }
    case 'poll':
      if (!fromOwnSource || !newer(next.polls[e.poll.id], e.poll)) return next;
      return { ...next, polls: { ...next.polls, [e.poll.id]: e.poll } };
    case 'participant.muted':
      return { ...next, participants: next.participants?.map((p) => (p.id === e.participantId ? { ...p, muted: e.muted } : p)) };
  }
  return next;
}

export function roomReducer(s: RoomState, a: RoomAction): RoomState {
  switch (a.type) {
    case 'status':
      return { ...s, status: a.status, ...(a.closedBy ? { closedBy: a.closedBy } : {}) };
    case 'liked':
      return { ...s, mine: { ...s.mine, likes: toggle(s.mine.likes, a.messageId, a.liked) } };
    case 'upvoted':
      return { ...s, mine: { ...s.mine, upvotes: toggle(s.mine.upvotes, a.questionId, a.upvoted) } };
    case 'voted':
      return { ...s, mine: { ...s.mine, votes: { ...s.mine.votes, [a.pollId]: a.optionIds } } };
    case 'server':
      break;
  }
  const m = a.message;
  switch (m.type) {
    case 'welcome':
      // a new connection: its server says again whether it is degraded
      return { ...s, you: m.you, event: m.event, limits: m.limits, serverOffsetMs: Date.parse(m.serverNow) - a.receivedAt, degraded: undefined };
    case 'snapshot':
      return {
        ...s,
        cursors: { ...m.streams },
        messages: m.messages,
        announcements: m.announcements,
        backchannel: m.backchannel,
        questions: byId(m.questions),
        polls: byId(m.polls),
        mine: { likes: m.mine.likes, upvotes: m.mine.upvotes, votes: m.mine.votes, questions: byId(m.mine.questions) },
      };
    case 'event':
      return applyEvent(s, m);
    case 'synced':
      return { ...s, status: 'live' };
    case 'you':
      return { ...s, you: m.you };
    case 'mine.question':
      return { ...s, mine: { ...s.mine, questions: { ...s.mine.questions, [m.question.id]: m.question } } };
    case 'attendees':
      return { ...s, attendees: m.count };
    case 'phase': {
      const { type: _t, ...phase } = m;
      return s.event ? { ...s, event: { ...s.event, ...(phase as RoomPhaseDto) } } : s;
    }
    case 'participants':
      return { ...s, participants: m.items };
    case 'degraded':
      return { ...s, degraded: { since: m.since } };
    case 'recovered':
      return { ...s, degraded: undefined };
    case 'stream':
      // the live video's state (went live, dropped, paused, ended): the player and the Go live panel follow it
      return s.event?.stream.kind === 'live' ? { ...s, event: { ...s.event, stream: { ...s.event.stream, status: m.status } } } : s;
    default:
      return s;
  }
}

/** Questions as this person sees them: pinned first, then most upvoted, then oldest. */
export function visibleQuestions(s: RoomState): QuestionDto[] {
  const all = { ...s.questions };
  for (const q of Object.values(s.mine.questions)) if (!all[q.id] || all[q.id].rev < q.rev) all[q.id] = q;
  return Object.values(all)
    .filter((q) => q.status !== 'dismissed' || seesStaff(s) || s.mine.questions[q.id])
    .sort((a, b) => Number(b.pinned) - Number(a.pinned) || b.upvotes - a.upvotes || a.createdAt.localeCompare(b.createdAt));
}
