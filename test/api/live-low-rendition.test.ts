import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lowRenditionAffordable } from '../../src/server/services/live-video/live-stream.service.js';
import { createTestApp, signUp, WallClock, type TestApp } from '../factories/app.js';
import { createEvent, liveNow, roomCast } from '../factories/live.js';
import { ffmpegInfo, fetchLive, IngestClient, mediaPlaylistUrl, playlistUrlOf, segmentsOf, webcastBytes } from '../factories/live-video.js';
import { listenForSockets } from '../factories/room-client.js';
import { waitFor } from '../factories/wait.js';


/** The picture size of a segment's video, from ffmpeg's stream line. */
async function videoSize(bytes: Buffer): Promise<string> {
  const info = await ffmpegInfo(bytes);
  return /Video: h264.*?\b(\d{2,5}x\d{2,5})\b/.exec(info)?.[1] ?? `no h264 video in: ${info}`;
}

const variantsOf = (master: string) =>
  master
    .split('\n')
    .map((l, i, all) => (l.startsWith('#EXT-X-STREAM-INF:') ? { attrs: l, uri: all[i + 1]! } : undefined))
    .filter((v) => v !== undefined);

/** LIVE_LOW_RENDITION (issue 10): a 480p rendition beside a larger source, under the same signed URL. */
describe('live video: the 480p rendition', () => {
  let t: TestApp;
  let base: string;
  beforeAll(async () => {
    t = await createTestApp({ clock: new WallClock(), env: { LIVE_LOW_RENDITION: 'on' } });
    base = await listenForSockets(t.app);
  });
  afterAll(async () => t?.close());

  async function broadcast(title: string, size: string) {
    const owner = await signUp(t, { name: 'Olga Owner' });
    const page = await createEvent(t, owner.agent, liveNow(t, { title }));
    const [speaker, viewer] = await roomCast(t, page.event.id, ['speaker', 'viewer']);
    const ingest = await IngestClient.open(base, page.event.id, speaker!.agent);
    await ingest.start();
    const bytes = await webcastBytes({ seconds: 6, size });
    // about real time, so the viewer sees the stream grow
    const sending = ingest.sendBytes(bytes, { bytesPerSecond: bytes.length / 5 });
    return { id: page.event.id, viewer: viewer!, ingest, sending };
  }

  it('a 720p webcast gets a 480p rendition: listed in the master playlist, the same segment numbers, blocking reload, ended with the source', async () => {
    const { id, viewer, ingest, sending } = await broadcast('Tall source', '1280x720');
    const master = await playlistUrlOf(viewer.agent, id);
    // the master lists the lower rendition once it has a segment
    const variants = await waitFor(async () => {
      const v = variantsOf((await fetchLive(t, master)).body);
      return v.length === 2 ? v : undefined;
    }, { timeoutMs: 20_000, what: 'two variants' });
    expect(variants[0]).toMatchObject({ uri: 'index.m3u8' });
    expect(variants[0]!.attrs).toContain('RESOLUTION=1280x720');
    expect(variants[1]).toMatchObject({ uri: 'lo/index.m3u8' });
    expect(variants[1]!.attrs).toContain('RESOLUTION=854x480');
    const bandwidth = (attrs: string) => Number(/BANDWIDTH=(\d+)/.exec(attrs)![1]);
    expect(bandwidth(variants[1]!.attrs)).toBeLessThanOrEqual(bandwidth(variants[0]!.attrs));

    const lowUrl = master.replace('master.m3u8', 'lo/index.m3u8');
    const low = await fetchLive(t, lowUrl);
    expect(low.statusCode).toBe(200);
    expect(low.headers['cache-control']).toContain('no-cache');
    expect(low.body).toContain('#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES');
    const lowNames = segmentsOf(low.body);
    expect(lowNames.length).toBeGreaterThan(0);
    // its own segments (not the source's under another name): 480 lines
    const lowSeg = await fetchLive(t, lowUrl.replace('index.m3u8', lowNames[0]!));
    expect(lowSeg.statusCode).toBe(200);
    expect(lowSeg.headers['content-type']).toBe('video/mp2t');
    expect(await videoSize(lowSeg.rawPayload)).toBe('854x480');
    const mainSeg = await fetchLive(t, master.replace('master.m3u8', lowNames[0]!));
    expect(await videoSize(mainSeg.rawPayload)).toBe('1280x720');

    // blocking reload on the lower playlist: the next one comes when its 480p segment exists
    const lastLow = Number(/seg-(\d+)\.ts/.exec(lowNames.at(-1)!)![1]);
    const next = await fetchLive(t, `${lowUrl}?_HLS_msn=${lastLow + 1}`);
    expect(segmentsOf(next.body)).toContain(`seg-${lastLow + 1}.ts`);

    // a forged signature is refused here too
    const forged = lowUrl.replace(/\/([A-Za-z0-9_-]{43})\//, (_all, sig: string) => `/${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}/`);
    expect((await fetchLive(t, forged)).json().error.code).toBe('signature_invalid');

    await sending;
    ingest.send({ type: 'stop' });
    await ingest.closed;
    // ended: both playlists end, with the same segments; every one has its 480p segment
    const mainEnded = (await fetchLive(t, mediaPlaylistUrl(master))).body;
    const lowEnded = (await fetchLive(t, lowUrl)).body;
    expect(mainEnded).toContain('#EXT-X-ENDLIST');
    expect(lowEnded).toContain('#EXT-X-ENDLIST');
    expect(segmentsOf(lowEnded)).toEqual(segmentsOf(mainEnded));
    expect(segmentsOf(mainEnded).length).toBeGreaterThanOrEqual(5);
    const rows = await t.db.database.db.selectFrom('live_segments').select(['msn', 'low_size_bytes']).where('media_id', '=', id).execute();
    expect(rows.length).toBeGreaterThanOrEqual(segmentsOf(mainEnded).length);
    expect(rows.filter((r) => r.low_size_bytes === null)).toEqual([]);
    const stream = await t.db.database.db.selectFrom('live_streams').select(['video_width', 'video_height', 'low_height']).where('media_id', '=', id).executeTakeFirstOrThrow();
    expect(stream).toEqual({ video_width: 1280, video_height: 720, low_height: 480 });
  }, 120_000);

  it('a source of 480 lines or fewer gets none: one variant, and the lower playlist (asked for anyway) lists the source', async () => {
    const { id, viewer, ingest, sending } = await broadcast('Small source', '320x180');
    const master = await playlistUrlOf(viewer.agent, id);
    await waitFor(async () => segmentsOf((await fetchLive(t, mediaPlaylistUrl(master))).body).length >= 5, { timeoutMs: 20_000, what: 'five segments' });
    const variants = variantsOf((await fetchLive(t, master)).body);
    expect(variants).toHaveLength(1);
    expect(variants[0]!.attrs).toContain('RESOLUTION=320x180');
    const low = (await fetchLive(t, master.replace('master.m3u8', 'lo/index.m3u8'))).body;
    expect(segmentsOf(low).length).toBeGreaterThan(0);
    for (const name of segmentsOf(low)) expect(name).toMatch(/^\.\.\/seg-\d+\.ts$/);
    ingest.send({ type: 'stop' });
    await ingest.closed;
    await sending;
    const stream = await t.db.database.db.selectFrom('live_streams').select(['low_height']).where('media_id', '=', id).executeTakeFirstOrThrow();
    expect(stream.low_height).toBeNull();
  }, 120_000);
});

describe('LIVE_LOW_RENDITION=auto', () => {
  it('makes one per two cores (four when the source is encoded too); on and off ignore the cores', () => {
    expect(lowRenditionAffordable({ setting: 'auto', cores: 2, others: 0, mode: 'copy' })).toBe(true);
    expect(lowRenditionAffordable({ setting: 'auto', cores: 2, others: 1, mode: 'copy' })).toBe(false);
    expect(lowRenditionAffordable({ setting: 'auto', cores: 4, others: 1, mode: 'copy' })).toBe(true);
    expect(lowRenditionAffordable({ setting: 'auto', cores: 2, others: 0, mode: 'encode' })).toBe(false);
    expect(lowRenditionAffordable({ setting: 'auto', cores: 4, others: 0, mode: 'encode' })).toBe(true);
    expect(lowRenditionAffordable({ setting: 'auto', cores: 1, others: 0, mode: 'copy' })).toBe(false);
    expect(lowRenditionAffordable({ setting: 'on', cores: 1, others: 5, mode: 'encode' })).toBe(true);
    expect(lowRenditionAffordable({ setting: 'off', cores: 64, others: 0, mode: 'copy' })).toBe(false);
  });
});
