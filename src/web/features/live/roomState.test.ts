import { describe, expect, it } from 'vitest';
import type { QuestionDto, RoomMessageDto, ServerMessage, YouDto } from '../../../contracts/live.js';
import { initialRoomState, roomReducer, visibleQuestions, type RoomState } from './roomState.js';

const at = '2026-11-27T09:00:00.000Z';
const msg = (id: string, body = id): RoomMessageDto => ({ id, channel: 'chat', author: { id: 'p', name: 'P', role: 'viewer' }, body, likes: 0, createdAt: at });
const q = (id: string, over: Partial<QuestionDto> = {}): QuestionDto => ({ id, author: null, body: id, status: 'approved', pinned: false, upvotes: 0, answer: null, answeredLiveAt: null, createdAt: at, rev: 0, ...over });
const you = (role: 'viewer' | 'moderator'): YouDto => ({
  participantId: 'me',
  name: 'Me',
  role,
  panels: role === 'viewer' ? ['chat', 'qa', 'polls'] : ['chat', 'qa', 'polls', 'backchannel', 'participants'],
  capabilities: role === 'viewer' ? ['chat.send'] : ['chat.send', 'backchannel.read'],
  muted: false,
});
const serve = (s: RoomState, ...messages: ServerMessage[]) => messages.reduce((acc, message) => roomReducer(acc, { type: 'server', message, receivedAt: Date.parse(at) }), s);
const snapshot = (streams: { public: number; staff?: number }, over: Partial<Extract<ServerMessage, { type: 'snapshot' }>> = {}): ServerMessage => ({
  type: 'snapshot',
  streams,
  messages: [],
  announcements: [],
  questions: [],
  polls: [],
  mine: { likes: [], upvotes: [], votes: {}, questions: [] },
  ...over,
});
const ev = (stream: 'public' | 'staff', seq: number, event: Extract<ServerMessage, { type: 'event' }>['event']): ServerMessage => ({ type: 'event', stream, seq, at, event });

