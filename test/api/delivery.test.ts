import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, createTestApp, signUp, type TestApp } from '../factories/app.js';
import { testDialects } from '../factories/database.js';
import { invitedGuest } from '../factories/guests.js';
import { makePdf, makeVideo, multipart } from '../factories/media.js';
import { waitFor } from '../factories/wait.js';

const TTL = 600;

async function uploadReady(agent: Agent, name: string, bytes: Buffer) {
  const form = multipart(name, bytes);
  const id = (await agent.request('POST', '/api/media', form.body, form.headers)).json().media.id as string;
  await waitFor(async () => (await agent.get(`/api/media/${id}`)).json().media.status === 'ready', { what: 'processing', timeoutMs: 60_000, everyMs: 100 });
  return id;
}

/** The master playlist, a variant playlist and one segment URL, following the playlists as a player does. */
async function firstSegment(t: TestApp, hlsUrl: string) {
  const master = await t.app.inject({ method: 'GET', url: hlsUrl });
  expect(master.statusCode).toBe(200);
  const variant = new URL(master.body.split('\n').find((l) => l.endsWith('.m3u8'))!, `http://x${hlsUrl}`).pathname;
  const playlist = await t.app.inject({ method: 'GET', url: variant });
  expect(playlist.statusCode).toBe(200);
  return new URL(playlist.body.split('\n').find((l) => l.endsWith('.ts'))!, `http://x${variant}`).pathname;
}

