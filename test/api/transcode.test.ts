import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp, type TestApp, createTestApp, type Agent } from '../factories/app.js';
import { testDialects } from '../factories/database.js';
import { makeAudio, makeCorruptVideo, makeSizedVideo, makeVideo, multipart } from '../factories/media.js';
import { waitFor } from '../factories/wait.js';

const listFiles = (dir: string): string[] =>
  existsSync(dir) ? readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listFiles(path.join(dir, e.name)) : [path.join(dir, e.name)])) : [];

async function upload(agent: Agent, name: string, bytes: Buffer) {
  const form = multipart(name, bytes);
  const res = await agent.request('POST', '/api/media', form.body, form.headers);
  expect(res.statusCode).toBe(201);
  return res.json().media as { id: string; status: string; type: string };
}

async function settled(agent: Agent, id: string) {
  return waitFor(
    async () => {
      const m = (await agent.get(`/api/media/${id}`)).json().media;
      return m.status === 'ready' || m.status === 'failed' ? m : undefined;
    },
    { what: `media ${id} to finish processing`, timeoutMs: 60_000, everyMs: 100 },
  );
}

describe.each(testDialects())('transcoding on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ dialect });
  });
  afterAll(async () => t?.close());

  it('queues an uploaded video and turns it into an HLS ladder fitted to the source, with poster and thumbnails', async () => {
    const { agent } = await signUp(t);
    const media = await upload(agent, 'talk.mp4', makeSizedVideo({ width: 1280, height: 720, seconds: 5 }).bytes);
    expect(media.status).toBe('queued');
    const done = await settled(agent, media.id);
    expect(done).toMatchObject({ status: 'ready', progress: 1, failureReason: null });
    expect(done.durationSeconds).toBeCloseTo(5, 0);

    const row = (await t.services.transcode.repo.find(media.id))!;
    expect(row.hls_key).toMatch(new RegExp(`^media/${media.id}/play/[0-9a-f]{12}$`));
    expect([row.width, row.height]).toEqual([1280, 720]);
    const dir = path.join(t.config.mediaDir, row.hls_key!);
    const master = readFileSync(path.join(dir, 'master.m3u8'), 'utf8');
    expect(master).toContain('RESOLUTION=640x360');
    expect(master).toContain('RESOLUTION=1280x720');
    expect(master).not.toContain('1080');
    for (const rung of ['360p', '720p']) {
      const playlist = readFileSync(path.join(dir, rung, 'index.m3u8'), 'utf8');
      expect(playlist).toContain('#EXT-X-ENDLIST');
      const segments = playlist.split('\n').filter((l) => l.endsWith('.ts'));
      expect(segments.length).toBeGreaterThanOrEqual(2);
      for (const s of segments) expect(existsSync(path.join(dir, rung, s))).toBe(true);
    }
    expect(readFileSync(path.join(dir, 'poster.jpg')).subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    expect(JSON.parse(row.thumbnails_json!)).toMatchObject({ everySeconds: 2, width: 160 });
    expect(listFiles(path.join(t.config.mediaDir, '.work', `transcode-${media.id}`))).toEqual([]);
  });

  it('never upscales a small video', async () => {
    const { agent } = await signUp(t);
    const media = await upload(agent, 'small.mp4', makeVideo({ seconds: 2 }).bytes);
    expect((await settled(agent, media.id)).status).toBe('ready');
    const row = (await t.services.transcode.repo.find(media.id))!;
    const master = readFileSync(path.join(t.config.mediaDir, row.hls_key!, 'master.m3u8'), 'utf8');
    expect(master.match(/RESOLUTION=\d+x\d+/g)).toEqual(['RESOLUTION=320x240']);
  });

  it('transcodes audio to AAC in HLS', async () => {
    const { agent } = await signUp(t);
    const media = await upload(agent, 'tone.mp3', makeAudio({ seconds: 3 }).bytes);
    expect(media).toMatchObject({ type: 'audio', status: 'queued' });
    const done = await settled(agent, media.id);
    expect(done).toMatchObject({ status: 'ready', failureReason: null });
    expect(done.durationSeconds).toBeCloseTo(3, 0);
    const row = (await t.services.transcode.repo.find(media.id))!;
    const dir = path.join(t.config.mediaDir, row.hls_key!);
    expect(readFileSync(path.join(dir, 'master.m3u8'), 'utf8')).toContain('CODECS="mp4a.40.2"');
    expect(readdirSync(path.join(dir, 'audio')).some((f) => f.endsWith('.ts'))).toBe(true);
    expect(row.poster_key).toBeNull();
  });

  it('fails a corrupt upload with ffmpeg’s reason, naming the upload and not the server path, and publishes nothing', async () => {
    const { agent } = await signUp(t);
    const media = await upload(agent, 'broken.mp4', makeCorruptVideo());
    expect(media).toMatchObject({ type: 'video', status: 'queued' });
    const done = await settled(agent, media.id);
    expect(done.status).toBe('failed');
    expect(done.failureReason).toMatch(/moov atom not found|Invalid data/);
    expect(done.failureReason).not.toContain(t.config.mediaDir);
    const row = (await t.services.transcode.repo.find(media.id))!;
    expect(row.hls_key).toBeNull();
    expect(listFiles(path.join(t.config.mediaDir, 'media', media.id, 'play'))).toEqual([]);
    expect(listFiles(path.join(t.config.mediaDir, '.work', `transcode-${media.id}`))).toEqual([]);
  });

  it('stops processing when the media is deleted mid-transcode, and leaves no file behind', async () => {
    const { agent } = await signUp(t);
    const media = await upload(agent, 'long.mp4', makeSizedVideo({ width: 640, height: 360, seconds: 40 }).bytes);
    await waitFor(
      async () => {
        const row = await t.services.transcode.repo.find(media.id);
        return row?.status === 'processing' && row.processing_progress > 0;
      },
      { what: 'processing to start', timeoutMs: 60_000 },
    );
    expect((await agent.delete(`/api/media/${media.id}`)).statusCode).toBe(200);
    const job = await waitFor(
      async () => {
        const j = await t.db.database.db.selectFrom('jobs').selectAll().where('data_json', 'like', `%${media.id}%`).executeTakeFirst();
        return j && j.status !== 'running' && j.status !== 'queued' ? j : undefined;
      },
      { what: 'the job to end' },
    );
    expect(job.status).toBe('done');
    expect(listFiles(path.join(t.config.mediaDir, 'media', media.id))).toEqual([]);
  });

  it('leaves documents ready at once', async () => {
    const { agent } = await signUp(t);
    const { makePdf } = await import('../factories/media.js');
    const media = await upload(agent, 'doc.pdf', makePdf());
    expect(media.status).toBe('ready');
  });
});
