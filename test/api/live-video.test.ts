import { resolveFfmpegPath } from '../../src/server/adapters/media/ffmpeg-path.js';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestCloseCodes, ingestLimits } from '../../src/contracts/live-video.js';
import { LiveStreamRepository } from '../../src/server/repositories/live-stream.repository.js';
import { LiveRecorder } from '../../src/server/services/live-video/live-recording.js';
import { createTestApp, signUp, WallClock, type TestApp } from '../factories/app.js';
import { passLobby, revokeInvite } from '../factories/guests.js';
import { invite } from '../factories/invites.js';
import { createEvent, liveNow, roomCast } from '../factories/live.js';
import { ffmpegInfo, fetchLive, IngestClient, livePlayback, mediaPlaylistUrl, mediaSequenceOf, playlistUrlOf, segmentsOf, webcastBytes } from '../factories/live-video.js';
import { listenForSockets } from '../factories/room-client.js';
import { waitFor } from '../factories/wait.js';


const probe = ffmpegInfo;

/** Live video over real ffmpeg: the webcast ingest, the packager, signed live delivery, reconnects and the recording. */
describe('live video (webcast ingest → live HLS → recording)', () => {
  let t: TestApp;
  let base: string;
  beforeAll(async () => {
    t = await createTestApp({ clock: new WallClock(), env: { LIVE_RECONNECT_WINDOW_SECONDS: '5' } });
    base = await listenForSockets(t.app);
  });
  afterAll(async () => t?.close());

  async function webcast(over: Record<string, unknown> = {}, roles = ['speaker', 'viewer', 'viewer']) {
    const owner = await signUp(t, { name: 'Olga Owner' });
    const page = await createEvent(t, owner.agent, liveNow(t, { title: 'Launch day', ...over }));
    const cast = await roomCast(t, page.event.id, roles);
    return { owner, id: page.event.id, cast };
  }

  it('a speaker’s webcast reaches invited viewers as signed live HLS with blocking reload', async () => {
    const { id, cast } = await webcast();
    const [speaker, viewer] = cast;
    const before = await livePlayback(viewer.agent, id);
    expect(before).toMatchObject({ statusCode: 200, playlistUrl: null, canBroadcast: false, ingestUrl: null, status: { state: 'waiting' } });
    expect((await livePlayback(speaker.agent, id)).ingestUrl).toBe(`/api/events/${id}/ingest`);

    const ingest = await IngestClient.open(base, id, speaker.agent);
    const ready = await ingest.start();
    expect(ready.type).toBe('ready');
    const bytes = await webcastBytes({ seconds: 8 });
    // about real time: 8 seconds of video in ~4 s, so the stream is still growing while the viewer polls
    const sending = ingest.sendBytes(bytes, { bytesPerSecond: bytes.length / 4 });

    const master = await playlistUrlOf(viewer.agent, id);
    expect(master).toMatch(new RegExp(`^/api/live/${id}/[A-Za-z0-9_-]{16}\\.-\\.[0-9a-z]+/\\d+/[A-Za-z0-9_-]{43}/master\\.m3u8$`));
    const m = await fetchLive(t, master);
    expect(m.statusCode).toBe(200);
    expect(m.headers['content-type']).toContain('application/vnd.apple.mpegurl');
    expect(m.body).toContain('index.m3u8');
    const live = await fetchLive(t, mediaPlaylistUrl(master));
    expect(live.headers['cache-control']).toContain('no-cache');
    expect(live.body).toContain('#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES');
    expect(live.body).toContain('#EXT-X-PROGRAM-DATE-TIME:');
    expect(live.body).not.toContain('#EXT-X-ENDLIST');
    const names = segmentsOf(live.body);
    expect(names.length).toBeGreaterThan(0);
    // 1-second segments: copied H.264 with a key frame every second
    const durations = [...live.body.matchAll(/#EXTINF:([\d.]+),/g)].map((x) => Number(x[1]));
    for (const d of durations) expect(d).toBeLessThanOrEqual(1.6);

    // blocking reload: ask for the next segment's playlist; it comes once that segment exists
    const last = mediaSequenceOf(live.body) + names.length - 1;
    const next = await fetchLive(t, `${mediaPlaylistUrl(master)}?_HLS_msn=${last + 1}`);
    expect(next.statusCode).toBe(200);
    expect(segmentsOf(next.body)).toContain(`seg-${last + 1}.ts`);

    const seg = await fetchLive(t, master.replace('master.m3u8', names[0]!));
    expect(seg.statusCode).toBe(200);
    expect(seg.headers['content-type']).toBe('video/mp2t');
    expect(seg.headers['cache-control']).toMatch(/max-age=\d+/);
    expect(seg.rawPayload[0]).toBe(0x47);
    const probed = await probe(seg.rawPayload);
    expect(probed).toMatch(/Video: h264/);
    expect(probed).toMatch(/Audio: aac/);

    // the signature is the grant: change one character and it is refused
    const forged = master.replace(/\/([A-Za-z0-9_-]{43})\//, (_all, sig: string) => `/${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}/`);
    expect((await fetchLive(t, forged)).json().error.code).toBe('signature_invalid');
    expect((await livePlayback(viewer.agent, id)).status).toMatchObject({ state: 'live', source: 'webcast', publisherName: 'speaker-0' });
    await sending;
    ingest.send({ type: 'stop' });
    expect((await ingest.closed).code).toBe(ingestCloseCodes.stopped);
    const ended = await fetchLive(t, mediaPlaylistUrl(master));
    expect(ended.body).toContain('#EXT-X-ENDLIST');
  });

  it('revoking a viewer’s invite refuses its very next playlist request; other viewers go on', async () => {
    const { id, cast } = await webcast();
    const [speaker, revoked, other] = cast;
    const ingest = await IngestClient.open(base, id, speaker.agent);
    await ingest.start();
    const sending = ingest.sendBytes(await webcastBytes({ seconds: 8 }), { bytesPerSecond: 150_000 });
    const url = mediaPlaylistUrl(await playlistUrlOf(revoked.agent, id));
    const otherUrl = mediaPlaylistUrl(await playlistUrlOf(other.agent, id));
    expect((await fetchLive(t, url)).statusCode).toBe(200);
    await revoked.revoke();
    const refused = await waitFor(async () => {
      const r = await fetchLive(t, url);
      return r.statusCode !== 200 ? r : undefined;
    }, { timeoutMs: 5000, what: 'the revoked viewer refused' });
    expect(refused.statusCode).toBe(410);
    expect(refused.json().error.code).toBe('invite_revoked');
    // segments too: the same prefix
    expect((await fetchLive(t, url.replace('index.m3u8', 'seg-0.ts'))).statusCode).toBe(410);
    expect((await fetchLive(t, otherUrl)).statusCode).toBe(200);
    // and a new URL is not handed out
    expect((await revoked.agent.get(`/api/events/${id}/live`)).statusCode).toBeGreaterThanOrEqual(400);
    ingest.close();
    await sending;
  });

  it('an account revoked and invited again gets a URL that works, while the one from before stays refused', async () => {
    const { owner, id, cast } = await webcast({}, ['speaker']);
    const ingest = await IngestClient.open(base, id, cast[0]!.agent);
    await ingest.start();
    const sending = ingest.sendBytes(await webcastBytes({ seconds: 8 }), { bytesPerSecond: 150_000 });
    const member = await signUp(t, { name: 'Mia Member' });
    const first = await invite(t, owner.agent, id, { email: member.email, role: 'viewer' });
    await passLobby(member.agent, first.link, member.email);
    const before = mediaPlaylistUrl(await playlistUrlOf(member.agent, id));
    expect((await fetchLive(t, before)).statusCode).toBe(200);
    await revokeInvite(owner.agent, id, first.inviteId);
    await waitFor(async () => (await fetchLive(t, before)).statusCode === 410, { timeoutMs: 5000, what: 'the old URL refused' });
    const second = await invite(t, owner.agent, id, { email: member.email, role: 'viewer' });
    await passLobby(member.agent, second.link, member.email);
    const after = mediaPlaylistUrl(await playlistUrlOf(member.agent, id));
    expect(after).not.toBe(before);
    expect((await fetchLive(t, after)).statusCode).toBe(200);
    expect((await fetchLive(t, before)).statusCode).toBe(410);
    ingest.close();
    await sending;
  });

  it('a drop and a return within the window continue one stream (a discontinuity, no second stream) and make one recording', async () => {
    const { owner, id, cast } = await webcast();
    const [speaker, viewer] = cast;
    const first = await IngestClient.open(base, id, speaker.agent);
    await first.start();
    await first.sendBytes(await webcastBytes({ seconds: 4 }));
    const url = mediaPlaylistUrl(await playlistUrlOf(viewer.agent, id));
    await waitFor(async () => segmentsOf((await fetchLive(t, url)).body).length >= 2, { what: 'segments of the first part' });
    first.close(); // tab closed: no stop
    await waitFor(async () => (await livePlayback(viewer.agent, id)).status.state === 'reconnecting', { what: 'reconnecting' });
    const dropped = await livePlayback(viewer.agent, id);
    expect(dropped.status.reconnectUntil).not.toBeNull();
    const partOne = (await fetchLive(t, url)).body;
    const lastOfPartOne = mediaSequenceOf(partOne) + segmentsOf(partOne).length - 1;

    // another speaker cannot take the stream while the first may still come back
    const [other] = await roomCast(t, id, ['speaker']);
    const intruder = await IngestClient.open(base, id, other.agent);
    await expect(intruder.start()).rejects.toMatchObject({ code: 'stream_busy', closeCode: ingestCloseCodes.busy });

    const second = await IngestClient.open(base, id, speaker.agent);
    await second.start();
    await second.sendBytes(await webcastBytes({ seconds: 4 }));
    await waitFor(async () => (await livePlayback(viewer.agent, id)).status.state === 'live', { what: 'live again' });
    const partTwo = await waitFor(async () => {
      const body = (await fetchLive(t, url)).body;
      return segmentsOf(body).includes(`seg-${lastOfPartOne + 2}.ts`) ? body : undefined;
    }, { what: 'segments of the second part' });
    // numbering continues across the reconnect, with a discontinuity where the second part starts
    expect(partTwo).toContain('#EXT-X-DISCONTINUITY');
    second.send({ type: 'stop' });
    await second.closed;
    const status = (await livePlayback(viewer.agent, id)).status;
    expect(status).toMatchObject({ state: 'ended', reason: 'stopped' });

    // one recording, holding both parts (about 8 s), attached to the event
    const recording = await waitFor(async () => (await owner.agent.get(`/api/events/${id}`)).json().event.recording as { mediaId: string } | null, { timeoutMs: 60_000, what: 'the recording' });
    const media = await waitFor(async () => {
      const m = (await owner.agent.get(`/api/media/${recording.mediaId}`)).json().media as { status: string; type: string; durationSeconds: number | null; title: string };
      return m.status === 'ready' ? m : undefined;
    }, { timeoutMs: 90_000, what: 'the recording transcoded' });
    expect(media.type).toBe('video');
    expect(media.title).toBe('Launch day (recording)');
    expect(media.durationSeconds).toBeGreaterThan(6);
    expect(media.durationSeconds).toBeLessThan(10);
    const list = (await owner.agent.get('/api/media')).json().items as Array<{ title: string }>;
    expect(list.filter((x) => x.title.startsWith('Launch day (recording)'))).toHaveLength(1);

    // after Stop the event cannot go live again
    const again = await IngestClient.open(base, id, speaker.agent);
    await expect(again.start()).rejects.toMatchObject({ code: 'event_ended', closeCode: ingestCloseCodes.gone });
  }, 180_000);

  it('past the reconnect window the stream ends as interrupted, and the recording keeps what was broadcast', async () => {
    const { owner, id, cast } = await webcast({ title: 'Dropped' });
    const [speaker, viewer] = cast;
    const ingest = await IngestClient.open(base, id, speaker.agent);
    await ingest.start();
    await ingest.sendBytes(await webcastBytes({ seconds: 4 }));
    await playlistUrlOf(viewer.agent, id);
    ingest.close();
    await waitFor(async () => (await livePlayback(viewer.agent, id)).status.state === 'reconnecting', { what: 'reconnecting' });
    const ended = await waitFor(async () => {
      const s = (await livePlayback(viewer.agent, id)).status;
      return s.state === 'ended' ? s : undefined;
    }, { timeoutMs: 15_000, what: 'ended after the window' });
    expect(ended.reason).toBe('interrupted');
    const recording = await waitFor(async () => (await owner.agent.get(`/api/events/${id}`)).json().event.recording as { mediaId: string } | null, { timeoutMs: 60_000, what: 'the recording' });
    const media = await waitFor(async () => {
      const m = (await owner.agent.get(`/api/media/${recording.mediaId}`)).json().media as { status: string; durationSeconds: number | null };
      return m.status === 'ready' ? m : undefined;
    }, { timeoutMs: 90_000, what: 'the recording transcoded' });
    expect(media.durationSeconds).toBeGreaterThan(2.5);
  }, 180_000);

  it('makes one recording even when several runs of its job work at once (two workers, the end and the retry sweep)', async () => {
    const { owner, id, cast } = await webcast({ title: 'Twice' }, ['speaker']);
    const ingest = await IngestClient.open(base, id, cast[0]!.agent);
    await ingest.start();
    await ingest.sendBytes(await webcastBytes({ seconds: 3 }));
    ingest.send({ type: 'stop' });
    await ingest.closed;
    const r = t.runtime;
    // the retry sweep does not queue the job again while the one queued at the end may still run
    const jobsFor = async () => (await r.database.db.selectFrom('jobs').select('data_json').where('name', '=', 'live.recording').execute()).filter((j) => j.data_json.includes(id)).length;
    const queued = await jobsFor();
    expect(queued).toBe(1);
    await t.services.liveStreams.upkeepEnded();
    await t.services.liveStreams.upkeepEnded();
    expect(await jobsFor()).toBe(queued);
    // as other worker processes would: their own recorders over the same database and storage
    const recorder = () =>
      new LiveRecorder({ repo: new LiveStreamRepository(r.database.db), storage: r.storage, media: t.services.media, liveEvents: t.services.liveEvents, ffmpegPath: resolveFfmpegPath(), logger: r.logger, clock: r.clock });
    await Promise.all([recorder().make(id), recorder().make(id), recorder().make(id)]);
    const recording = await waitFor(async () => (await owner.agent.get(`/api/events/${id}`)).json().event.recording as { mediaId: string } | null, { timeoutMs: 60_000, what: 'the recording' });
    // the queued job's run, and a late run, find it made
    await recorder().make(id);
    const stream = await r.database.db.selectFrom('live_streams').select(['recording_media_id', 'recording_claimed_until']).where('media_id', '=', id).executeTakeFirstOrThrow();
    expect(stream).toEqual({ recording_media_id: recording.mediaId, recording_claimed_until: null });
    const videos = await r.database.db.selectFrom('media').select('id').where('owner_id', '=', owner.user.id).where('type', '=', 'video').execute();
    expect(videos.map((v) => v.id)).toEqual([recording.mediaId]);
    // the segments stay a while for viewers behind live; once the end is ten minutes past, they go
    const segments = () => r.database.db.selectFrom('live_segments').select('msn').where('media_id', '=', id).execute();
    expect((await segments()).length).toBeGreaterThan(0);
    const segmentDir = path.join(t.config.mediaDir, 'media', id, 'live');
    expect(existsSync(segmentDir)).toBe(true);
    await t.services.liveStreams.upkeepEnded();
    expect((await segments()).length).toBeGreaterThan(0);
    await r.database.db.updateTable('live_streams').set({ ended_at: Date.now() - 11 * 60_000 }).where('media_id', '=', id).execute();
    await t.services.liveStreams.upkeepEnded();
    expect(await segments()).toEqual([]);
    expect(existsSync(segmentDir)).toBe(false);
  }, 120_000);

  it('refuses whoever may not broadcast, and bad input, with a clear error and close code', async () => {
    const { owner, id, cast } = await webcast({}, ['viewer', 'moderator', 'speaker', 'speaker']);
    const [viewer, moderator, speaker, speaker2] = cast;
    for (const who of [viewer, moderator]) {
      const c = await IngestClient.open(base, id, who.agent);
      await expect(c.start()).rejects.toMatchObject({ code: 'forbidden', closeCode: ingestCloseCodes.forbidden });
    }
    const anon = await IngestClient.open(base, id, undefined);
    expect((await anon.closed).code).toBe(ingestCloseCodes.unauthenticated);
    await expect(IngestClient.open(base, id, speaker.agent, { origin: 'https://evil.example' })).rejects.toMatchObject({ statusCode: 403 });

    // garbage instead of WebM: the ingest closes with stream_unreadable, the event stays (waiting for a proper reconnect)
    const garbage = await IngestClient.open(base, id, speaker.agent);
    await garbage.start();
    await garbage.sendBytes(Buffer.alloc(300_000, 0x5a));
    const err = await garbage.next('error', 15_000);
    expect(err).toMatchObject({ error: { code: 'stream_unreadable' } });
    expect((await garbage.closed).code).toBe(ingestCloseCodes.unreadable);
    // nothing was broadcast: the event still waits for its first broadcast (and does not end with the window)
    await waitFor(async () => (await livePlayback(viewer.agent, id)).status.state === 'waiting', { what: 'waiting again' });
    await new Promise((r) => setTimeout(r, 5500));
    expect((await livePlayback(viewer.agent, id)).status.state).toBe('waiting');

    // a frame over the limit
    const big = await IngestClient.open(base, id, speaker.agent);
    await big.start();
    big.ws.send(Buffer.alloc(ingestLimits.frameBytes + 1));
    expect(await big.next('error')).toMatchObject({ error: { code: 'payload_too_large' } });
    expect((await big.closed).code).toBe(ingestCloseCodes.too_large);

    // a second speaker while one is live; the owner may take over, and the first is told
    const live = await IngestClient.open(base, id, speaker.agent);
    await live.start();
    const sending = live.sendBytes(await webcastBytes({ seconds: 8 }), { bytesPerSecond: 150_000 });
    await waitFor(async () => (await livePlayback(viewer.agent, id)).status.state === 'live', { what: 'live' });
    const second = await IngestClient.open(base, id, speaker2.agent);
    await expect(second.start()).rejects.toMatchObject({ code: 'stream_busy', closeCode: ingestCloseCodes.busy });
    const notTakeover = await IngestClient.open(base, id, speaker2.agent);
    await expect(notTakeover.start(undefined, true)).rejects.toMatchObject({ code: 'forbidden' });
    const takeover = await IngestClient.open(base, id, owner.agent);
    await takeover.start(undefined, true);
    expect((await live.closed).code).toBe(ingestCloseCodes.busy);
    await sending;
    takeover.send({ type: 'stop' });
    await takeover.closed;
  }, 120_000);

  it('refuses broadcasting before the room opens for speakers and after the end, with the phase', async () => {
    const owner = await signUp(t);
    const later = await createEvent(t, owner.agent, { startsAt: new Date(Date.now() + 3600_000).toISOString(), endsAt: new Date(Date.now() + 7200_000).toISOString() });
    const [speaker] = await roomCast(t, later.event.id, ['speaker']);
    const c = await IngestClient.open(base, later.event.id, speaker.agent);
    await expect(c.start()).rejects.toMatchObject({ code: 'event_not_started', closeCode: ingestCloseCodes.gone });
    const over = await webcast({}, ['speaker']);
    expect((await over.owner.agent.post(`/api/events/${over.id}/end`)).statusCode).toBe(200);
    const d = await IngestClient.open(base, over.id, over.cast[0]!.agent).catch((e) => e);
    // the room itself is closed after the end: the person may not be there at all
    if (d instanceof IngestClient) await expect(d.start()).rejects.toMatchObject({ code: 'event_ended', closeCode: ingestCloseCodes.gone });
    else expect(d).toBeInstanceOf(IngestClient);
  });

  it('a DIY live event takes no browser webcast; VP8 from a browser without H.264 is encoded to H.264', async () => {
    const owner = await signUp(t);
    const diy = await createEvent(t, owner.agent, liveNow(t, { kind: 'diy_live' }));
    const o = await IngestClient.open(base, diy.event.id, owner.agent);
    await expect(o.start()).rejects.toMatchObject({ code: 'forbidden' });

    const { id, cast } = await webcast({}, ['speaker', 'viewer']);
    const ingest = await IngestClient.open(base, id, cast[0]!.agent);
    await ingest.start('video/webm;codecs=vp8,opus');
    await ingest.sendBytes(await webcastBytes({ seconds: 4, codec: 'vp8' }));
    const master = await playlistUrlOf(cast[1]!.agent, id);
    const body = (await fetchLive(t, mediaPlaylistUrl(master))).body;
    const seg = await fetchLive(t, master.replace('master.m3u8', segmentsOf(body)[0]!));
    expect(await probe(seg.rawPayload)).toMatch(/Video: h264/);
    ingest.send({ type: 'stop' });
    await ingest.closed;
  }, 60_000);

  it('H.264 with key frames too far apart to copy is encoded with one-second key frames', async () => {
    const { id, cast } = await webcast({}, ['speaker', 'viewer']);
    const ingest = await IngestClient.open(base, id, cast[0]!.agent);
    await ingest.start();
    const bytes = await webcastBytes({ seconds: 30, codec: 'h264-long-gop' });
    // about real time, as a browser sends it: the switch happens while the stream goes on
    const sending = ingest.sendBytes(bytes, { bytesPerSecond: bytes.length / 20 });
    const url = mediaPlaylistUrl(await playlistUrlOf(cast[1]!.agent, id));
    // after two 5-second segments the packager switches to x264; the segments after that are ~1 s
    const body = await waitFor(async () => {
      const b = (await fetchLive(t, url)).body;
      const d = [...b.matchAll(/#EXTINF:([\d.]+),/g)].map((x) => Number(x[1]));
      return b.includes('#EXT-X-DISCONTINUITY') && d.slice(-2).every((x) => x <= 1.6) && d.length >= 4 ? b : undefined;
    }, { timeoutMs: 40_000, what: 'one-second segments after the switch' });
    expect(body).toMatch(/#EXTINF:[4-6]\.\d+/);
    await sending;
    ingest.send({ type: 'stop' });
    await ingest.closed;
  }, 90_000);
});

describe('live video capacity', () => {
  it('refuses a broadcast past LIVE_MAX_SESSIONS with live_capacity', async () => {
    const t = await createTestApp({ clock: new WallClock(), env: { LIVE_MAX_SESSIONS: '0' } });
    try {
      const base = await listenForSockets(t.app);
      const owner = await signUp(t);
      const page = await createEvent(t, owner.agent, liveNow(t));
      const c = await IngestClient.open(base, page.event.id, owner.agent);
      await expect(c.start()).rejects.toMatchObject({ code: 'live_capacity', closeCode: ingestCloseCodes.capacity });
    } finally {
      await t.close();
    }
  });
});