describe.each(testDialects())('protected delivery on %s', (dialect) => {
  let t: TestApp;
  let owner: Awaited<ReturnType<typeof signUp>>;
  let videoA: string;
  let videoB: string;
  beforeAll(async () => {
    t = await createTestApp({ dialect, env: { MEDIA_URL_TTL_SECONDS: String(TTL) } });
    owner = await signUp(t);
    videoA = await uploadReady(owner.agent, 'a.mp4', makeVideo({ seconds: 2 }).bytes);
    videoB = await uploadReady(owner.agent, 'b.mp4', makeVideo({ seconds: 2 }).bytes);
  });
  afterAll(async () => t?.close());

  /** A viewer the owner invited to this one media item, in a browser of their own past the lobby. */
  const guest = (mediaId: string) => invitedGuest(t, owner.agent, mediaId);

  it('gives the owner signed playlist, segment and poster URLs that serve the bytes without cookies', async () => {
    const res = await owner.agent.get(`/api/media/${videoA}/playback`);
    expect(res.statusCode).toBe(200);
    const pb = res.json();
    expect(pb).toMatchObject({ status: 'ready', type: 'video', refreshInSeconds: TTL / 2 });
    expect(pb.hlsUrl).toMatch(new RegExp(`^/api/media/${videoA}/stream/\\d+/[A-Za-z0-9_-]{43}/[0-9a-f]{12}/master\\.m3u8$`));
    expect(Date.parse(pb.expiresAt)).toBe(Math.floor(t.clock.now / 1000) * 1000 + TTL * 1000);

    const master = await t.app.inject({ method: 'GET', url: pb.hlsUrl });
    expect(master.headers['content-type']).toMatch(/mpegurl/i);
    expect(master.headers['set-cookie']).toBeUndefined();
    const segment = await firstSegment(t, pb.hlsUrl);
    const seg = await t.app.inject({ method: 'GET', url: segment });
    expect(seg.statusCode).toBe(200);
    expect(seg.headers['content-type']).toBe('video/mp2t');
    const row = (await t.services.transcode.repo.find(videoA))!;
    const onDisk = readFileSync(path.join(t.config.mediaDir, row.hls_key!, segment.split('/').slice(-2).join('/')));
    expect(seg.rawPayload.equals(onDisk)).toBe(true);
    const range = await t.app.inject({ method: 'GET', url: segment, headers: { range: 'bytes=0-187' } });
    expect(range.statusCode).toBe(206);
    expect(range.rawPayload.length).toBe(188);

    const poster = await t.app.inject({ method: 'GET', url: pb.posterUrl });
    expect(poster.statusCode).toBe(200);
    expect(poster.headers['content-type']).toBe('image/jpeg');
    const thumb = await t.app.inject({ method: 'GET', url: pb.thumbnails.urlTemplate.replace('{n}', '0001') });
    expect(thumb.statusCode).toBe(200);
  });

  it('refuses playback to someone without a grant, and a segment request without a valid signature', async () => {
    const stranger = await signUp(t);
    expect((await stranger.agent.get(`/api/media/${videoA}/playback`)).json().error.code).toBe('not_found');
    expect((await new Agent(t.app).get(`/api/media/${videoA}/playback`)).json().error.code).toBe('unauthenticated');

    const pb = (await owner.agent.get(`/api/media/${videoA}/playback`)).json();
    const segment = await firstSegment(t, pb.hlsUrl);
    const [, , , id, scope, exp, sig, ...rest] = segment.split('/');
    const unsigned = await t.app.inject({ method: 'GET', url: `/api/media/${id}/${scope}/${rest.join('/')}` });
    expect(unsigned.statusCode).toBe(403);
    expect(unsigned.json().error.code).toBe('signature_invalid');
    const tamperedSig = `/api/media/${id}/stream/${exp}/${sig.slice(0, -1)}${sig.endsWith('A') ? 'B' : 'A'}/${rest.join('/')}`;
    expect((await t.app.inject({ method: 'GET', url: tamperedSig })).json().error.code).toBe('signature_invalid');
    const laterExp = `/api/media/${id}/stream/${Number(exp) + 3600}/${sig}/${rest.join('/')}`;
    expect((await t.app.inject({ method: 'GET', url: laterExp })).json().error.code).toBe('signature_invalid');
    const original = `/api/media/${id}/stream/${exp}/${sig}/../original.mp4`;
    expect((await t.app.inject({ method: 'GET', url: original })).statusCode).toBeGreaterThanOrEqual(400);
    const escaped = `/api/media/${id}/stream/${exp}/${sig}/%2e%2e/original.mp4`;
    expect((await t.app.inject({ method: 'GET', url: escaped })).statusCode).toBe(404);
  });

  it('refuses an expired signature', async () => {
    const pb = (await owner.agent.get(`/api/media/${videoA}/playback`)).json();
    const segment = await firstSegment(t, pb.hlsUrl);
    const saved = t.clock.now;
    try {
      t.clock.advance((TTL + 1) * 1000);
      const res = await t.app.inject({ method: 'GET', url: segment });
      expect(res.statusCode).toBe(403);
      expect(res.json().error.code).toBe('signature_expired');
    } finally {
      t.clock.now = saved;
    }
  });

  it('lets a guest of A play A but never fetch a byte of B, even with A’s signature', async () => {
    const g = await guest(videoA);
    const pbA = (await g.agent.get(`/api/media/${videoA}/playback`)).json();
    const segA = await firstSegment(t, pbA.hlsUrl);
    expect((await t.app.inject({ method: 'GET', url: segA })).statusCode).toBe(200);

    const refused = await g.agent.get(`/api/media/${videoB}/playback`);
    expect(refused.json().error.code).toBe('out_of_scope');

    const pbB = (await owner.agent.get(`/api/media/${videoB}/playback`)).json();
    const segB = await firstSegment(t, pbB.hlsUrl);
    const [, , , , , , , ...restB] = segB.split('/');
    const [, , , , , expA, sigA] = segA.split('/');
    const forged = `/api/media/${videoB}/stream/${expA}/${sigA}/${restB.join('/')}`;
    const res = await t.app.inject({ method: 'GET', url: forged });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('signature_invalid');
  });

  it('after a revoke, refuses new URLs at once and the old ones once their lifetime is over', async () => {
    const g = await guest(videoA);
    const pb = (await g.agent.get(`/api/media/${videoA}/playback`)).json();
    const segment = await firstSegment(t, pb.hlsUrl);
    await g.revoke();
    // The revoke ended the guest's session, and the refusal says why.
    expect((await g.agent.get(`/api/media/${videoA}/playback`)).json().error.code).toBe('invite_revoked');
    const saved = t.clock.now;
    try {
      // Within the lifetime the URL already handed out still works: that is the documented revoke window.
      t.clock.advance((TTL - 1) * 1000);
      expect((await t.app.inject({ method: 'GET', url: segment })).statusCode).toBe(200);
      t.clock.advance(2_000);
      const res = await t.app.inject({ method: 'GET', url: segment });
      expect(res.statusCode).toBe(403);
      expect(res.json().error.code).toBe('signature_expired');
    } finally {
      t.clock.now = saved;
    }
  });

  it('removes every download path for viewers when the owner blocks downloads', async () => {
    const doc = await uploadReady(owner.agent, 'handbook.pdf', makePdf());
    const g = await guest(videoA);
    const gd = await guest(doc);

    let pb = (await g.agent.get(`/api/media/${videoA}/playback`)).json();
    expect(pb.downloadUrl).toMatch(/\/download\/\d+\/[^/]+\/original\.mp4\?filename=/);
    const dl = await t.app.inject({ method: 'GET', url: pb.downloadUrl });
    expect(dl.statusCode).toBe(200);
    expect(dl.headers['content-disposition']).toMatch(/^attachment; filename="a\.mp4"/);

    for (const id of [videoA, doc]) expect((await owner.agent.request('PUT', `/api/media/${id}/block-download`, { blockDownload: true })).statusCode).toBe(200);
    pb = (await g.agent.get(`/api/media/${videoA}/playback`)).json();
    expect(pb).toMatchObject({ blockDownload: true, downloadUrl: null, fileUrl: null });
    expect(pb.hlsUrl).toBeTruthy();
    // Without a signed URL there is no way to the file: a made-up signature is refused.
    expect((await g.agent.get(`/api/media/${videoA}/file/${Math.floor(t.clock.now / 1000) + 600}/forged/original.mp4`)).statusCode).toBe(403);

    const pd = (await gd.agent.get(`/api/media/${doc}/playback`)).json();
    expect(pd).toMatchObject({ type: 'document', downloadUrl: null, blockDownload: true });
    const inline = await t.app.inject({ method: 'GET', url: pd.fileUrl });
    expect(inline.statusCode).toBe(200);
    expect(inline.headers['content-disposition']).toBe('inline');
    expect(inline.headers['content-type']).toBe('application/pdf');
    // The inline signature does not open the download scope.
    const asDownload = pd.fileUrl.replace('/file/', '/download/');
    expect((await t.app.inject({ method: 'GET', url: asDownload })).json().error.code).toBe('signature_invalid');

    const own = (await owner.agent.get(`/api/media/${videoA}/playback`)).json();
    expect(own.downloadUrl).toBeTruthy();
    await owner.agent.request('PUT', `/api/media/${videoA}/block-download`, { blockDownload: false });
  });

  it('serves owner-uploaded WebVTT captions beside the stream and refuses other files', async () => {
    const vtt = 'WEBVTT\n\n00:00.000 --> 00:01.500\nHello there\n';
    const add = await owner.agent.request('POST', `/api/media/${videoA}/captions?lang=en&label=English`, Buffer.from(vtt), { 'content-type': 'text/vtt' });
    expect(add.statusCode).toBe(201);
    const pb = (await owner.agent.get(`/api/media/${videoA}/playback`)).json();
    expect(pb.captions).toEqual([expect.objectContaining({ lang: 'en', label: 'English', id: add.json().caption.id })]);
    const track = await t.app.inject({ method: 'GET', url: pb.captions[0].url });
    expect(track.statusCode).toBe(200);
    expect(track.headers['content-type']).toMatch(/text\/vtt/);
    expect(track.body).toBe(vtt);

    const bad = await owner.agent.request('POST', `/api/media/${videoA}/captions?lang=en&label=X`, Buffer.from('1\n00:00:00,000 --> 00:00:01,000\nSRT\n'), { 'content-type': 'text/plain' });
    expect(bad.json().error.code).toBe('unsupported_media');
    const g = await guest(videoA);
    const notOwner = await g.agent.request('POST', `/api/media/${videoA}/captions?lang=en&label=X`, Buffer.from(vtt), { 'content-type': 'text/vtt' });
    // A guest has no account: owner actions are out of the invite's scope.
    expect(notOwner.statusCode).toBe(403);

    expect((await owner.agent.delete(`/api/media/${videoA}/captions/${add.json().caption.id}`)).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: pb.captions[0].url })).statusCode).toBe(404);
  });

  it('shows processing state to the player before the media is ready, with no URLs', async () => {
    const form = multipart('later.mp4', makeVideo({ seconds: 1 }).bytes);
    await t.runtime.jobs.stop();
    try {
      const id = (await owner.agent.request('POST', '/api/media', form.body, form.headers)).json().media.id;
      const pb = (await owner.agent.get(`/api/media/${id}/playback`)).json();
      expect(pb).toMatchObject({ status: 'queued', hlsUrl: null, posterUrl: null, downloadUrl: null });
    } finally {
      t.runtime.jobs.start();
    }
  });
});
