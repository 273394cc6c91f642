import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerMessage } from '../../src/contracts/live.js';
import { ingestCloseCodes } from '../../src/contracts/live-video.js';
import { createTestApp, signUp, WallClock, type TestApp } from '../factories/app.js';
import { createEvent, liveNow, roomCast, startServer } from '../factories/live.js';
import { fetchLive, IngestClient, livePlayback, mediaPlaylistUrl, mediaSequenceOf, playlistUrlOf, segmentsOf, webcastBytes } from '../factories/live-video.js';
import { listenForSockets, RoomClient } from '../factories/room-client.js';
import { waitFor } from '../factories/wait.js';

type StreamMsg = Extract<ServerMessage, { type: 'stream' }>;

describe('live video: what the room hears, deletion, restarts', () => {
  let t: TestApp;
  let base: string;
  beforeAll(async () => {
    t = await createTestApp({ clock: new WallClock() });
    base = await listenForSockets(t.app);
  });
  afterAll(async () => t?.close());

  it('every role in the room hears the stream go live and end; deleting the event refuses every live URL at once', async () => {
    const owner = await signUp(t);
    const page = await createEvent(t, owner.agent, liveNow(t));
    const id = page.event.id;
    const [speaker, viewer, moderator] = await roomCast(t, id, ['speaker', 'viewer', 'moderator']);
    const rooms = await Promise.all([viewer, moderator].map((p) => RoomClient.join(base, id, p.agent)));
    const ingest = await IngestClient.open(base, id, speaker.agent);
    await ingest.start();
    const sending = ingest.sendBytes(await webcastBytes({ seconds: 8 }), { bytesPerSecond: 150_000 });
    for (const r of rooms) {
      const live = await r.waitFor((m): m is StreamMsg => m.type === 'stream' && m.status.state === 'live', { timeoutMs: 20_000 });
      expect(live.status).toMatchObject({ source: 'webcast', publisherName: 'speaker-0', reason: null });
    }
    const url = mediaPlaylistUrl(await playlistUrlOf(viewer.agent, id));
    expect((await fetchLive(t, url)).statusCode).toBe(200);
    expect((await owner.agent.delete(`/api/media/${id}`)).statusCode).toBeLessThan(300);
    const refused = await waitFor(async () => {
      const r = await fetchLive(t, url);
      return r.statusCode !== 200 ? r : undefined;
    }, { timeoutMs: 5000, what: 'refused after the deletion' });
    expect(refused.statusCode).toBe(410);
    expect(refused.json().error.code).toBe('media_deleted');
    // the publisher is told and the ingest closes
    expect([ingestCloseCodes.gone, ingestCloseCodes.forbidden, ingestCloseCodes.not_found]).toContain((await ingest.closed).code);
    await sending;
  });

  it('a packager (ffmpeg) that dies mid-broadcast is restarted: viewers see reconnecting, then the same stream goes on', async () => {
    const owner = await signUp(t);
    const page = await createEvent(t, owner.agent, liveNow(t));
    const id = page.event.id;
    const [speaker, viewer] = await roomCast(t, id, ['speaker', 'viewer']);
    const room = await RoomClient.join(base, id, viewer.agent);
    const ingest = await IngestClient.open(base, id, speaker.agent);
    await ingest.start();
    const bytes = await webcastBytes({ seconds: 20 });
    const sending = ingest.sendBytes(bytes, { bytesPerSecond: bytes.length / 12 });
    const url = mediaPlaylistUrl(await playlistUrlOf(viewer.agent, id));
    const before = await waitFor(async () => {
      const b = (await fetchLive(t, url)).body;
      return segmentsOf(b).length >= 2 ? b : undefined;
    }, { what: 'segments before the kill' });
    const lastBefore = mediaSequenceOf(before) + segmentsOf(before).length - 1;
    // the packager's command line names the event's workspace
    execFileSync('pkill', ['-KILL', '-f', `live-${id}-run-`]);
    await room.waitFor((m): m is StreamMsg => m.type === 'stream' && m.status.state === 'reconnecting', { timeoutMs: 10_000 });
    await room.waitFor((m): m is StreamMsg => m.type === 'stream' && m.status.state === 'live' && room.received.some((x) => x.type === 'stream' && x.status.state === 'reconnecting'), { timeoutMs: 20_000 });
    const after = await waitFor(async () => {
      const b = (await fetchLive(t, url)).body;
      return segmentsOf(b).some((n) => Number(/\d+/.exec(n)![0]) > lastBefore + 1) ? b : undefined;
    }, { timeoutMs: 20_000, what: 'segments after the restart' });
    expect(after).toContain('#EXT-X-DISCONTINUITY');
    expect((await livePlayback(viewer.agent, id)).status.state).toBe('live');
    ingest.send({ type: 'stop' });
    await ingest.closed;
    await sending;
  }, 60_000);

  it('a server restart mid-broadcast: the publisher reconnects to the new process and the same stream continues', async () => {
    const clock = new WallClock();
    const first = await startServer(t.db, { clock, env: { LIVE_RECONNECT_WINDOW_SECONDS: '60' } });
    const owner = await signUp(t);
    const page = await createEvent(t, owner.agent, liveNow(t));
    const id = page.event.id;
    const [speaker, viewer] = await roomCast(t, id, ['speaker', 'viewer']);
    const a = await IngestClient.open(first.base, id, speaker.agent);
    await a.start();
    await a.sendBytes(await webcastBytes({ seconds: 4 }));
    const url = mediaPlaylistUrl(await playlistUrlOf(viewer.agent, id));
    const before = await waitFor(async () => {
      const b = (await fetchLive(t, url)).body;
      return segmentsOf(b).length >= 2 ? b : undefined;
    }, { what: 'segments before the restart' });
    await first.close();
    expect((await livePlayback(viewer.agent, id)).status.state).toBe('reconnecting');

    const second = await startServer(t.db, { clock, env: { LIVE_RECONNECT_WINDOW_SECONDS: '60' } });
    try {
      const b = await IngestClient.open(second.base, id, speaker.agent);
      await b.start();
      await b.sendBytes(await webcastBytes({ seconds: 4 }));
      const lastBefore = mediaSequenceOf(before) + segmentsOf(before).length - 1;
      const after = await waitFor(async () => {
        const body = (await second.app.inject({ method: 'GET', url })).body;
        return segmentsOf(body).includes(`seg-${lastBefore + 2}.ts`) ? body : undefined;
      }, { what: 'the stream continued after the restart' });
      expect(after).toContain('#EXT-X-DISCONTINUITY');
      b.send({ type: 'stop' });
      await b.closed;
    } finally {
      await second.close();
    }
  }, 60_000);
});

