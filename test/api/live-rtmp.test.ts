import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LivePlaybackDto } from '../../src/contracts/live-video.js';
import type { RtmpServer } from '../../src/server/adapters/rtmp/rtmp-server.js';
import { startRtmpListener } from '../../src/server/runtime.js';
import { createTestApp, signUp, WallClock, type Agent, type TestApp } from '../factories/app.js';
import { invitedGuest, type InvitedGuest } from '../factories/guests.js';
import { createEvent, liveNow } from '../factories/live.js';
import { captureLogs } from '../factories/logs.js';
import { killEncoders, pushTestPattern } from '../factories/rtmp.js';
import { waitFor } from '../factories/wait.js';

/**
 * DIY live end to end: an encoder (ffmpeg, as OBS would) publishes over RTMP with the owner's stream
 * key to the real listener and the real live stream service; a viewer who came in through a real
 * invite and the lobby fetches the signed live playlist and its segments, as the player does.
 */
describe('DIY live over RTMP', () => {
  let t: TestApp;
  let owner: Awaited<ReturnType<typeof signUp>>;
  let rtmp: RtmpServer;
  const logs = captureLogs('info');
  const scratch = mkdtempSync(path.join(tmpdir(), 'foyer-rtmp-'));

  beforeAll(async () => {
    // real time: the packager, the reconnect window and the sweep run on real timers
    t = await createTestApp({ clock: new WallClock() });
    await signUp(t); // the site admin
    owner = await signUp(t, { name: 'Olga Owner' });
    rtmp = await startRtmpListener(t.runtime, { port: 0, host: '127.0.0.1', logger: logs.logger });
  });
  afterEach(() => killEncoders());
  afterAll(async () => {
    await killEncoders();
    await rtmp?.close();
    await t?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  /** A DIY live event open now, its key, and a viewer who passed the lobby with a real invite. */
  const onAir = async () => {
    const id = (await createEvent(t, owner.agent, { kind: 'diy_live', ...liveNow(t) })).event.id;
    const key = (await owner.agent.post(`/api/events/${id}/stream-key`)).json().streamKey as string;
    const viewer = await invitedGuest(t, owner.agent, id, { role: 'viewer' });
    return { id, key, viewer, url: `rtmp://127.0.0.1:${rtmp.port}/live/${key}` };
  };
  const playback = async (viewer: InvitedGuest, id: string): Promise<LivePlaybackDto> => {
    const res = await viewer.agent.get(`/api/events/${id}/live`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };
  const stateOf = async (viewer: InvitedGuest, id: string) => (await playback(viewer, id)).status.state;

  /** The media playlist behind a signed master playlist, as the player reads it. */
  const mediaPlaylist = async (agent: Agent, playlistUrl: string) => {
    const master = await agent.get(playlistUrl);
    expect(master.statusCode).toBe(200);
    const variant = master.body.split('\n').find((l) => l && !l.startsWith('#'))!;
    const base = playlistUrl.slice(0, playlistUrl.lastIndexOf('/') + 1);
    const res = await agent.get(base + variant);
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toContain('no-cache');
    const lines = res.body.split('\n');
    const sequence = Number(lines.find((l) => l.startsWith('#EXT-X-MEDIA-SEQUENCE:'))!.split(':')[1]);
    const segments: Array<{ uri: string; msn: number; discontinuity: boolean }> = [];
    let discontinuity = false;
    for (const l of lines) {
      if (l === '#EXT-X-DISCONTINUITY') discontinuity = true;
      else if (l && !l.startsWith('#')) {
        segments.push({ uri: base + l, msn: sequence + segments.length, discontinuity });
        discontinuity = false;
      }
    }
    return { text: res.body, sequence, segments };
  };
  const probe = (file: string) =>
    new Promise<{ format: { format_name: string; duration?: string }; streams: Array<{ codec_type: string; codec_name: string; width?: number; height?: number }> }>((resolve, reject) =>
      execFile('ffprobe', ['-v', 'error', '-show_entries', 'format=format_name,duration:stream=codec_type,codec_name,width,height', '-of', 'json', file], (err, out) => (err ? reject(err) : resolve(JSON.parse(out)))),
    );
  const fetchSegment = async (agent: Agent, uri: string) => {
    const res = await agent.get(uri);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('video/mp2t');
    const file = path.join(scratch, `${path.basename(new URL(uri, 'http://x').pathname)}-${Date.now()}.ts`);
    writeFileSync(file, res.rawPayload);
    return file;
  };

  it('refuses a wrong key: nothing is published, the stream stays waiting, the warning has no key', async () => {
    const { id, key, viewer } = await onAir();
    const wrong = `${key.slice(0, -3)}${key.endsWith('AAA') ? 'BBB' : 'AAA'}`;
    const encoder = pushTestPattern(`rtmp://127.0.0.1:${rtmp.port}/live/${wrong}`);
    const { code, stderr } = await encoder.exited;
    expect(code).not.toBe(0);
    expect(stderr).toContain('This stream key is not valid');
    const live = await playback(viewer, id);
    expect(live.status.state).toBe('waiting');
    expect(live.playlistUrl).toBeNull();
    expect(await t.db.database.db.selectFrom('live_streams').select('state').where('media_id', '=', id).executeTakeFirst()).toBeUndefined();
    expect(logs.lines.find((l) => l.level === 40 && l.msg === 'RTMP publish refused: not a valid stream key')).toMatchObject({ remote: expect.stringMatching(/127\.0\.0\.1$/) });
    const all = JSON.stringify(logs.lines);
    expect(all).not.toContain(wrong);
    expect(all).not.toContain(key);
  }, 60_000);

  it('goes live with the right key; the invited viewer gets the signed playlist and valid MPEG-TS segments', async () => {
    const { id, key, viewer, url } = await onAir();
    pushTestPattern(url);
    await waitFor(async () => (await stateOf(viewer, id)) === 'live', { what: 'live', timeoutMs: 40_000, everyMs: 250 });
    const live = await playback(viewer, id);
    expect(live.status).toMatchObject({ state: 'live', source: 'rtmp', publisherName: null });
    expect(live.playlistUrl).toMatch(new RegExp(`^/api/live/${id}/`));
    expect(live.canBroadcast).toBe(false);
    const list = await mediaPlaylist(viewer.agent, live.playlistUrl!);
    expect(list.segments.length).toBeGreaterThan(0);
    const file = await fetchSegment(viewer.agent, list.segments.at(-1)!.uri);
    const info = await probe(file);
    expect(info.format.format_name).toBe('mpegts');
    expect(info.streams.map((s) => [s.codec_type, s.codec_name]).sort()).toEqual([['audio', 'aac'], ['video', 'h264']]);
    expect(info.streams.find((s) => s.codec_type === 'video')).toMatchObject({ width: 640, height: 360 });
    // the URL carries no cookie and no key: another browser with the same URL gets nothing without the signature
    expect(live.playlistUrl).not.toContain(key);
    const unsigned = await viewer.agent.get(live.playlistUrl!.replace(/\/[^/]+\/master\.m3u8$/, '/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/master.m3u8'));
    expect(unsigned.statusCode).toBeGreaterThanOrEqual(400);
  }, 90_000);

  it('continues the same stream when the encoder reconnects within the window, and makes one recording of it', async () => {
    const { id, viewer, url } = await onAir();
    const first = pushTestPattern(url);
    await waitFor(async () => (await stateOf(viewer, id)) === 'live', { what: 'live', timeoutMs: 40_000, everyMs: 250 });
    const playlistUrl = (await playback(viewer, id)).playlistUrl!;
    // a few segments of the first connection
    const before = await waitFor(async () => {
      const l = await mediaPlaylist(viewer.agent, playlistUrl);
      return l.segments.length >= 3 ? l : undefined;
    }, { what: 'three segments', timeoutMs: 30_000, everyMs: 250 });
    const lastBefore = before.segments.at(-1)!.msn;

    // OBS loses the connection (killed: the socket closes), then connects again with the same key
    first.kill('SIGKILL');
    await waitFor(async () => (await stateOf(viewer, id)) === 'reconnecting', { what: 'reconnecting', timeoutMs: 20_000, everyMs: 100 });
    const during = await playback(viewer, id);
    expect(during.status.reconnectUntil).not.toBeNull();
    pushTestPattern(url);
    await waitFor(async () => (await stateOf(viewer, id)) === 'live', { what: 'live again', timeoutMs: 40_000, everyMs: 250 });

    // one stream: the same playlist URL goes on, the media sequence keeps counting, with one discontinuity where the encoder came back
    const after = await waitFor(async () => {
      const l = await mediaPlaylist(viewer.agent, playlistUrl);
      const at = l.segments.findIndex((s) => s.discontinuity);
      return at >= 0 && at < l.segments.length - 1 ? l : undefined;
    }, { what: 'segments after the discontinuity', timeoutMs: 30_000, everyMs: 250 });
    const resumed = after.segments.find((s) => s.discontinuity)!;
    expect(resumed.msn).toBeGreaterThan(lastBefore);
    expect(after.sequence).toBeGreaterThanOrEqual(before.sequence);
    const afterFile = await fetchSegment(viewer.agent, after.segments.at(-1)!.uri);
    expect((await probe(afterFile)).format.format_name).toBe('mpegts');
    const streams = await t.db.database.db.selectFrom('live_streams').selectAll().where('media_id', '=', id).execute();
    expect(streams).toHaveLength(1);
    const segments = await t.db.database.db.selectFrom('live_segments').select(['msn', 'discontinuity', 'duration_ms']).where('media_id', '=', id).orderBy('msn').execute();
    expect(segments.map((s) => s.msn)).toEqual(segments.map((_, i) => i));
    expect(segments.filter((s) => s.discontinuity === 1).map((s) => s.msn)).toEqual([resumed.msn]);
    // read while live: once the event ends, the recording job takes the segments away
    const broadcastMs = segments.reduce((a, s) => a + s.duration_ms, 0);
    expect(broadcastMs).toBeGreaterThan(3000);

    // the owner ends the event: the broadcast ends, and its recording is one video of both connections
    expect((await owner.agent.post(`/api/events/${id}/end`)).statusCode).toBe(200);
    await waitFor(async () => (await stateOf(viewer, id)) === 'ended', { what: 'ended', timeoutMs: 30_000, everyMs: 250 });
    const event = await waitFor(async () => {
      const e = await t.db.database.db.selectFrom('live_events').selectAll().where('media_id', '=', id).executeTakeFirst();
      return e?.recording_media_id ? e : undefined;
    }, { what: 'the recording', timeoutMs: 60_000, everyMs: 250 });
    const recordings = await t.db.database.db.selectFrom('media').selectAll().where('owner_id', '=', owner.user.id).where('type', '=', 'video').execute();
    expect(recordings.map((m) => m.id)).toEqual([event.recording_media_id]);
    expect((await t.db.database.db.selectFrom('live_streams').select('recording_media_id').where('media_id', '=', id).executeTakeFirstOrThrow()).recording_media_id).toBe(event.recording_media_id);
    const original = path.join(t.config.mediaDir, recordings[0].storage_key!);
    const rec = await probe(original);
    expect(rec.streams.map((s) => s.codec_type).sort()).toEqual(['audio', 'video']);
    // it holds what was broadcast, both connections (a segment or so of slack at each end)
    expect(Number(rec.format.duration) * 1000).toBeGreaterThan(broadcastMs - 2500);
  }, 240_000);

  it('refuses a second encoder with the key while the first is live; lets it in when the first has gone stale', async () => {
    const { id, viewer, url } = await onAir();
    const first = pushTestPattern(url);
    await waitFor(async () => (await stateOf(viewer, id)) === 'live', { what: 'live', timeoutMs: 40_000, everyMs: 250 });
    // well into the broadcast (more segments than the staleness limit has seconds): the first encoder is alive, not stale
    await waitFor(async () => (await t.db.database.db.selectFrom('live_segments').select('msn').where('media_id', '=', id).execute()).length >= 8, { what: 'eight segments', timeoutMs: 40_000, everyMs: 250 });
    expect(t.services.liveStreams.isStale(id)).toBe(false);

    const second = pushTestPattern(url);
    const refused = await second.exited;
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('Someone else is broadcasting');
    expect(first.proc.exitCode).toBeNull();
    expect(await stateOf(viewer, id)).toBe('live');
    expect(logs.lines.find((l) => l.level === 40 && l.msg === 'RTMP publish refused' && l.mediaId === id)).toMatchObject({ code: 'stream_busy' });

    // The first encoder freezes with its TCP connection open (a network loss node-media-server has not noticed):
    // once the live stream service calls it stale, the same key gets in and the frozen session is ended.
    first.proc.kill('SIGSTOP');
    await waitFor(() => t.services.liveStreams.isStale(id), { what: 'stale', timeoutMs: 30_000, everyMs: 100 });
    const third = pushTestPattern(url);
    await waitFor(() => logs.lines.find((l) => l.msg === 'RTMP: the encoder reconnected; ending its stale session' && l.mediaId === id), { what: 'stale session ended', timeoutMs: 30_000 });
    await waitFor(async () => {
      const segs = await t.db.database.db.selectFrom('live_segments').select('discontinuity').where('media_id', '=', id).execute();
      return segs.some((s) => s.discontinuity === 1) && (await stateOf(viewer, id)) === 'live';
    }, { what: 'live from the third encoder', timeoutMs: 40_000, everyMs: 250 });
    expect(third.proc.exitCode).toBeNull();
    expect(await t.db.database.db.selectFrom('live_streams').select('media_id').where('media_id', '=', id).execute()).toHaveLength(1);
  }, 180_000);
});
