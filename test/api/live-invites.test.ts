import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roomCloseCodes } from '../../src/contracts/live.js';
import { Agent, createTestApp, MemoryMailer, signUp, uniqueEmail, type TestApp } from '../factories/app.js';
import { testDialects } from '../factories/database.js';
import { enter, errorCode, invite, openLink, setSettings } from '../factories/invites.js';
import { makeVideo, multipart } from '../factories/media.js';
import { createEvent, liveNow } from '../factories/live.js';
import { RoomClient, listenForSockets } from '../factories/room-client.js';

/** Live events through real invites: the lobby, the room, live role changes, revokes and the recording. */
describe.each(testDialects())('live events with invites on %s', (dialect) => {
  let t: TestApp;
  let base: string;
  beforeAll(async () => {
    t = await createTestApp({ dialect });
    base = await listenForSockets(t.app);
  });
  afterAll(async () => t?.close());

  it('the event invite email carries the start time and an .ics file; the link lands on the event page', async () => {
    const owner = await signUp(t, { name: 'Eve Owner' });
    const page = await createEvent(t, owner.agent);
    const email = uniqueEmail('attendee');
    const res = await owner.agent.post(`/api/media/${page.event.id}/invites`, { people: [{ email, firstName: 'Ana' }], role: 'speaker' });
    expect(res.statusCode).toBe(201);
    const mail = await (t.mailer as MemoryMailer).waitFor(email);
    expect(mail.text).toMatch(/The event starts/);
    expect(mail.text).toContain('speaker');
    const ics = mail.attachments?.find((a) => a.filename.endsWith('.ics'));
    expect(ics?.content).toMatch(/BEGIN:VCALENDAR[\s\S]*DTSTART:/);
    expect(ics?.content).not.toMatch(/\/i\/[A-Za-z0-9_-]{43}/);

    const link = /http:\/\/localhost:3000\/i\/[A-Za-z0-9_-]{43}/.exec(mail.text)![0];
    const guest = new Agent(t.app);
    await openLink(guest, link);
    const lobby = (await guest.get('/api/lobby')).json();
    expect(lobby.media).toMatchObject({ type: 'live', startsAt: page.event.startsAt });
    const entered = await enter(guest, { email });
    expect(entered.json()).toMatchObject({ next: 'enter', url: `/events/${page.event.id}`, role: 'speaker' });
  });

  it('a guest in the room is upgraded by a newer invite without reconnecting, then revoked and disconnected', async () => {
    const owner = await signUp(t);
    const page = await createEvent(t, owner.agent, liveNow(t));
    const id = page.event.id;
    const email = uniqueEmail('roomguest');
    const viewer = await invite(t, owner.agent, id, { email, role: 'viewer', firstName: 'Rita' });
    const guest = new Agent(t.app);
    await openLink(guest, viewer.link);
    expect((await enter(guest, { email })).statusCode).toBe(200);

    const room = await RoomClient.join(base, id, guest);
    const welcome = await room.next('welcome');
    expect(welcome.you).toMatchObject({ role: 'viewer', panels: ['chat', 'qa', 'polls'] });
    expect(welcome.you.name).toBe('Rita Guest');

    const moderator = await invite(t, owner.agent, id, { email, role: 'moderator' });
    await openLink(guest, moderator.link);
    expect((await enter(guest, { email })).json().role).toBe('moderator');
    const you = await room.next('you');
    expect(you.you).toMatchObject({ role: 'moderator', panels: ['chat', 'qa', 'polls', 'backchannel', 'participants'] });
    // The same socket, on the rotated session, may now moderate.
    const ack = await room.request({ type: 'poll.launch', question: 'Ready?', options: ['yes', 'no'] });
    expect(ack.type).toBe('ack');

    const started = Date.now();
    expect((await owner.agent.delete(`/api/media/${id}/invites/${moderator.inviteId}`)).statusCode).toBe(200);
    expect((await room.closed).code).toBe(roomCloseCodes.gone);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(errorCode(await guest.get(`/api/events/${id}`))).toBe('invite_revoked');
  });

  it('after the event ends, the same link leads to the recording (when the setting allows)', async () => {
    const owner = await signUp(t);
    const form = multipart('Town hall recording.mp4', makeVideo({ seconds: 1 }).bytes);
    const recording = (await owner.agent.request('POST', '/api/media', form.body, form.headers)).json().media as { id: string };
    const page = await createEvent(t, owner.agent, liveNow(t));
    const id = page.event.id;
    expect((await owner.agent.request('PUT', `/api/events/${id}/recording`, { mediaId: recording.id })).statusCode).toBe(200);

    const email = uniqueEmail('late');
    const inv = await invite(t, owner.agent, id, { email });
    const guest = new Agent(t.app);
    await openLink(guest, inv.link);
    expect((await enter(guest, { email })).json().url).toBe(`/events/${id}`);
    // Before the end, the recording is not theirs to open.
    expect(errorCode(await guest.get(`/api/media/${recording.id}`))).toBe('out_of_scope');

    expect((await owner.agent.post(`/api/events/${id}/end`)).statusCode).toBe(200);
    await openLink(guest, inv.link);
    expect((await guest.get('/api/lobby')).json().alreadyIn).toEqual({ url: `/media/${recording.id}` });
    expect((await guest.get(`/api/events/${id}`)).json().recordingUrl).toBe(`/media/${recording.id}`);
    expect((await guest.get(`/api/media/${recording.id}`)).statusCode).toBe(200);

    await setSettings(t, { endedEventsGoToRecording: false });
    try {
      expect((await guest.get('/api/lobby')).json().alreadyIn).toEqual({ url: `/events/${id}` });
      expect((await guest.get(`/api/media/${recording.id}`)).statusCode).toBe(403);
    } finally {
      await setSettings(t, { endedEventsGoToRecording: true });
    }
  });
});
