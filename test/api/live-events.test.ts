import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessTopic, type AccessChanged } from '../../src/server/adapters/bus/bus.js';
import { icsDate } from '../../src/server/domain/ics.js';
import { Agent, createTestApp, signUp, type TestApp } from '../factories/app.js';
import { testDialects } from '../factories/database.js';
import { invitedGuest, passLobby } from '../factories/guests.js';
import { invite, setSettings } from '../factories/invites.js';
import { createEvent } from '../factories/live.js';
import { fileOf, makePdf, makeVideo, multipart } from '../factories/media.js';

const MIN = 60_000;
// 1×1 transparent PNG
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

async function upload(agent: Agent, name: string, bytes: Buffer) {
  const form = multipart(name, bytes);
  const res = await agent.request('POST', '/api/media', form.body, form.headers);
  if (res.statusCode !== 201) throw new Error(res.body);
  return res.json().media as { id: string };
}

describe.each(testDialects())('live events API on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ dialect });
  });
  afterAll(async () => t?.close());

  it('creates an event with speakers and shows the owner its page with the server time', async () => {
    const { agent, user } = await signUp(t, { name: 'Olga Owner' });
    const page = await createEvent(t, agent, { speakers: [{ name: 'Sam Speaker', title: 'CTO' }, { name: 'Pat' }], qaMode: 'open', earlyEntryMinutes: 20 });
    expect(page.event).toMatchObject({ kind: 'webcast', title: 'Quarterly town hall', timeZone: 'Europe/Berlin', qaMode: 'open', earlyEntryMinutes: 20, owner: { id: user.id, name: 'Olga Owner' }, canManage: true });
    expect(page.event.speakers.map((s) => [s.name, s.title])).toEqual([['Sam Speaker', 'CTO'], ['Pat', '']]);
    expect(page).toMatchObject({ role: 'owner', phase: 'scheduled', canEnter: false, serverNow: new Date(t.clock.now).toISOString() });
    expect(Date.parse(page.enterAt!)).toBe(Date.parse(page.event.startsAt) - 20 * MIN);
    // webcast: live video, nothing broadcast yet
    expect(page.stream).toEqual({ kind: 'live', playbackUrl: `/api/events/${page.event.id}/live`, status: { state: 'waiting', reason: null, source: null, publisherName: null, since: null, reconnectUntil: null } });
    const again = await agent.get(`/api/events/${page.event.id}`);
    expect(again.json()).toEqual(page);
    const media = (await agent.get(`/api/media/${page.event.id}`)).json();
    expect(media.media.type).toBe('live');
  });

  it('refuses bad schedules, unknown time zones and simulive without a video source', async () => {
    const { agent } = await signUp(t);
    const start = new Date(t.clock.now + 60 * MIN).toISOString();
    const bad = async (body: Record<string, unknown>) => {
      const res = await agent.post('/api/events', { kind: 'webcast', title: 'X', startsAt: start, endsAt: new Date(t.clock.now + 120 * MIN).toISOString(), timeZone: 'UTC', ...body });
      expect(res.statusCode).toBe(400);
      return res.json().error;
    };
    expect((await bad({ endsAt: start })).details).toHaveProperty('endsAt');
    expect((await bad({ timeZone: 'Mars/Olympus' })).details).toHaveProperty('timeZone');
    expect((await bad({ startsAt: 'tomorrow' })).details).toHaveProperty('startsAt');
    expect((await bad({ kind: 'simulive' })).details).toHaveProperty('recordingMediaId');
    const pdf = await upload(agent, 'slides.pdf', makePdf());
    expect((await bad({ kind: 'simulive', recordingMediaId: pdf.id })).details).toHaveProperty('recordingMediaId');
    const foreign = await upload((await signUp(t)).agent, 'theirs.mp4', makeVideo({ seconds: 1 }).bytes);
    expect((await bad({ kind: 'simulive', recordingMediaId: foreign.id })).details).toHaveProperty('recordingMediaId');
  });

  it('shows invitees the page in their role; viewers enter at the start, staff early; others never see it', async () => {
    const owner = await signUp(t);
    const page = await createEvent(t, owner.agent);
    const viewer = await invitedGuest(t, owner.agent, page.event.id, { role: 'viewer' });
    // An account invited as a speaker at its verified email: logged in, it passes the lobby and the grant is its own.
    const speaker = await signUp(t);
    await passLobby(speaker.agent, (await invite(t, owner.agent, page.event.id, { email: speaker.email, role: 'speaker' })).link, speaker.email);

    const v = (await viewer.agent.get(`/api/events/${page.event.id}`)).json();
    expect(v).toMatchObject({ role: 'viewer', phase: 'scheduled', canEnter: false, enterAt: page.event.startsAt });
    expect(v.event.canManage).toBe(false);
    const s = (await speaker.agent.get(`/api/events/${page.event.id}`)).json();
    expect(Date.parse(s.enterAt)).toBe(Date.parse(page.event.startsAt) - 15 * MIN);

    t.clock.advance(50 * MIN);
    try {
      expect((await speaker.agent.get(`/api/events/${page.event.id}`)).json()).toMatchObject({ phase: 'scheduled', canEnter: true });
      expect((await viewer.agent.get(`/api/events/${page.event.id}`)).json()).toMatchObject({ phase: 'scheduled', canEnter: false });
    } finally {
      t.clock.advance(-50 * MIN);
    }

    const stranger = await signUp(t);
    expect((await stranger.agent.get(`/api/events/${page.event.id}`)).statusCode).toBe(404);
    expect((await new Agent(t.app).get(`/api/events/${page.event.id}`)).json().error.code).toBe('unauthenticated');
    const edit = await speaker.agent.patch(`/api/events/${page.event.id}`, { title: 'Mine now' });
    expect(edit.statusCode).toBe(404);
  });

  it('starts early, ends early, then leads to the attached recording when the site allows it', async () => {
    const owner = await signUp(t);
    const page = await createEvent(t, owner.agent);
    const id = page.event.id;
    const viewer = await invitedGuest(t, owner.agent, id);

    const started = await owner.agent.post(`/api/events/${id}/start`);
    expect(started.json()).toMatchObject({ phase: 'live', canEnter: true });
    expect((await viewer.agent.get(`/api/events/${id}`)).json()).toMatchObject({ phase: 'live', canEnter: true });
    // A guest has no account: owner actions answer that the invite covers only the event.
    expect((await viewer.agent.post(`/api/events/${id}/end`)).statusCode).toBe(403);

    t.clock.advance(1);
    const ended = (await owner.agent.post(`/api/events/${id}/end`)).json();
    expect(ended).toMatchObject({ phase: 'ended', canEnter: false, enterAt: null, recordingUrl: null });
    expect((await owner.agent.post(`/api/events/${id}/start`)).json().error.code).toBe('event_ended');
    expect((await viewer.agent.get(`/api/events/${id}`)).json()).toMatchObject({ phase: 'ended', recordingUrl: null, event: { recording: null } });

    const video = await upload(owner.agent, 'recording.mp4', makeVideo({ seconds: 1 }).bytes);
    expect([401, 403, 404]).toContain((await viewer.agent.get(`/api/media/${video.id}`)).statusCode);
    const attached = (await owner.agent.request('PUT', `/api/events/${id}/recording`, { mediaId: video.id })).json();
    expect(attached.event.recording).toMatchObject({ mediaId: video.id });
    const after = (await viewer.agent.get(`/api/events/${id}`)).json();
    expect(after).toMatchObject({ phase: 'ended', recordingUrl: `/media/${video.id}`, event: { recording: { mediaId: video.id } } });
    expect((await viewer.agent.get(`/api/media/${video.id}`)).json()).toMatchObject({ role: 'viewer' });
    const range = await fileOf(viewer.agent, video.id, { range: 'bytes=0-9' });
    expect(range.statusCode).toBe(206);

    await setSettings(t, { endedEventsGoToRecording: false });
    try {
      expect((await viewer.agent.get(`/api/events/${id}`)).json()).toMatchObject({ recordingUrl: null, event: { recording: null } });
      expect([401, 403, 404]).toContain((await viewer.agent.get(`/api/media/${video.id}`)).statusCode);
    } finally {
      await setSettings(t, { endedEventsGoToRecording: true });
    }
  });

  it('edits the event; a schedule change raises the calendar SEQUENCE', async () => {
    const owner = await signUp(t);
    const page = await createEvent(t, owner.agent);
    const id = page.event.id;
    const ics1 = await owner.agent.get(`/api/events/${id}/calendar.ics`);
    expect(ics1.headers['content-type']).toMatch(/^text\/calendar/);
    expect(ics1.headers['content-disposition']).toContain('Quarterly-town-hall.ics');
    expect(ics1.body).toContain('SEQUENCE:0');
    const newStart = new Date(t.clock.now + 3 * 3600_000).toISOString();
    const newEnd = new Date(t.clock.now + 4 * 3600_000).toISOString();
    const edited = await owner.agent.patch(`/api/events/${id}`, { title: 'Town hall (moved)', startsAt: newStart, endsAt: newEnd, qaMode: 'open', speakers: [{ name: 'New speaker' }] });
    expect(edited.statusCode).toBe(200);
    expect(edited.json().event).toMatchObject({ title: 'Town hall (moved)', startsAt: newStart, endsAt: newEnd, qaMode: 'open', speakers: [{ name: 'New speaker' }] });
    const ics2 = (await owner.agent.get(`/api/events/${id}/calendar.ics`)).body;
    expect(ics2).toContain('SEQUENCE:1');
    expect(ics2).toContain(`DTSTART:${icsDate(Date.parse(newStart))}`);
    expect((await owner.agent.patch(`/api/events/${id}`, { endsAt: newStart })).statusCode).toBe(400);
    expect((await owner.agent.patch(`/api/events/${id}`, {})).statusCode).toBe(400);
  });

  it('gives the invite email a calendar attachment', async () => {
    const owner = await signUp(t);
    const page = await createEvent(t, owner.agent);
    const att = await t.services.liveEvents.calendarAttachment(page.event.id, 'http://localhost:3000/i/TOKEN');
    expect(att).toMatchObject({ filename: 'Quarterly-town-hall.ics', contentType: expect.stringContaining('text/calendar') });
    expect(att.content).toContain('BEGIN:VEVENT');
    expect(att.content.replace(/\r\n /g, '')).toContain('http://localhost:3000/i/TOKEN');
  });

  it('stores speaker photos and shows them to people with access', async () => {
    const owner = await signUp(t);
    const page = await createEvent(t, owner.agent, { speakers: [{ name: 'Sam' }] });
    const speakerId = page.event.speakers[0].id;
    const form = multipart('sam.png', PNG);
    const up = await owner.agent.request('PUT', `/api/events/${page.event.id}/speakers/${speakerId}/photo`, form.body, form.headers);
    expect(up.statusCode).toBe(200);
    const photoUrl = up.json().event.speakers[0].photoUrl as string;
    expect(photoUrl).toMatch(new RegExp(`^/api/events/${page.event.id}/speakers/${speakerId}/photo`));
    const viewer = await invitedGuest(t, owner.agent, page.event.id);
    const img = await viewer.agent.get(photoUrl);
    expect(img.statusCode).toBe(200);
    expect(img.headers['content-type']).toBe('image/png');
    expect(Buffer.compare(img.rawPayload, PNG)).toBe(0);
    const notImage = multipart('x.png', makePdf());
    const refused = await owner.agent.request('PUT', `/api/events/${page.event.id}/speakers/${speakerId}/photo`, notImage.body, notImage.headers);
    expect(refused.json().error.code).toBe('unsupported_media');
    // keeping the speaker by id keeps the photo
    const kept = await owner.agent.patch(`/api/events/${page.event.id}`, { speakers: [{ id: speakerId, name: 'Sam S.' }] });
    expect(kept.json().event.speakers[0]).toMatchObject({ id: speakerId, name: 'Sam S.', photoUrl });
  });

  it('serves the simulive source only while the room is open to the visitor', async () => {
    const owner = await signUp(t);
    const video = await upload(owner.agent, 'source.mp4', makeVideo({ seconds: 1 }).bytes);
    const page = await createEvent(t, owner.agent, { kind: 'simulive', recordingMediaId: video.id });
    expect(page.stream).toEqual({ kind: 'simulive', sourceUrl: `/api/events/${page.event.id}/source`, playbackStartsAt: page.event.startsAt });
    const viewer = await invitedGuest(t, owner.agent, page.event.id);
    expect((await viewer.agent.get(page.stream.kind === 'simulive' ? page.stream.sourceUrl : '')).json().error.code).toBe('event_not_started');
    // the source stays private: the viewer cannot fetch the library video itself
    expect([401, 403, 404]).toContain((await viewer.agent.get(`/api/media/${video.id}/playback`)).statusCode);
    await owner.agent.post(`/api/events/${page.event.id}/start`);
    const live = (await viewer.agent.get(`/api/events/${page.event.id}`)).json();
    expect(live.stream.playbackStartsAt).toBe(new Date(t.clock.now).toISOString());
    const res = await viewer.agent.request('GET', `/api/events/${page.event.id}/source`, undefined, { range: 'bytes=0-99' });
    expect(res.statusCode).toBe(206);
    expect(res.rawPayload.length).toBe(100);
    expect((await owner.agent.request('PUT', `/api/events/${page.event.id}/recording`, { mediaId: null })).statusCode).toBe(400);
  });

  it('announces the deletion of an event on the bus, and its page is gone', async () => {
    const owner = await signUp(t);
    const page = await createEvent(t, owner.agent);
    const heard = new Promise<AccessChanged>((resolve) => {
      void t.runtime.bus.subscribe(accessTopic(page.event.id), (m) => resolve(m as AccessChanged));
    });
    expect((await owner.agent.delete(`/api/media/${page.event.id}`)).statusCode).toBe(200);
    expect(await heard).toMatchObject({ mediaId: page.event.id, reason: 'media_deleted', role: null });
    expect((await owner.agent.get(`/api/events/${page.event.id}`)).statusCode).toBe(404);
  });
});
