import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { RoomContentRepository } from '../../src/server/repositories/room-content.repository.js';
import type { RoomBusMessage } from '../../src/server/services/room-bus.js';
import { testDialects } from '../factories/database.js';
import { createLiveEvent, createOwner, createTestRuntime, invitedGuest, listen, startsIn, visitorFor, type TestOwner, type TestRuntime } from '../factories/runtime.js';

const preModerated = { qaMode: 'pre_moderated' } as const;

/** The room service against a real database, with visitors from real invites redeemed in the lobby. */
describe.each(testDialects())('RoomService on %s', (dialect) => {
  const busKind = process.env.TEST_REDIS_URL ? 'Redis' : 'in-process';
  let rt: TestRuntime;

  beforeAll(async () => {
    // room events fan out over Redis pub/sub when a test Redis is there, as between server processes
    rt = await createTestRuntime({ dialect, redisBusUrl: process.env.TEST_REDIS_URL });
  });
  afterAll(async () => {
    await rt?.close();
  });

  /** A live event (started 5 minutes ago) with its owner, an invited moderator and an invited viewer, all in the room. */
  async function liveRoom(opts: { owner?: TestOwner } = {}) {
    const owner = opts.owner ?? (await createOwner(rt, { name: 'Olivia Owner' }));
    const event = await createLiveEvent(rt, owner);
    const moderator = await invitedGuest(rt, owner, event.id, { role: 'moderator', firstName: 'Mona', lastName: 'Moderator' });
    const viewer = await invitedGuest(rt, owner, event.id, { role: 'viewer', firstName: 'Victor', lastName: 'Viewer' });
    return {
      owner,
      event,
      moderator,
      viewer,
      ownerIn: await rt.services.room.enter(owner.visitor, event.id),
      moderatorIn: await rt.services.room.enter(moderator.visitor, event.id),
      viewerIn: await rt.services.room.enter(viewer.visitor, event.id),
    };
  }

  it('the owner and invited guests enter a live event in the roles they hold, named as invited', async () => {
    const { event, ownerIn, moderatorIn, viewerIn, viewer } = await liveRoom();

    expect(ownerIn.actor).toMatchObject({ roomId: event.id, role: 'owner', name: 'Olivia Owner' });
    expect(moderatorIn.actor).toMatchObject({ roomId: event.id, role: 'moderator', name: 'Mona Moderator' });
    expect(viewerIn.actor).toMatchObject({ roomId: event.id, role: 'viewer', name: 'Victor Viewer' });
    expect(viewerIn.view.entry).toMatchObject({ phase: 'live', canEnter: true });
    expect(viewerIn.muted).toBe(false);
    await expect(rt.services.room.check(viewer.visitor, event.id)).resolves.toMatchObject({ role: 'viewer', canManage: false });

    const people = await rt.services.room.participants(moderatorIn.actor, 0);
    expect(people.map((p) => ({ id: p.id, name: p.name, role: p.role })).sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      { id: moderatorIn.actor.participantId, name: 'Mona Moderator', role: 'moderator' },
      { id: ownerIn.actor.participantId, name: 'Olivia Owner', role: 'owner' },
      { id: viewerIn.actor.participantId, name: 'Victor Viewer', role: 'viewer' },
    ]);
    // the stored participant carries the invited person's name too
    const row = await rt.database.db.selectFrom('room_participants').selectAll().where('id', '=', viewerIn.actor.participantId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ room_id: event.id, name: 'Victor Viewer', role: 'viewer' });
    // entering again is the same participant, not a second one
    expect((await rt.services.room.enter(viewer.visitor, event.id)).actor.participantId).toBe(viewerIn.actor.participantId);
  });

  it('a viewer may not list the participants', async () => {
    const { viewerIn } = await liveRoom();
    await expect(rt.services.room.participants(viewerIn.actor, 0)).rejects.toMatchObject({ code: 'forbidden', details: { action: 'participants.list' } });
  });

  it("a viewer's chat message appears in a moderator's snapshot, under the invited name", async () => {
    const { viewerIn, moderatorIn } = await liveRoom();
    const before = await rt.services.room.snapshot(moderatorIn.actor);

    const sent = await rt.services.room.perform(viewerIn.actor, { type: 'chat.send', body: 'hi' }, preModerated);

    expect(sent.id).toBeDefined();
    const snap = await rt.services.room.snapshot(moderatorIn.actor);
    expect(snap.messages).toEqual([
      expect.objectContaining({ id: sent.id, channel: 'chat', body: 'hi', likes: 0, author: { id: viewerIn.actor.participantId, name: 'Victor Viewer', role: 'viewer' } }),
    ]);
    expect(snap.streams.public).toBe(before.streams.public + 1);
    expect(snap.backchannel).toEqual([]);
    // a viewer sees the public stream only
    const viewerSnap = await rt.services.room.snapshot(viewerIn.actor);
    expect(viewerSnap.messages.map((m) => m.id)).toEqual([sent.id]);
    expect(viewerSnap.backchannel).toBeUndefined();
    expect(viewerSnap.streams.staff).toBeUndefined();
  });

  it('joiners of one room state share one read of it; each still gets their own part, and the next change is seen by the next joiner', async () => {
    const { owner, event, viewerIn, moderatorIn } = await liveRoom();
    await rt.services.room.perform(viewerIn.actor, { type: 'chat.send', body: 'first' }, preModerated);
    const others = [];
    for (let i = 0; i < 3; i++) others.push((await rt.services.room.enter((await invitedGuest(rt, owner, event.id, { role: 'viewer', firstName: `V${i}`, lastName: 'Later' })).visitor, event.id)).actor);
    const reads = vi.spyOn(RoomContentRepository.prototype, 'listMessages');
    try {
      const snaps = await Promise.all([viewerIn.actor, ...others].map((a) => rt.services.room.snapshot(a)));
      // chat and announcements, read once for the five viewers
      expect(reads).toHaveBeenCalledTimes(2);
      for (const s of snaps) expect(s.messages.map((m) => m.body)).toEqual(['first']);
      expect(new Set(snaps.map((s) => s.streams.public)).size).toBe(1);

      // a question pending moderation is the asker's own part, not the shared one
      await rt.services.room.perform(others[0]!, { type: 'question.ask', body: 'Will slides be shared?', anonymous: false }, preModerated);
      const [asker, neighbour] = await Promise.all([rt.services.room.snapshot(others[0]!), rt.services.room.snapshot(others[1]!)]);
      expect(asker.mine.questions.map((q) => q.body)).toEqual(['Will slides be shared?']);
      expect(neighbour.mine.questions).toEqual([]);
      expect(asker.questions).toEqual([]);

      // a new message moves the room to a new state: the next joiner reads it, the staff audience separately
      reads.mockClear();
      await rt.services.room.perform(moderatorIn.actor, { type: 'chat.send', body: 'second' }, preModerated);
      const after = await rt.services.room.snapshot(others[2]!);
      expect(after.messages.map((m) => m.body)).toEqual(['first', 'second']);
      expect(after.streams.public).toBe(snaps[0]!.streams.public + 1);
      const staff = await rt.services.room.snapshot(moderatorIn.actor);
      expect(staff.questions.map((q) => q.body)).toEqual(['Will slides be shared?']);
      expect(staff.backchannel).toEqual([]);
      expect(reads).toHaveBeenCalledTimes(2 + 3);
      // the frame sent to a socket is the same snapshot
      const frame = await rt.services.room.snapshotFrame(others[0]!);
      expect(JSON.parse(frame.json)).toEqual({ type: 'snapshot', ...(await rt.services.room.snapshot(others[0]!)) });
    } finally {
      reads.mockRestore();
    }
  });

  it('a viewer may not launch a poll; a moderator may', async () => {
    const { viewerIn, moderatorIn } = await liveRoom();
    const poll = { type: 'poll.launch', question: 'Coffee or tea?', options: ['Coffee', 'Tea'], multiple: false } as const;

    await expect(rt.services.room.perform(viewerIn.actor, { ...poll, options: [...poll.options] }, preModerated)).rejects.toMatchObject({
      code: 'forbidden',
      details: { action: 'poll.launch' },
    });
    expect((await rt.services.room.snapshot(moderatorIn.actor)).polls).toEqual([]);

    const launched = await rt.services.room.perform(moderatorIn.actor, { ...poll, options: [...poll.options] }, preModerated);
    const polls = (await rt.services.room.snapshot(viewerIn.actor)).polls;
    expect(polls).toHaveLength(1);
    expect(polls[0]).toMatchObject({ id: launched.id, question: 'Coffee or tea?', status: 'open', options: [{ text: 'Coffee' }, { text: 'Tea' }] });
  });

  it("in pre-moderated Q&A a viewer's question reaches moderators first and everyone once approved", async () => {
    const { owner, event, viewerIn, moderatorIn } = await liveRoom();
    const other = await invitedGuest(rt, owner, event.id, { role: 'viewer', firstName: 'Wanda', lastName: 'Watcher' });
    const otherIn = await rt.services.room.enter(other.visitor, event.id);

    const asked = await rt.services.room.perform(viewerIn.actor, { type: 'question.ask', body: 'When is the next release?', anonymous: false }, preModerated);

    expect((await rt.services.room.snapshot(moderatorIn.actor)).questions).toEqual([expect.objectContaining({ id: asked.id, status: 'pending', author: { id: viewerIn.actor.participantId, name: 'Victor Viewer' } })]);
    expect((await rt.services.room.snapshot(otherIn.actor)).questions).toEqual([]);
    expect((await rt.services.room.snapshot(viewerIn.actor)).mine.questions.map((q) => q.id)).toEqual([asked.id]);

    await expect(rt.services.room.perform(otherIn.actor, { type: 'question.moderate', questionId: asked.id!, action: 'approve' }, preModerated)).rejects.toMatchObject({ code: 'forbidden' });
    await rt.services.room.perform(moderatorIn.actor, { type: 'question.moderate', questionId: asked.id!, action: 'approve' }, preModerated);

    expect((await rt.services.room.snapshot(otherIn.actor)).questions).toEqual([expect.objectContaining({ id: asked.id, status: 'approved' })]);
  });

  it('before the start a viewer gets event_not_started, while a moderator may enter early; at the start the viewer may too', async () => {
    const owner = await createOwner(rt);
    // 10 minutes ahead: inside the default 15-minute early entry for staff
    const times = startsIn(rt.testClock, 10);
    const event = await createLiveEvent(rt, owner, times);
    const moderator = await invitedGuest(rt, owner, event.id, { role: 'moderator' });
    const viewer = await invitedGuest(rt, owner, event.id, { role: 'viewer' });

    await expect(rt.services.room.enter(viewer.visitor, event.id)).rejects.toMatchObject({ code: 'event_not_started', details: { enterAt: times.startsAt } });
    await expect(rt.services.room.check(viewer.visitor, event.id)).rejects.toMatchObject({ code: 'event_not_started' });
    const early = await rt.services.room.enter(moderator.visitor, event.id);
    expect(early.actor.role).toBe('moderator');
    expect(early.view.entry).toMatchObject({ phase: 'scheduled', early: true });

    rt.testClock.advance(10 * 60_000);

    const onTime = await rt.services.room.enter(viewer.visitor, event.id);
    expect(onTime.actor.role).toBe('viewer');
    expect(onTime.view.entry.phase).toBe('live');
  });

  it(`published room events reach the runtime's bus (${busKind}), in the stream and sequence the log gave them`, async () => {
    const { event, viewerIn, moderatorIn } = await liveRoom();
    const room = await listen(rt.bus, `room:${event.id}`);
    try {
      const sent = await rt.services.room.perform(viewerIn.actor, { type: 'chat.send', body: 'hi' }, preModerated);
      const published = await room.next<RoomBusMessage>((m) => m.t === 'event' && m.event.kind === 'message' && m.event.message.id === sent.id);
      const snap = await rt.services.room.snapshot(moderatorIn.actor);
      expect(published).toMatchObject({ t: 'event', stream: 'public', seq: snap.streams.public, event: { kind: 'message', message: { body: 'hi', author: { name: 'Victor Viewer' } } } });

      // backchannel messages go out on the staff stream only
      const staff = await rt.services.room.perform(moderatorIn.actor, { type: 'backchannel.send', body: 'two minutes' }, preModerated);
      const onStaff = await room.next<RoomBusMessage>((m) => m.t === 'event' && m.event.kind === 'message' && m.event.message.id === staff.id);
      expect(onStaff).toMatchObject({ stream: 'staff', event: { message: { channel: 'backchannel', body: 'two minutes' } } });
      expect(room.messages.filter((m) => (m as RoomBusMessage).t === 'event' && (m as { stream: string }).stream === 'public')).toHaveLength(1);
    } finally {
      await room.stop();
    }
  });

  it('a guest whose invite was revoked can no longer act in the room', async () => {
    const { owner, event, viewer } = await liveRoom();
    await rt.services.invites.revoke(owner.user, event.id, [viewer.invite.inviteId]);

    // the gateway resolves the session again before every action
    const now = await visitorFor(rt, viewer.sessionToken);
    await expect(rt.services.room.check(now, event.id)).rejects.toMatchObject({ code: 'invite_revoked' });
  });
});
