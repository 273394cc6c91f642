import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientMessageInput, ServerMessage } from '../../src/contracts/live.js';
import { roomCloseCodes } from '../../src/contracts/live.js';
import { accessTopic, MemoryBus } from '../../src/server/adapters/bus/bus.js';
import { can, type RoomAction } from '../../src/server/domain/room-capabilities.js';
import { createTestApp, signUp, type TestApp } from '../factories/app.js';
import { testDialects } from '../factories/database.js';
import { changeRole, reinvite } from '../factories/guests.js';
import { createEvent, liveNow, roomCast } from '../factories/live.js';
import { RoomClient, listenForSockets } from '../factories/room-client.js';

type Err = Extract<ServerMessage, { type: 'error' }>;

/** The in-process bus, able to lose the access announcements of one media item (as a failed publish would). */
class LossyBus extends MemoryBus {
  readonly losing = new Set<string>();
  override async publish(topic: string, message: unknown): Promise<void> {
    if (this.losing.has(topic)) return;
    return super.publish(topic, message);
  }
}
const idOf = (m: ServerMessage) => {
  if (m.type !== 'ack' || !m.id) throw new Error(`expected an ack with an id, got ${JSON.stringify(m)}`);
  return m.id;
};

describe.each(testDialects())('live room roles on %s', (dialect) => {
  let t: TestApp;
  let base: string;
  const bus = new LossyBus();
  beforeAll(async () => {
    t = await createTestApp({ dialect, bus });
    base = await listenForSockets(t.app);
  });
  afterAll(async () => {
    await t?.close();
    await bus.close();
  });

  async function openEvent() {
    const owner = await signUp(t, { name: 'Olga Owner' });
    const page = await createEvent(t, owner.agent, liveNow(t));
    return { owner, id: page.event.id };
  }

  it.each(['viewer', 'speaker', 'moderator', 'owner'])('checks every room action of a %s against the capability table', async (role) => {
    const { owner, id } = await openEvent();
    const [setup, asker1, asker2, target, actorGuest] = await roomCast(t, id, ['moderator', 'viewer', 'viewer', 'viewer', role === 'owner' ? 'viewer' : role]);
    const cs = await RoomClient.join(base, id, setup.agent);
    const a1 = await RoomClient.join(base, id, asker1.agent);
    const a2 = await RoomClient.join(base, id, asker2.agent);
    const ct = await RoomClient.join(base, id, target.agent);
    const targetId = (await ct.next('welcome')).you.participantId;
    // what the actions act on, made by others
    const othersMessage = idOf(await cs.request({ type: 'chat.send', body: 'by someone else' }));
    const toApprove = idOf(await a1.request({ type: 'question.ask', body: 'approve me' }));
    const toDismiss = idOf(await a1.request({ type: 'question.ask', body: 'dismiss me' }));
    const toReopen = idOf(await a1.request({ type: 'question.ask', body: 'reopen me' }));
    const approved = idOf(await a2.request({ type: 'question.ask', body: 'approved' }));
    await cs.request({ type: 'question.moderate', questionId: approved, action: 'approve' });
    await cs.request({ type: 'question.moderate', questionId: toReopen, action: 'dismiss' });
    const poll = idOf(await cs.request({ type: 'poll.launch', question: 'Pick', options: ['a', 'b'] }));
    const poll2 = idOf(await cs.request({ type: 'poll.launch', question: 'Pick again', options: ['a', 'b'] }));

    const actor = await RoomClient.join(base, id, role === 'owner' ? owner.agent : actorGuest.agent);
    const welcome = await actor.next('welcome');
    expect(welcome.you.role).toBe(role);
    const own = await actor.request({ type: 'chat.send', body: 'mine' });

    const cases: Array<[RoomAction, ClientMessageInput]> = [
      ['chat.send', { type: 'chat.send', body: 'hi' }],
      ['chat.like', { type: 'chat.like', messageId: othersMessage, liked: true }],
      ['chat.delete_own', { type: 'message.delete', messageId: own.type === 'ack' ? own.id! : 'x' }],
      ['question.ask', { type: 'question.ask', body: 'a question' }],
      ['question.upvote', { type: 'question.upvote', questionId: approved, upvoted: true }],
      ['poll.vote', { type: 'poll.vote', pollId: poll, optionIds: ['o1'] }],
      ['backchannel.send', { type: 'backchannel.send', body: 'psst' }],
      ['question.answer', { type: 'question.answer', questionId: approved, text: 'an answer' }],
      ['question.mark_answered_live', { type: 'question.mark_answered_live', questionId: approved }],
      ['question.approve', { type: 'question.moderate', questionId: toApprove, action: 'approve' }],
      ['question.dismiss', { type: 'question.moderate', questionId: toDismiss, action: 'dismiss' }],
      ['question.pin', { type: 'question.moderate', questionId: approved, action: 'pin' }],
      ['question.reopen', { type: 'question.moderate', questionId: toReopen, action: 'reopen' }],
      ['chat.delete_any', { type: 'message.delete', messageId: othersMessage }],
      ['person.mute', { type: 'person.mute', participantId: targetId, muted: true }],
      ['poll.show_results', { type: 'poll.show_results', pollId: poll, shown: true }],
      ['poll.close', { type: 'poll.close', pollId: poll2 }],
      ['poll.launch', { type: 'poll.launch', question: 'New', options: ['x', 'y'] }],
      ['announcement.send', { type: 'announcement.send', body: 'hear ye' }],
      ['participants.list', { type: 'participants.list' }],
    ];
    for (const [action, msg] of cases) {
      const answer = await actor.request(msg);
      if (can(role, action)) {
        expect({ action, answer: answer.type }).toEqual({ action, answer: answer.type === 'participants' ? 'participants' : 'ack' });
      } else {
        expect({ action, error: (answer as Err).error }).toMatchObject({ action, error: { code: 'forbidden', details: { action } } });
      }
    }
    // reading the backchannel follows the same table
    const snap = await actor.next('snapshot');
    expect('backchannel' in snap).toBe(can(role, 'backchannel.read'));
    expect(welcome.you.capabilities.includes('participants.list')).toBe(can(role, 'participants.list'));
    await Promise.all([cs, a1, a2, ct, actor].map((c) => c.close()));
  });

  it('an upgrade reaches the open room at once: new role, new panels, the staff stream', async () => {
    const { owner, id } = await openEvent();
    const [viewer, mod] = await roomCast(t, id, ['viewer', 'moderator']);
    const cv = await RoomClient.join(base, id, viewer.agent);
    const cm = await RoomClient.join(base, id, mod.agent);
    await cm.request({ type: 'backchannel.send', body: 'before the upgrade' });
    // The owner invites the viewer again as a moderator; the viewer opens the newer link in the same browser.
    await reinvite(t, owner.agent, id, viewer, 'moderator');
    const you = await cv.next('you');
    expect(you.you).toMatchObject({ role: 'moderator', panels: ['chat', 'qa', 'polls', 'backchannel', 'participants'] });
    const snap = await cv.next('snapshot', { from: cv.received.indexOf(you) });
    expect(snap.backchannel!.map((m) => m.body)).toEqual(['before the upgrade']);
    await cv.next('synced', { from: cv.received.indexOf(snap) });
    await cm.request({ type: 'backchannel.send', body: 'after the upgrade' });
    expect((await cv.event('message', (e) => e.stream === 'staff')).event).toMatchObject({ message: { body: 'after the upgrade' } });
    expect((await cv.request({ type: 'participants.list' })).type).toBe('participants');
    await Promise.all([cv.close(), cm.close()]);
  });

  it('a downgrade takes the panels and the staff stream away', async () => {
    const { owner, id } = await openEvent();
    const [speaker, mod] = await roomCast(t, id, ['speaker', 'moderator']);
    const cs = await RoomClient.join(base, id, speaker.agent);
    const cm = await RoomClient.join(base, id, mod.agent);
    // The owner changes the speaker's role to viewer in "People with access".
    await changeRole(owner.agent, id, speaker.inviteId, 'viewer');
    const you = await cs.next('you');
    expect(you.you).toMatchObject({ role: 'viewer', panels: ['chat', 'qa', 'polls'] });
    const snap = await cs.next('snapshot', { from: cs.received.indexOf(you) });
    expect(snap).not.toHaveProperty('backchannel');
    expect(snap.streams).not.toHaveProperty('staff');
    const mark = cs.received.length;
    await cm.request({ type: 'backchannel.send', body: 'not for you any more' });
    await cm.request({ type: 'chat.send', body: 'public' });
    await cs.event('message', () => true, { from: mark });
    expect(cs.received.slice(mark).some((m) => JSON.stringify(m).includes('not for you'))).toBe(false);
    expect(await cs.request({ type: 'backchannel.send', body: 'x' })).toMatchObject({ error: { code: 'forbidden' } });
    await Promise.all([cs.close(), cm.close()]);
  });

  it('checks the role held now on every action, even when no change was announced', async () => {
    const { owner, id } = await openEvent();
    const [viewer] = await roomCast(t, id, ['viewer']);
    const cv = await RoomClient.join(base, id, viewer.agent);
    expect(await cv.request({ type: 'poll.launch', question: 'Q', options: ['a', 'b'] })).toMatchObject({ error: { code: 'forbidden' } });
    // The owner's changes are stored, but their announcements never reach the room.
    bus.losing.add(accessTopic(id));
    try {
      await changeRole(owner.agent, id, viewer.inviteId, 'moderator');
      expect((await cv.request({ type: 'poll.launch', question: 'Q', options: ['a', 'b'] })).type).toBe('ack');
      expect((await cv.next('you')).you.role).toBe('moderator');
      await viewer.revoke();
      const refused = await cv.request({ type: 'chat.send', body: 'still here?' }).catch((e: Error) => e);
      expect(refused).toBeInstanceOf(Error);
      expect((await cv.closed).code).not.toBe(1000);
      // The socket's re-check carries the guest's scope, so the guest hears the real reason.
      expect(cv.received.some((m) => m.type === 'error' && m.error.code === 'invite_revoked')).toBe(true);
    } finally {
      bus.losing.delete(accessTopic(id));
    }
  });

  it('a revoke closes the socket within two seconds, and the next connection is refused', async () => {
    const { id } = await openEvent();
    const [viewer, other] = await roomCast(t, id, ['viewer', 'viewer']);
    const cv = await RoomClient.join(base, id, viewer.agent);
    const co = await RoomClient.join(base, id, other.agent);
    // The owner revokes the viewer's invite.
    await viewer.revoke();
    const err = await cv.next('error', { timeoutMs: 2_000 });
    expect(err.error.code).toBe('invite_revoked');
    expect((await cv.closed).code).toBe(roomCloseCodes.gone);
    const again = await RoomClient.open(base, id, viewer.agent);
    await again.next('error');
    expect([roomCloseCodes.unauthenticated, roomCloseCodes.not_found, roomCloseCodes.forbidden, roomCloseCodes.gone]).toContain((await again.closed).code);
    // others stay
    expect((await co.request({ type: 'chat.send', body: 'still here' })).type).toBe('ack');
    await co.close();
  });

  it('a revoke announced while a socket is admitted but not yet joined still closes it at hello', async () => {
    const { id } = await openEvent();
    const [viewer, other] = await roomCast(t, id, ['viewer', 'viewer']);
    // the room is open and listening in this process
    const co = await RoomClient.join(base, id, other.agent);
    // admission starts as the socket opens; the revoke is announced before hello attaches it to the room
    const cv = await RoomClient.open(base, id, viewer.agent);
    await new Promise((r) => setTimeout(r, 200));
    await viewer.revoke();
    await new Promise((r) => setTimeout(r, 100));
    cv.send({ type: 'hello' });
    const err = await cv.next('error', { timeoutMs: 2_000 });
    expect(err.error.code).toBe('invite_revoked');
    expect((await cv.closed).code).toBe(roomCloseCodes.gone);
    // a socket admitted with nothing announced meanwhile joins as usual
    const quiet = await RoomClient.join(base, id, (await roomCast(t, id, ['viewer']))[0]!.agent);
    expect(quiet.received.map((m) => m.type)).toEqual(expect.arrayContaining(['welcome', 'snapshot', 'synced']));
    await Promise.all([co.close(), quiet.close()]);
  });

  it('deleting the event closes every socket in its room', async () => {
    const { owner, id } = await openEvent();
    const [viewer, mod] = await roomCast(t, id, ['viewer', 'moderator']);
    const cv = await RoomClient.join(base, id, viewer.agent);
    const cm = await RoomClient.join(base, id, mod.agent);
    expect((await owner.agent.delete(`/api/media/${id}`)).statusCode).toBe(200);
    for (const c of [cv, cm]) {
      expect((await c.next('error', { timeoutMs: 2_000 })).error.code).toBe('media_deleted');
      expect((await c.closed).code).toBe(roomCloseCodes.gone);
    }
  });
});
