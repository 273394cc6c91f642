import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerMessage } from '../../src/contracts/live.js';
import { roomCloseCodes, roomLimits } from '../../src/contracts/live.js';
import { Agent, createTestApp, signUp, type TestApp } from '../factories/app.js';
import { testDialects } from '../factories/database.js';
import { createEvent, liveNow, roomCast } from '../factories/live.js';
import { RoomClient, listenForSockets } from '../factories/room-client.js';

type Ev = Extract<ServerMessage, { type: 'event' }>;

describe.each(testDialects())('live room socket on %s', (dialect) => {
  let t: TestApp;
  let base: string;
  beforeAll(async () => {
    t = await createTestApp({ dialect });
    base = await listenForSockets(t.app);
  });
  afterAll(async () => t?.close());

  async function openEvent(over: Record<string, unknown> = {}) {
    const owner = await signUp(t, { name: 'Olga Owner' });
    const page = await createEvent(t, owner.agent, liveNow(t, over));
    return { owner, id: page.event.id };
  }

  it('admits a visitor with a grant: welcome in their role, then the room’s state', async () => {
    const { owner, id } = await openEvent();
    const [viewer] = await roomCast(t, id, ['viewer']);
    const c = await RoomClient.join(base, id, viewer.agent);
    const welcome = await c.next('welcome');
    expect(welcome.you).toMatchObject({ role: 'viewer', name: 'viewer-0', panels: ['chat', 'qa', 'polls'], muted: false });
    expect(welcome.you.capabilities).not.toContain('backchannel.read');
    expect(welcome.event).toMatchObject({ id, kind: 'webcast', phase: 'live', stream: { kind: 'live', playbackUrl: `/api/events/${id}/live`, status: { state: 'waiting' } } });
    expect(welcome.serverNow).toBe(new Date(t.clock.now).toISOString());
    expect(welcome.limits.questionChars).toBe(500);
    const snap = await c.next('snapshot');
    expect(snap.streams).toEqual({ public: 0 });
    expect(snap).not.toHaveProperty('backchannel');
    const o = await RoomClient.join(base, id, owner.agent);
    expect((await o.next('welcome')).you).toMatchObject({ role: 'owner', name: 'Olga Owner', panels: ['chat', 'qa', 'polls', 'backchannel', 'participants'] });
    expect((await o.next('snapshot')).streams).toEqual({ public: 0, staff: 0 });
    await Promise.all([c.close(), o.close()]);
  });

  it('refuses a visitor without a grant with the error shape, and closes', async () => {
    const { id } = await openEvent();
    const anonymous = await RoomClient.open(base, id, new Agent(t.app));
    expect((await anonymous.next('error')).error.code).toBe('unauthenticated');
    expect((await anonymous.closed).code).toBe(roomCloseCodes.unauthenticated);
    const stranger = await signUp(t);
    const s = await RoomClient.open(base, id, stranger.agent);
    expect((await s.next('error')).error).toMatchObject({ code: 'not_found', message: expect.any(String) });
    expect((await s.closed).code).toBe(roomCloseCodes.not_found);
    expect(s.received.some((m) => m.type === 'welcome' || m.type === 'snapshot')).toBe(false);
  });

  it('refuses a socket from a foreign Origin before upgrading', async () => {
    const { owner, id } = await openEvent();
    await expect(RoomClient.open(base, id, owner.agent, { origin: 'https://evil.example' })).rejects.toMatchObject({ statusCode: 403 });
    await expect(RoomClient.open(base, id, owner.agent, { origin: '' })).rejects.toMatchObject({ statusCode: 403 });
  });

  it('lets moderators and speakers in early; viewers wait for the start', async () => {
    const owner = await signUp(t);
    const page = await createEvent(t, owner.agent, {
      startsAt: new Date(t.clock.now + 10 * 60_000).toISOString(),
      endsAt: new Date(t.clock.now + 70 * 60_000).toISOString(),
    });
    const [viewer, speaker] = await roomCast(t, page.event.id, ['viewer', 'speaker']);
    const v = await RoomClient.open(base, page.event.id, viewer.agent);
    const err = await v.next('error');
    expect(err.error).toMatchObject({ code: 'event_not_started', details: { enterAt: page.event.startsAt } });
    expect((await v.closed).code).toBe(roomCloseCodes.forbidden);
    const s = await RoomClient.join(base, page.event.id, speaker.agent);
    expect((await s.next('welcome')).event).toMatchObject({ phase: 'scheduled', early: true });
    // the owner opens the event: the early room hears the phase change
    await owner.agent.post(`/api/events/${page.event.id}/start`);
    expect(await s.next('phase')).toMatchObject({ phase: 'live', early: false });
    const v2 = await RoomClient.join(base, page.event.id, viewer.agent);
    expect((await v2.next('welcome')).event.phase).toBe('live');
    await Promise.all([s.close(), v2.close()]);
  });

  it('chat: messages reach everyone in order, with likes and deletes by the rules', async () => {
    const { id } = await openEvent();
    const [a, b, mod] = await roomCast(t, id, ['viewer', 'viewer', 'moderator']);
    const ca = await RoomClient.join(base, id, a.agent);
    const cb = await RoomClient.join(base, id, b.agent);
    const cm = await RoomClient.join(base, id, mod.agent);
    const ack = await ca.request({ type: 'chat.send', body: '  Hello room  ' });
    expect(ack.type).toBe('ack');
    const msgId = (ack as { id: string }).id;
    const seen = await cb.event('message');
    expect(seen.event).toMatchObject({ kind: 'message', message: { id: msgId, body: 'Hello room', channel: 'chat', author: { name: 'viewer-0', role: 'viewer' }, likes: 0 } });
    expect(seen.stream).toBe('public');
    expect((await cb.request({ type: 'chat.like', messageId: msgId, liked: true })).type).toBe('ack');
    expect((await ca.event('message.likes')).event).toEqual({ kind: 'message.likes', id: msgId, likes: 1 });
    // liking twice changes nothing
    await cb.request({ type: 'chat.like', messageId: msgId, liked: true });
    const refused = await cb.request({ type: 'message.delete', messageId: msgId });
    expect(refused).toMatchObject({ type: 'error', error: { code: 'forbidden', details: { action: 'chat.delete_any' } } });
    const own = await cb.request({ type: 'chat.send', body: 'mine' });
    expect((await cb.request({ type: 'message.delete', messageId: (own as { id: string }).id })).type).toBe('ack');
    expect((await cm.request({ type: 'message.delete', messageId: msgId })).type).toBe('ack');
    await ca.event('message.removed', (e) => e.event.kind === 'message.removed' && e.event.id === msgId);
    const seqs = ca.events().map((e) => e.seq);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    expect(ca.events().filter((e) => e.event.kind === 'message.likes')).toHaveLength(1);
    const fresh = await RoomClient.join(base, id, b.agent);
    expect((await fresh.next('snapshot')).messages.map((m) => m.body)).toEqual([]);
    await Promise.all([ca.close(), cb.close(), cm.close(), fresh.close()]);
  });

  it('pre-moderated Q&A: a question waits for approval, then everyone sees it; anonymous hides the author', async () => {
    const { id } = await openEvent();
    const [asker, other, mod, speaker] = await roomCast(t, id, ['viewer', 'viewer', 'moderator', 'speaker']);
    const ca = await RoomClient.join(base, id, asker.agent);
    const co = await RoomClient.join(base, id, other.agent);
    const cm = await RoomClient.join(base, id, mod.agent);
    const cs = await RoomClient.join(base, id, speaker.agent);
    const ask = await ca.request({ type: 'question.ask', body: 'When is the next release?', anonymous: true });
    const qid = (ask as { id: string }).id;
    const mine = await ca.next('mine.question');
    expect(mine.question).toMatchObject({ id: qid, status: 'pending', author: null });
    const staffCopy = await cm.event('question', (e) => e.stream === 'staff');
    expect(staffCopy.event).toMatchObject({ question: { id: qid, status: 'pending', author: null, body: 'When is the next release?' } });
    await cs.event('question', (e) => e.stream === 'staff');
    // a speaker cannot approve, a viewer cannot see it, and answering waits for approval
    expect(await cs.request({ type: 'question.moderate', questionId: qid, action: 'approve' })).toMatchObject({ error: { code: 'forbidden' } });
    expect(await co.request({ type: 'question.upvote', questionId: qid, upvoted: true })).toMatchObject({ error: { code: 'not_found' } });
    expect(await cs.request({ type: 'question.answer', questionId: qid, text: 'Soon' })).toMatchObject({ error: { code: 'conflict' } });
    expect((await cm.request({ type: 'question.moderate', questionId: qid, action: 'approve' })).type).toBe('ack');
    const pub = await co.event('question');
    expect(pub.stream).toBe('public');
    expect(pub.event).toMatchObject({ question: { id: qid, status: 'approved', author: null } });
    await ca.event('question', (e) => e.stream === 'public');
    expect((await co.request({ type: 'question.upvote', questionId: qid, upvoted: true })).type).toBe('ack');
    await ca.event('question', (e) => e.event.kind === 'question' && e.event.question.upvotes === 1);
    expect((await cm.request({ type: 'question.moderate', questionId: qid, action: 'pin' })).type).toBe('ack');
    expect((await cs.request({ type: 'question.answer', questionId: qid, text: 'In December.' })).type).toBe('ack');
    expect((await cs.request({ type: 'question.mark_answered_live', questionId: qid })).type).toBe('ack');
    const last = await co.event('question', (e) => e.event.kind === 'question' && e.event.question.answeredLiveAt !== null);
    expect(last.event).toMatchObject({ question: { pinned: true, upvotes: 1, answer: { text: 'In December.', by: 'speaker-3' } } });
    expect(co.events().every((e) => e.stream === 'public')).toBe(true);
    const tooLong = await ca.request({ type: 'question.ask', body: 'x'.repeat(roomLimits.questionChars + 1) });
    expect(tooLong).toMatchObject({ type: 'error', error: { code: 'validation_failed', details: { body: expect.any(String) } } });
    // viewers' history shows approved questions only; the asker also sees their own waiting ones
    const before = ca.received.length;
    const q2 = await ca.request({ type: 'question.ask', body: 'Second one' });
    await ca.next('mine.question', { from: before });
    const again = await RoomClient.join(base, id, asker.agent);
    const snap = await again.next('snapshot');
    expect(snap.questions.map((q) => q.id)).toEqual([qid]);
    expect(snap.mine.questions.map((q) => q.id)).toEqual([(q2 as { id: string }).id]);
    expect(snap.mine.upvotes).toEqual([]);
    await Promise.all([ca, co, cm, cs, again].map((c) => c.close()));
  });

  it('open Q&A shows questions at once; a dismissed one disappears for viewers and can be reopened', async () => {
    const { id } = await openEvent({ qaMode: 'open' });
    const [viewer, mod] = await roomCast(t, id, ['viewer', 'moderator']);
    const cv = await RoomClient.join(base, id, viewer.agent);
    const cm = await RoomClient.join(base, id, mod.agent);
    const ask = await cv.request({ type: 'question.ask', body: 'Open question?' });
    const qid = (ask as { id: string }).id;
    expect((await cv.event('question')).event).toMatchObject({ question: { id: qid, status: 'approved', author: { name: 'viewer-0' } } });
    await cm.request({ type: 'question.moderate', questionId: qid, action: 'dismiss' });
    // Viewers get a tombstone on the public stream: the id, never the text again.
    const gone = await cv.event('question.removed');
    expect(gone.stream).toBe('public');
    expect(gone.event).toEqual({ kind: 'question.removed', id: qid });
    expect(JSON.stringify(cv.received.filter((m) => m.type === 'event' && m.seq >= gone.seq))).not.toContain('Open question?');
    // Moderators still see the dismissed question in full on the staff stream.
    expect((await cm.event('question', (e) => e.event.kind === 'question' && e.event.question.status === 'dismissed')).stream).toBe('staff');
    await cm.request({ type: 'question.moderate', questionId: qid, action: 'reopen' });
    await cv.event('question', (e) => e.event.kind === 'question' && e.event.question.status === 'approved' && e.event.question.rev === 2);
    await Promise.all([cv.close(), cm.close()]);
  });

  it('the backchannel is invisible to viewers in every way', async () => {
    const { id } = await openEvent();
    const [viewer, speaker, mod] = await roomCast(t, id, ['viewer', 'speaker', 'moderator']);
    const cv = await RoomClient.join(base, id, viewer.agent);
    const cs = await RoomClient.join(base, id, speaker.agent);
    const cm = await RoomClient.join(base, id, mod.agent);
    const sent = await cs.request({ type: 'backchannel.send', body: 'Slides ready?' });
    const got = await cm.event('message', (e) => e.stream === 'staff');
    expect(got.event).toMatchObject({ message: { id: (sent as { id: string }).id, channel: 'backchannel', body: 'Slides ready?' } });
    expect(await cv.request({ type: 'backchannel.send', body: 'let me in' })).toMatchObject({ error: { code: 'forbidden' } });
    expect(await cv.request({ type: 'chat.like', messageId: (sent as { id: string }).id, liked: true })).toMatchObject({ error: { code: 'not_found' } });
    // a public message after the backchannel one: the viewer's sequence has no hole where it was
    await cm.request({ type: 'chat.send', body: 'public' });
    await cv.event('message');
    const again = await RoomClient.join(base, id, viewer.agent);
    const snap = await again.next('snapshot');
    expect(snap).not.toHaveProperty('backchannel');
    expect(snap.streams).toEqual({ public: cv.cursors().public });
    const all = JSON.stringify([...cv.received, ...again.received]);
    expect(all).not.toContain('Slides ready?');
    expect(all).not.toContain('"staff"');
    expect(cv.events().map((e) => e.seq)).toEqual([1]);
    await Promise.all([cv, cs, cm, again].map((c) => c.close()));
  });

  it('polls: launched by moderators, answered once, results shown when the moderator says so', async () => {
    const { id } = await openEvent();
    const [viewer, mod] = await roomCast(t, id, ['viewer', 'moderator']);
    const cv = await RoomClient.join(base, id, viewer.agent);
    const cm = await RoomClient.join(base, id, mod.agent);
    expect(await cv.request({ type: 'poll.launch', question: 'Q?', options: ['a', 'b'] })).toMatchObject({ error: { code: 'forbidden' } });
    const tooMany = await cm.request({ type: 'poll.launch', question: 'Q?', options: Array.from({ length: 11 }, (_, i) => `o${i}`) });
    expect(tooMany).toMatchObject({ error: { code: 'validation_failed' } });
    const launched = await cm.request({ type: 'poll.launch', question: 'Tea or coffee?', options: ['Tea', 'Coffee', 'Water'] });
    const pollId = (launched as { id: string }).id;
    const seen = await cv.event('poll');
    expect(seen.event).toMatchObject({ poll: { id: pollId, status: 'open', multiple: false, resultsShown: false, results: null, options: [{ id: 'o1', text: 'Tea' }, { id: 'o2', text: 'Coffee' }, { id: 'o3', text: 'Water' }] } });
    expect(await cv.request({ type: 'poll.vote', pollId, optionIds: ['o1', 'o2'] })).toMatchObject({ error: { code: 'validation_failed' } });
    expect((await cv.request({ type: 'poll.vote', pollId, optionIds: ['o2'] })).type).toBe('ack');
    expect(await cv.request({ type: 'poll.vote', pollId, optionIds: ['o1'] })).toMatchObject({ error: { code: 'conflict' } });
    const live = await cm.event('poll', (e) => e.stream === 'staff' && e.event.kind === 'poll' && e.event.poll.results?.voters === 1);
    expect(live.event).toMatchObject({ poll: { results: { counts: { o2: 1 }, voters: 1 } } });
    await cm.request({ type: 'poll.show_results', pollId, shown: true });
    const shown = await cv.event('poll', (e) => e.event.kind === 'poll' && e.event.poll.resultsShown);
    expect(shown.event).toMatchObject({ poll: { results: { counts: { o2: 1 }, voters: 1 } } });
    await cm.request({ type: 'poll.close', pollId });
    await cv.event('poll', (e) => e.event.kind === 'poll' && e.event.poll.status === 'closed');
    expect(await cv.request({ type: 'poll.vote', pollId, optionIds: ['o1'] })).toMatchObject({ error: { code: 'conflict' } });
    const again = await RoomClient.join(base, id, viewer.agent);
    expect((await again.next('snapshot')).mine.votes).toEqual({ [pollId]: ['o2'] });
    await Promise.all([cv, cm, again].map((c) => c.close()));
  });

  it('announcements reach everyone; a muted person cannot chat or ask until unmuted', async () => {
    const { id } = await openEvent();
    const [viewer, mod] = await roomCast(t, id, ['viewer', 'moderator']);
    const cv = await RoomClient.join(base, id, viewer.agent);
    const cm = await RoomClient.join(base, id, mod.agent);
    await cm.request({ type: 'announcement.send', body: 'Break in 5 minutes' });
    expect((await cv.event('message')).event).toMatchObject({ message: { channel: 'announcement', body: 'Break in 5 minutes' } });
    const you = (await cv.next('welcome')).you;
    const modId = (await cm.next('welcome')).you.participantId;
    expect(await cm.request({ type: 'person.mute', participantId: modId, muted: true })).toMatchObject({ error: { code: 'forbidden' } });
    expect((await cm.request({ type: 'person.mute', participantId: you.participantId, muted: true })).type).toBe('ack');
    expect((await cv.waitFor((m) => m.type === 'you' && m.you.muted))).toBeTruthy();
    expect(await cv.request({ type: 'chat.send', body: 'hello?' })).toMatchObject({ error: { code: 'muted' } });
    expect(await cv.request({ type: 'question.ask', body: 'hello?' })).toMatchObject({ error: { code: 'muted' } });
    const list = await cm.request({ type: 'participants.list' });
    expect(list.type).toBe('participants');
    expect((list as Extract<ServerMessage, { type: 'participants' }>).items).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: you.participantId, name: 'viewer-0', role: 'viewer', online: true, muted: true })]),
    );
    expect(await cv.request({ type: 'participants.list' })).toMatchObject({ error: { code: 'forbidden' } });
    await cm.request({ type: 'person.mute', participantId: you.participantId, muted: false });
    await cv.waitFor((m) => m.type === 'you' && !m.you.muted);
    expect((await cv.request({ type: 'chat.send', body: 'back' })).type).toBe('ack');
    await Promise.all([cv.close(), cm.close()]);
  });

  it('validates every message and limits size and rate per person, with clear errors', async () => {
    const { id } = await openEvent();
    const [viewer] = await roomCast(t, id, ['viewer']);
    const c = await RoomClient.open(base, id, viewer.agent);
    c.send({ type: 'chat.send', body: 'too early' });
    expect((await c.next('error')).error.message).toMatch(/hello/);
    c.send({ type: 'hello' });
    await c.next('synced');
    c.ws.send('not json');
    expect((await c.next('error', { from: c.received.length })).error).toMatchObject({ code: 'validation_failed', message: 'Messages must be JSON.' });
    const unknown = await c.request({ type: 'nope' } as never);
    expect(unknown).toMatchObject({ error: { code: 'validation_failed' } });
    c.ws.send(JSON.stringify({ type: 'chat.send', body: 'x'.repeat(roomLimits.frameBytes) }));
    expect((await c.waitFor((m) => m.type === 'error' && m.error.code === 'payload_too_large')).type).toBe('error');
    const results = [];
    for (let i = 0; i < 9; i++) results.push(await c.request({ type: 'chat.send', body: `m${i}` }));
    expect(results.slice(0, 8).every((r) => r.type === 'ack')).toBe(true);
    expect(results[8]).toMatchObject({ error: { code: 'rate_limited', details: { retryAfterMs: expect.any(Number) } } });
    expect((results[8] as Extract<ServerMessage, { type: 'error' }>).error.message).toMatch(/too fast/);
    await c.close();
  });

  it('a repeated client ref stores the message once', async () => {
    const { id } = await openEvent();
    const [viewer] = await roomCast(t, id, ['viewer']);
    const c = await RoomClient.join(base, id, viewer.agent);
    c.send({ type: 'chat.send', body: 'once', ref: 'same-ref' });
    const first = await c.waitFor((m) => m.type === 'ack' && m.ref === 'same-ref');
    c.send({ type: 'chat.send', body: 'once', ref: 'same-ref' });
    const second = await c.waitFor((m) => m.type === 'ack' && m.ref === 'same-ref' && m !== first);
    expect(second).toEqual(first);
    const again = await RoomClient.join(base, id, viewer.agent);
    expect((await again.next('snapshot')).messages.map((m) => m.body)).toEqual(['once']);
    await Promise.all([c.close(), again.close()]);
  });

  it('counts attendees across sockets, once per person', async () => {
    const { id } = await openEvent();
    const [a, b] = await roomCast(t, id, ['viewer', 'viewer']);
    const c1 = await RoomClient.join(base, id, a.agent);
    const c2 = await RoomClient.join(base, id, b.agent);
    const c3 = await RoomClient.join(base, id, b.agent);
    await c1.waitFor((m) => m.type === 'attendees' && m.count === 2);
    await c3.close();
    await c2.close();
    await c1.waitFor((m) => m.type === 'attendees' && m.count === 1);
    await c1.close();
  });

  it('shows the history on join and resumes after a dropped connection with no gap and no duplicate', async () => {
    const { id } = await openEvent();
    const [viewer, mod, mod2] = await roomCast(t, id, ['viewer', 'moderator', 'moderator']);
    const cm = await RoomClient.join(base, id, mod.agent);
    // a second sender, as one person may send only 8 messages in a burst
    const cm2 = await RoomClient.join(base, id, mod2.agent);
    for (let i = 1; i <= 3; i++) await cm.request({ type: 'chat.send', body: `before ${i}` });
    const cv = await RoomClient.join(base, id, viewer.agent);
    const snap = await cv.next('snapshot');
    expect(snap.messages.map((m) => m.body)).toEqual(['before 1', 'before 2', 'before 3']);
    await cm.request({ type: 'chat.send', body: 'live 4' });
    await cv.event('message', (e) => e.event.kind === 'message' && e.event.message.body === 'live 4');
    const cursor = cv.cursors();
    expect(cursor.public).toBe(4);
    await cv.drop();
    for (let i = 5; i <= 7; i++) await cm.request({ type: 'chat.send', body: `missed ${i}` });
    expect((await cm2.request({ type: 'backchannel.send', body: 'staff only' })).type).toBe('ack');
    const back = await RoomClient.open(base, id, viewer.agent);
    back.send({ type: 'hello', resume: cursor });
    const synced = await back.next('synced');
    expect(back.received.some((m) => m.type === 'snapshot')).toBe(false);
    const replayed = back.events();
    expect(replayed.map((e) => e.seq)).toEqual([5, 6, 7]);
    expect(replayed.map((e) => (e.event as Extract<Ev['event'], { kind: 'message' }>).message.body)).toEqual(['missed 5', 'missed 6', 'missed 7']);
    expect(synced.streams).toEqual({ public: 7 });
    expect((await cm2.request({ type: 'chat.send', body: 'after 8' })).type).toBe('ack');
    await back.event('message', (e) => e.seq === 8);
    expect(back.events().map((e) => e.seq)).toEqual([5, 6, 7, 8]);
    // a cursor too far back, or from another role, gets a snapshot instead
    const stale = await RoomClient.open(base, id, viewer.agent);
    stale.send({ type: 'hello', resume: { public: 0, staff: 0 } });
    expect((await stale.next('snapshot')).messages).toHaveLength(8);
    await Promise.all([cm, cm2, back, stale].map((c) => c.close()));
  });

  it('closes the room when the owner ends the event', async () => {
    const { owner, id } = await openEvent();
    const [viewer] = await roomCast(t, id, ['viewer']);
    const c = await RoomClient.join(base, id, viewer.agent);
    t.clock.advance(1);
    await owner.agent.post(`/api/events/${id}/end`);
    expect(await c.next('phase')).toMatchObject({ phase: 'ended' });
    expect((await c.next('error')).error.code).toBe('event_ended');
    expect((await c.closed).code).toBe(roomCloseCodes.gone);
    const late = await RoomClient.open(base, id, viewer.agent);
    expect((await late.next('error')).error.code).toBe('event_ended');
  });

  it('gives an unknown room a clear refusal', async () => {
    const owner = await signUp(t);
    const c = await RoomClient.open(base, 'no-such-event', owner.agent);
    expect((await c.next('error')).error.code).toBe('not_found');
  });
});