/**
 * Storage fills up during a broadcast: a real, tiny tmpfs as the media folder (tests run as root).
 * The broadcast stops with storage_full, the stream ends, and what was broadcast is kept: once there is
 * room again, the recording is made from it.
 */
describe('live video when media storage is full', () => {
  let t: TestApp;
  let base: string;
  let media: string;
  beforeAll(async () => {
    t = await createTestApp({ clock: new WallClock() });
    media = path.join(t.db.dataDir, 'media');
    mkdirSync(media, { recursive: true });
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=700k', 'tmpfs', media]);
    base = await listenForSockets(t.app);
  });
  afterAll(async () => {
    await t?.close().catch(() => undefined);
    if (media) execFileSync('umount', ['-l', media]);
  });

  it('stops the broadcast with storage_full and keeps the recording so far', async () => {
    const owner = await signUp(t);
    const page = await createEvent(t, owner.agent, liveNow(t, { title: 'Full disk' }));
    const id = page.event.id;
    const [speaker, viewer] = await roomCast(t, id, ['speaker', 'viewer']);
    const ingest = await IngestClient.open(base, id, speaker.agent);
    await ingest.start();
    const bytes = await webcastBytes({ seconds: 30 });
    const sending = ingest.sendBytes(bytes, { bytesPerSecond: bytes.length / 10 });
    const err = await ingest.next('error', 30_000);
    expect(err).toMatchObject({ error: { code: 'storage_full', message: expect.stringMatching(/recorded so far is kept/) } });
    expect((await ingest.closed).code).toBe(ingestCloseCodes.storage_full);
    await sending;
    const status = (await livePlayback(viewer.agent, id)).status;
    expect(status).toMatchObject({ state: 'ended', reason: 'storage_full' });
    const played = (await fetchLive(t, mediaPlaylistUrl(await playlistUrlOf(viewer.agent, id)))).body;
    expect(segmentsOf(played).length).toBeGreaterThan(0);
    expect(played).toContain('#EXT-X-ENDLIST');

    // room again: the recording (retried by the job queue) holds what was broadcast
    rmSync(path.join(media, '.work'), { recursive: true, force: true });
    execFileSync('mount', ['-o', 'remount,size=64m', media]);
    const recording = await waitFor(async () => (await owner.agent.get(`/api/events/${id}`)).json().event.recording as { mediaId: string } | null, { timeoutMs: 90_000, everyMs: 500, what: 'the recording after the disk has room' });
    const m = (await owner.agent.get(`/api/media/${recording.mediaId}`)).json().media as { title: string };
    expect(m.title).toBe('Full disk (recording)');
  }, 150_000);
});
