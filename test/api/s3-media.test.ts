import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { s3Client } from '../../src/server/adapters/storage/s3-storage.js';
import { createTestApp, signUp, type Agent, type TestApp } from '../factories/app.js';
import { makePdf, makeSizedVideo, multipart } from '../factories/media.js';
import { S3Server } from '../factories/s3-server.js';
import { waitFor } from '../factories/wait.js';

const missing = S3Server.available();
if (missing) console.log(`media on S3: skipped — ${missing}`);

async function upload(agent: Agent, name: string, bytes: Buffer) {
  const form = multipart(name, bytes);
  const res = await agent.request('POST', '/api/media', form.body, form.headers);
  expect(res.statusCode, res.body).toBe(201);
  return res.json().media as { id: string };
}

/** Issue 13 item 1 through the whole app: STORAGE_URL on a real S3 server (radosgw). */
describe.skipIf(missing !== null)('media on S3-compatible object storage', () => {
  let server: S3Server;
  let bucket: Awaited<ReturnType<S3Server['bucket']>>;
  let t: TestApp;
  const keys = async (prefix: string) => {
    const client = s3Client(bucket.loc, { credentials: server.credentials });
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket.loc.bucket, Prefix: prefix }));
    client.destroy();
    return (page.Contents ?? []).map((o) => o.Key!).sort();
  };

  beforeAll(async () => {
    server = await S3Server.start();
    bucket = await server.bucket();
    t = await createTestApp({ env: { STORAGE_URL: bucket.url } });
  }, 180_000);
  afterAll(async () => {
    await t?.close();
    await bucket?.dispose();
    await server?.stop();
  });

  it('a video uploads to the bucket, transcodes from it, plays from it with ranges, and deleting it empties its prefix', async () => {
    const { agent } = await signUp(t);
    const media = await upload(agent, 'talk.mp4', makeSizedVideo({ width: 1280, height: 720, seconds: 4 }).bytes);
    const done = await waitFor(async () => {
      const m = (await agent.get(`/api/media/${media.id}`)).json().media;
      return m.status === 'ready' || m.status === 'failed' ? m : undefined;
    }, { what: 'the transcode', timeoutMs: 90_000, everyMs: 200 });
    expect(done.status).toBe('ready');

    const stored = await keys(`media/${media.id}/`);
    expect(stored).toContain(`media/${media.id}/original.mp4`);
    expect(stored.some((k) => /\/play\/[0-9a-f]{12}\/master\.m3u8$/.test(k))).toBe(true);
    expect(stored.some((k) => /\/play\/[0-9a-f]{12}\/720p\/seg_\d+\.ts$/.test(k))).toBe(true);
    expect(stored.some((k) => /\/play\/[0-9a-f]{12}\/poster\.jpg$/.test(k))).toBe(true);
    expect(stored.some((k) => /\/thumbs\/0001\.jpg$/.test(k))).toBe(true);
    // no scratch files in the bucket
    expect(stored.filter((k) => k.includes('/.work/') || k.includes('_download'))).toEqual([]);

    const pb = (await agent.get(`/api/media/${media.id}/playback`)).json();
    const master = await t.app.inject({ method: 'GET', url: pb.hlsUrl });
    expect(master.statusCode).toBe(200);
    expect(master.body).toContain('#EXTM3U');
    const rendition = master.body.split('\n').find((l) => l.endsWith('.m3u8'))!;
    const base = pb.hlsUrl.replace(/master\.m3u8$/, '');
    const playlist = await t.app.inject({ method: 'GET', url: base + rendition });
    expect(playlist.statusCode).toBe(200);
    const segment = base + rendition.replace(/index\.m3u8$/, '') + playlist.body.split('\n').find((l) => l.endsWith('.ts'))!;
    const whole = await t.app.inject({ method: 'GET', url: segment });
    expect(whole.statusCode).toBe(200);
    expect(whole.rawPayload[0]).toBe(0x47); // MPEG-TS sync byte
    const part = await t.app.inject({ method: 'GET', url: segment, headers: { range: 'bytes=188-375' } });
    expect(part.statusCode).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 188-375/${whole.rawPayload.length}`);
    expect(part.rawPayload.equals(whole.rawPayload.subarray(188, 376))).toBe(true);

    expect((await agent.delete(`/api/media/${media.id}`)).statusCode).toBe(200);
    await waitFor(async () => ((await keys(`media/${media.id}/`)).length === 0 ? true : undefined), { what: 'the prefix to empty', timeoutMs: 20_000 });
  }, 120_000);

  it('a document is stored and served from the bucket, and health checks the bucket', async () => {
    const { agent } = await signUp(t);
    const pdf = makePdf('On S3');
    const media = await upload(agent, 'handbook.pdf', pdf);
    const pb = (await agent.get(`/api/media/${media.id}/playback`)).json();
    const file = await t.app.inject({ method: 'GET', url: pb.fileUrl });
    expect(file.statusCode).toBe(200);
    expect(file.rawPayload.equals(pdf)).toBe(true);
    expect(await keys(`media/${media.id}/`)).toEqual([`media/${media.id}/original.pdf`]);
    const health = (await t.app.inject({ method: 'GET', url: '/api/health' })).json();
    expect(health.checks.storage.state).toBe('up');
  });

  it('with MEDIA_DELIVERY=redirect, segments and files answer with a short-lived presigned URL of the bucket; playlists stay on Foyer', async () => {
    const direct = await createTestApp({ env: { STORAGE_URL: bucket.url, MEDIA_DELIVERY: 'redirect' } });
    try {
      const { agent } = await signUp(direct);
      const form = multipart('clip.mp4', makeSizedVideo({ width: 640, height: 360, seconds: 2 }).bytes);
      const id = (await agent.request('POST', '/api/media', form.body, form.headers)).json().media.id as string;
      await waitFor(async () => ((await agent.get(`/api/media/${id}`)).json().media.status === 'ready' ? true : undefined), { what: 'the transcode', timeoutMs: 90_000, everyMs: 200 });
      const pb = (await agent.get(`/api/media/${id}/playback`)).json();

      // playlists: served by Foyer, so their relative URIs resolve to signed Foyer URLs
      const master = await direct.app.inject({ method: 'GET', url: pb.hlsUrl });
      expect(master.statusCode).toBe(200);
      const base = pb.hlsUrl.replace(/master\.m3u8$/, '');
      const rendition = master.body.split('\n').find((l: string) => l.endsWith('.m3u8'))!;
      const playlist = await direct.app.inject({ method: 'GET', url: base + rendition });
      expect(playlist.statusCode).toBe(200);
      const segmentPath = base + rendition.replace(/index\.m3u8$/, '') + playlist.body.split('\n').find((l: string) => l.endsWith('.ts'))!;

      // a segment: 302 to the bucket, not cached; the bucket serves the bytes, with ranges, as video/mp2t
      const seg = await direct.app.inject({ method: 'GET', url: segmentPath });
      expect(seg.statusCode).toBe(302);
      expect(seg.headers['cache-control']).toBe('no-store');
      const target = String(seg.headers.location);
      expect(target.startsWith(`${server.endpoint}/${bucket.loc.bucket}/media/${id}/play/`)).toBe(true);
      expect(new URL(target).searchParams.get('X-Amz-Expires')).toBe('300');
      const fromBucket = await fetch(target);
      expect(fromBucket.status).toBe(200);
      expect(fromBucket.headers.get('content-type')).toBe('video/mp2t');
      expect(fromBucket.headers.get('cache-control')).toBe('private, max-age=300');
      const bytes = Buffer.from(await fromBucket.arrayBuffer());
      expect(bytes[0]).toBe(0x47);
      const key = new URL(target).pathname.replace(`/${bucket.loc.bucket}/`, '');
      const stored = await new Promise<Buffer>((resolve, reject) => {
        const chunks: Buffer[] = [];
        bucket.storage.get(key).on('data', (c: Buffer) => chunks.push(c)).on('end', () => resolve(Buffer.concat(chunks))).on('error', reject);
      });
      expect(bytes.equals(stored)).toBe(true);
      const part = await fetch(target, { headers: { range: 'bytes=188-375' } });
      expect(part.status).toBe(206);
      expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(188, 376))).toBe(true);

      // the presigned URL is the grant only as signed: a changed signature is refused by the bucket
      const forged = new URL(target);
      forged.searchParams.set('X-Amz-Signature', '0'.repeat(64));
      expect((await fetch(forged)).status).toBe(403);
      // and Foyer still checks its own signature first: no redirect for a bad one
      const bad = await direct.app.inject({ method: 'GET', url: segmentPath.replace(/\/stream\/(\d+)\/[A-Za-z0-9_-]{43}\//, '/stream/$1/' + 'A'.repeat(43) + '/') });
      expect(bad.statusCode).toBe(403);
      expect(bad.json().error.code).toBe('signature_invalid');

      // a download: the bucket answers with Foyer's attachment name
      const dl = await direct.app.inject({ method: 'GET', url: pb.downloadUrl });
      expect(dl.statusCode).toBe(302);
      const file = await fetch(String(dl.headers.location));
      expect(file.status).toBe(200);
      expect(file.headers.get('content-disposition')).toMatch(/^attachment; filename="clip\.mp4"/);
      expect(file.headers.get('content-type')).toBe('video/mp4');
    } finally {
      await direct.close();
    }
  }, 120_000);
});
