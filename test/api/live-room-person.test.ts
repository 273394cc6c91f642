import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerMessage } from '../../src/contracts/live.js';
import { Agent, createTestApp, signUp, type TestApp } from '../factories/app.js';
import { testDialects } from '../factories/database.js';
import { changeRole, passLobby, reinvite, sessionIdOf, type InvitedGuest } from '../factories/guests.js';
import { invite } from '../factories/invites.js';
import { createEvent, liveNow, roomCast } from '../factories/live.js';
import { RoomClient, listenForSockets } from '../factories/room-client.js';

type Msg<T extends ServerMessage['type']> = Extract<ServerMessage, { type: T }>;

const idOf = (m: ServerMessage) => {
  if (m.type !== 'ack' || !m.id) throw new Error(`expected an ack with an id, got ${JSON.stringify(m)}`);
  return m.id;
};

/**
 * The participant of a room is the person (the invited address on this media, or the account), not the
 * browser session: passing the lobby again, a new link, another device, an account or a role change
 * keep the person's mute, own content, votes and their one line among the participants.
 */
describe.each(testDialects())('the person in a live room on %s', (dialect) => {
  let t: TestApp;
  let base: string;
  beforeAll(async () => {
    t = await createTestApp({ dialect });
    base = await listenForSockets(t.app);
  });
  afterAll(async () => t?.close());

  /**
   * A live event with a moderator and a viewer in the room. The viewer has chatted, liked the
   * moderator's message, upvoted the moderator's question and answered a poll; then the moderator mutes them.
   */
  async function mutedViewer() {
    const owner = await signUp(t, { name: 'Olga Owner' });
    const id = (await createEvent(t, owner.agent, liveNow(t, { qaMode: 'open' }))).event.id;
    const [mod, viewer] = await roomCast(t, id, ['moderator', 'viewer']);
    const cm = await RoomClient.join(base, id, mod.agent);
    const cv = await RoomClient.join(base, id, viewer.agent);
    const me = (await cv.next('welcome')).you;
    const modMessage = idOf(await cm.request({ type: 'chat.send', body: 'welcome, everyone' }));
    const modQuestion = idOf(await cm.request({ type: 'question.ask', body: 'Can everyone hear us?' }));
    const poll = idOf(await cm.request({ type: 'poll.launch', question: 'Tea or coffee?', options: ['Tea', 'Coffee'] }));
    const ownMessage = idOf(await cv.request({ type: 'chat.send', body: 'hello from the viewer' }));
    const ownQuestion = idOf(await cv.request({ type: 'question.ask', body: 'Will slides be shared?' }));
    expect((await cv.request({ type: 'chat.like', messageId: modMessage, liked: true })).type).toBe('ack');
    expect((await cv.request({ type: 'question.upvote', questionId: modQuestion, upvoted: true })).type).toBe('ack');
    expect((await cv.request({ type: 'poll.vote', pollId: poll, optionIds: ['o2'] })).type).toBe('ack');
    expect((await cm.request({ type: 'person.mute', participantId: me.participantId, muted: true })).type).toBe('ack');
    await cv.waitFor((m) => m.type === 'you' && m.you.muted);
    expect(await cv.request({ type: 'chat.send', body: 'still there?' })).toMatchObject({ error: { code: 'muted' } });
    await cv.close();
    return { owner, id, mod, viewer, cm, participantId: me.participantId, modMessage, modQuestion, poll, ownMessage, ownQuestion };
  }
  type Room = Awaited<ReturnType<typeof mutedViewer>>;

  /** What a fresh socket of the person shows: the same participant, muted, their content still theirs, nothing counted twice. */
  async function expectSamePerson(r: Room, c: RoomClient, opts: { role: string; muted: boolean }) {
    const welcome = await c.next('welcome');
    expect(welcome.you).toMatchObject({ participantId: r.participantId, role: opts.role, muted: opts.muted });
    const snap = await c.waitFor((m): m is Msg<'snapshot'> => m.type === 'snapshot');
    // own message: authored by this participant, as the web app marks "own"
    expect(snap.messages.find((m) => m.id === r.ownMessage)?.author.id).toBe(welcome.you.participantId);
    expect(snap.questions.find((q) => q.id === r.ownQuestion)?.author?.id).toBe(welcome.you.participantId);
    expect(snap.mine.likes).toEqual([r.modMessage]);
    expect(snap.mine.upvotes).toEqual([r.modQuestion]);
    expect(snap.mine.votes).toEqual({ [r.poll]: ['o2'] });
    // a vote, like or upvote already given is not given twice
    expect(await c.request({ type: 'poll.vote', pollId: r.poll, optionIds: ['o1'] })).toMatchObject({ error: { code: 'conflict' } });
    expect((await c.request({ type: 'chat.like', messageId: r.modMessage, liked: true })).type).toBe('ack');
    expect((await c.request({ type: 'question.upvote', questionId: r.modQuestion, upvoted: true })).type).toBe('ack');
    const staffView = await RoomClient.join(base, r.id, r.mod.agent);
    const after = await staffView.next('snapshot');
    expect(after.messages.find((m) => m.id === r.modMessage)?.likes).toBe(1);
    expect(after.questions.find((q) => q.id === r.modQuestion)?.upvotes).toBe(1);
    expect(after.polls.find((p) => p.id === r.poll)?.results).toMatchObject({ counts: { o2: 1 }, voters: 1 });
    await staffView.close();
    // muted or not, as the person is
    const chat = await c.request({ type: 'chat.send', body: 'can I talk?' });
    if (opts.muted) expect(chat).toMatchObject({ error: { code: 'muted' } });
    else expect(chat.type).toBe('ack');
    return welcome.you;
  }

  async function participants(r: Room) {
    const list = await r.cm.request({ type: 'participants.list' });
    if (list.type !== 'participants') throw new Error(`expected participants, got ${JSON.stringify(list)}`);
    return list.items;
  }

  it('a muted guest who passes the lobby again on the link they used is still muted, with their own content, listed once', async () => {
    const r = await mutedViewer();
    const before = sessionIdOf(r.viewer.agent);
    // re-entry on the used (single-use) link in the same browser: the session rotates
    await passLobby(r.viewer.agent, r.viewer.link, r.viewer.email);
    expect(sessionIdOf(r.viewer.agent)).not.toBe(before);
    const again = await RoomClient.join(base, r.id, r.viewer.agent);
    await expectSamePerson(r, again, { role: 'viewer', muted: true });
    expect(await again.request({ type: 'question.ask', body: 'and now?' })).toMatchObject({ error: { code: 'muted' } });
    const people = await participants(r);
    expect(people.filter((p) => p.name === r.viewer.name)).toEqual([{ id: r.participantId, name: r.viewer.name, role: 'viewer', online: true, devices: 1, muted: true }]);
    expect(people).toHaveLength(2);
    await Promise.all([again.close(), r.cm.close()]);
  });

  it('a new link opened on another device is the same person; two sessions of one person are one participant, online once', async () => {
    const r = await mutedViewer();
    const first = await RoomClient.join(base, r.id, r.viewer.agent);
    // the owner sends the person a new link; they open it on a second device and pass its lobby
    const newLink = await invite(t, r.owner.agent, r.id, { email: r.viewer.email, role: 'viewer', firstName: r.viewer.name, lastName: '' });
    const phone = new Agent(t.app);
    await passLobby(phone, newLink.link, r.viewer.email);
    expect(sessionIdOf(phone)).not.toBe(sessionIdOf(r.viewer.agent));
    const second = await RoomClient.join(base, r.id, phone);
    await expectSamePerson(r, second, { role: 'viewer', muted: true });
    const people = await participants(r);
    // listed once, with both devices counted
    expect(people.filter((p) => p.name === r.viewer.name)).toEqual([{ id: r.participantId, name: r.viewer.name, role: 'viewer', online: true, devices: 2, muted: true }]);
    expect(people).toHaveLength(2);
    // an unmute reaches every session of the person
    expect((await r.cm.request({ type: 'person.mute', participantId: r.participantId, muted: false })).type).toBe('ack');
    await first.waitFor((m) => m.type === 'you' && !m.you.muted);
    await second.waitFor((m) => m.type === 'you' && !m.you.muted);
    expect((await first.request({ type: 'chat.send', body: 'back on the laptop' })).type).toBe('ack');
    // one attendee, however many of their sessions are in: with the moderator gone, the person is alone
    await r.cm.close();
    await second.waitFor((m) => m.type === 'attendees' && m.count === 1);
    await first.waitFor((m) => m.type === 'attendees' && m.count === 1);
    await Promise.all([first.close(), second.close()]);
  });

  it('the owner changes the role and the person passes the lobby again: same participant, still muted, in the new role', async () => {
    const r = await mutedViewer();
    await changeRole(r.owner.agent, r.id, r.viewer.inviteId, 'speaker');
    await passLobby(r.viewer.agent, r.viewer.link, r.viewer.email);
    const again = await RoomClient.join(base, r.id, r.viewer.agent);
    await expectSamePerson(r, again, { role: 'speaker', muted: true });
    expect(await again.request({ type: 'backchannel.send', body: 'psst' })).toMatchObject({ error: { code: 'muted' } });
    const people = await participants(r);
    expect(people.filter((p) => p.name === r.viewer.name)).toEqual([{ id: r.participantId, name: r.viewer.name, role: 'speaker', online: true, devices: 1, muted: true }]);
    await Promise.all([again.close(), r.cm.close()]);
  });

  it('a newer invite with a higher role (the session rotates) keeps the person: still muted as a speaker', async () => {
    const r = await mutedViewer();
    const open = await RoomClient.join(base, r.id, r.viewer.agent);
    const before = sessionIdOf(r.viewer.agent);
    const upgraded = await reinvite(t, r.owner.agent, r.id, r.viewer as InvitedGuest, 'speaker');
    expect(upgraded.sessionId).not.toBe(before);
    // the open socket follows the upgrade, as the same participant
    expect((await open.waitFor((m): m is Msg<'you'> => m.type === 'you' && m.you.role === 'speaker')).you).toMatchObject({ participantId: r.participantId, muted: true });
    const again = await RoomClient.join(base, r.id, r.viewer.agent);
    await expectSamePerson(r, again, { role: 'speaker', muted: true });
    const people = await participants(r);
    expect(people.filter((p) => p.id === r.participantId)).toEqual([expect.objectContaining({ role: 'speaker', online: true, muted: true })]);
    expect(people).toHaveLength(2);
    await Promise.all([open.close(), again.close(), r.cm.close()]);
  });

  it('a muted person made a moderator may speak; back to viewer, the mute holds again', async () => {
    const r = await mutedViewer();
    const upgrade = await reinvite(t, r.owner.agent, r.id, r.viewer as InvitedGuest, 'moderator');
    const asModerator = await RoomClient.join(base, r.id, r.viewer.agent);
    const you = (await asModerator.next('welcome')).you;
    expect(you).toMatchObject({ participantId: r.participantId, role: 'moderator', muted: false });
    expect((await asModerator.request({ type: 'chat.send', body: 'moderating now' })).type).toBe('ack');
    expect((await participants(r)).find((p) => p.id === r.participantId)).toMatchObject({ role: 'moderator', muted: false });
    // the owner's explicit change may go down: the person is a viewer again, and muted again
    await changeRole(r.owner.agent, r.id, upgrade.inviteId, 'viewer');
    expect((await asModerator.waitFor((m): m is Msg<'you'> => m.type === 'you' && m.you.role === 'viewer')).you.muted).toBe(true);
    expect(await asModerator.request({ type: 'chat.send', body: 'and now?' })).toMatchObject({ error: { code: 'muted' } });
    await Promise.all([asModerator.close(), r.cm.close()]);
  });

  it('a guest who later logs in with an account of the invited, verified address is the same person', async () => {
    const r = await mutedViewer();
    const account = await signUp(t, { email: r.viewer.email, name: 'Vera Viewer' });
    // a new link to the same person; logged in with the verified address, the lobby attaches access to the account
    const newLink = await invite(t, r.owner.agent, r.id, { email: r.viewer.email, role: 'viewer' });
    await passLobby(account.agent, newLink.link, r.viewer.email);
    const grants = await t.db.database.db.selectFrom('grants').select(['user_id', 'session_id']).where('media_id', '=', r.id).where('email_canonical', '=', r.viewer.email.toLowerCase()).where('revoked_at', 'is', null).execute();
    expect(grants.some((g) => g.user_id === account.user.id)).toBe(true);
    const c = await RoomClient.join(base, r.id, account.agent);
    const you = await expectSamePerson(r, c, { role: 'viewer', muted: true });
    expect(you.name).toBe('Vera Viewer');
    expect((await participants(r)).filter((p) => p.id === r.participantId || p.name === 'Vera Viewer')).toHaveLength(1);
    await Promise.all([c.close(), r.cm.close()]);
  });

  it('logging in to another account and typing the invited address in the lobby does not make a new, unmuted participant', async () => {
    const r = await mutedViewer();
    // an unverified account of someone (the person, or anyone who knows the address): the lobby asks for the email
    const other = await signUp(t, { name: 'Someone Else', verify: false });
    const newLink = await invite(t, r.owner.agent, r.id, { email: r.viewer.email, role: 'viewer' });
    await passLobby(other.agent, newLink.link, r.viewer.email);
    const c = await RoomClient.join(base, r.id, other.agent);
    await expectSamePerson(r, c, { role: 'viewer', muted: true });
    const people = await participants(r);
    expect(people.filter((p) => p.id === r.participantId)).toHaveLength(1);
    expect(people).toHaveLength(2);
    await Promise.all([c.close(), r.cm.close()]);
  });
});