describe('room state in the browser', () => {
  it('applies events after the snapshot once, in sequence, and remembers where it is', () => {
    let s = serve(initialRoomState, { type: 'you', you: you('viewer') }, snapshot({ public: 3 }, { messages: [msg('a')] }));
    s = serve(s, ev('public', 3, { kind: 'message', message: msg('old') }), ev('public', 4, { kind: 'message', message: msg('b') }), ev('public', 4, { kind: 'message', message: msg('b') }));
    expect(s.messages.map((m) => m.id)).toEqual(['a', 'b']);
    expect(s.cursors).toEqual({ public: 4 });
    s = serve(s, ev('public', 5, { kind: 'message.likes', id: 'b', likes: 2 }), ev('public', 6, { kind: 'message.removed', id: 'a', channel: 'chat' }));
    expect(s.messages).toEqual([{ ...msg('b'), likes: 2 }]);
    // a stream this role does not hold is ignored entirely
    s = serve(s, ev('staff', 1, { kind: 'message', message: { ...msg('secret'), channel: 'backchannel' } }));
    expect(s.backchannel).toBeUndefined();
  });

  it('keeps the newest question revision whichever stream brings it; staff follow the staff stream', () => {
    let s = serve(initialRoomState, { type: 'you', you: you('moderator') }, snapshot({ public: 0, staff: 0 }));
    s = serve(s, ev('staff', 1, { kind: 'question', question: q('q1', { status: 'pending', rev: 0 }) }));
    s = serve(s, ev('staff', 2, { kind: 'question', question: q('q1', { status: 'approved', rev: 1 }) }));
    s = serve(s, ev('public', 1, { kind: 'question', question: q('q1', { status: 'approved', rev: 1, upvotes: 0 }) }));
    s = serve(s, ev('staff', 3, { kind: 'question', question: q('q1', { status: 'approved', rev: 3, upvotes: 2 }) }));
    s = serve(s, ev('staff', 4, { kind: 'question', question: q('q1', { status: 'approved', rev: 2, upvotes: 1 }) }));
    expect(s.questions.q1).toMatchObject({ rev: 3, upvotes: 2 });
  });

  it('shows viewers approved questions and their own waiting ones, pinned and most upvoted first', () => {
    let s = serve(
      initialRoomState,
      { type: 'you', you: you('viewer') },
      snapshot({ public: 0 }, { questions: [q('low'), q('high', { upvotes: 5 }), q('pin', { pinned: true })], mine: { likes: [], upvotes: [], votes: {}, questions: [q('mine', { status: 'pending' })] } }),
    );
    s = serve(s, ev('public', 1, { kind: 'question', question: q('low', { status: 'dismissed', rev: 1 }) }));
    expect(visibleQuestions(s).map((x) => x.id)).toEqual(['pin', 'high', 'mine']);
  });

  it('follows role changes, phase changes and counts; a new snapshot replaces everything', () => {
    let s = serve(initialRoomState, snapshot({ public: 9 }, { messages: [msg('a')] }), { type: 'attendees', count: 3 });
    s = serve(s, { type: 'you', you: you('moderator') }, snapshot({ public: 9, staff: 2 }, { messages: [msg('a')], backchannel: [] }));
    expect(s.cursors).toEqual({ public: 9, staff: 2 });
    expect(s.backchannel).toEqual([]);
    expect(s.attendees).toBe(3);
    s = serve(s, { type: 'you', you: you('viewer') }, snapshot({ public: 9 }, { messages: [msg('a')] }));
    expect(s.backchannel).toBeUndefined();
    expect(s.cursors).toEqual({ public: 9 });
  });

  it('holds the degraded notice until the server says it recovered, or a new connection starts', () => {
    const welcome: ServerMessage = {
      type: 'welcome',
      you: you('viewer'),
      event: { id: 'e', title: 'T', kind: 'webcast', qaMode: 'open', stream: { kind: 'placeholder', message: 'soon' }, phase: 'live', opensAt: at, closesAt: at, early: false },
      serverNow: at,
      limits: {} as Extract<ServerMessage, { type: 'welcome' }>['limits'],
    };
    let s = serve(initialRoomState, welcome, snapshot({ public: 0 }), { type: 'degraded', reason: 'cluster_unreachable', since: at });
    expect(s.degraded).toEqual({ since: at });
    // live events keep coming meanwhile (from this server)
    s = serve(s, ev('public', 1, { kind: 'message', message: msg('a') }));
    expect(s.degraded).toEqual({ since: at });
    expect(serve(s, { type: 'recovered' }).degraded).toBeUndefined();
    expect(serve(s, welcome).degraded).toBeUndefined();
  });
  it('follows the live stream status from stream messages; other kinds of stream are left alone', () => {
    const status = (state: 'waiting' | 'live' | 'reconnecting' | 'ended') => ({ state, reason: state === 'ended' ? ('stopped' as const) : null, source: 'webcast' as const, publisherName: 'Sam', since: at, reconnectUntil: null });
    const welcome = (stream: Extract<ServerMessage, { type: 'welcome' }>['event']['stream']): ServerMessage => ({
      type: 'welcome',
      you: you('viewer'),
      event: { id: 'e', title: 'T', kind: 'webcast', qaMode: 'open', stream, phase: 'live', opensAt: at, closesAt: at, early: false },
      serverNow: at,
      limits: {} as Extract<ServerMessage, { type: 'welcome' }>['limits'],
    });
    let s = serve(initialRoomState, welcome({ kind: 'live', playbackUrl: '/api/events/e/live', status: status('waiting') }));
    s = serve(s, { type: 'stream', status: status('live') }, { type: 'stream', status: status('reconnecting') });
    expect(s.event?.stream).toEqual({ kind: 'live', playbackUrl: '/api/events/e/live', status: status('reconnecting') });
    s = serve(s, { type: 'stream', status: status('ended') });
    expect(s.event?.stream.kind === 'live' && s.event.stream.status.state).toBe('ended');
    const placeholder = serve(initialRoomState, welcome({ kind: 'placeholder', message: 'soon' }), { type: 'stream', status: status('live') });
    expect(placeholder.event?.stream).toEqual({ kind: 'placeholder', message: 'soon' });
  });
});
