import { createHash } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, createTestApp, signUp, type TestApp } from '../factories/app.js';
import { testDialects } from '../factories/database.js';
import { fileOf, makeSizedVideo, makeVideo } from '../factories/media.js';
import { waitFor } from '../factories/wait.js';

const TUS = { 'tus-resumable': '1.0.0' };
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const meta = (name: string) => `filename ${Buffer.from(name).toString('base64')}`;

async function create(agent: Agent, size: number, name = 'clip.mp4') {
  const res = await agent.request('POST', '/api/uploads', undefined, { ...TUS, 'upload-length': String(size), 'upload-metadata': meta(name) });
  expect(res.statusCode).toBe(201);
  return String(res.headers.location);
}

const patch = (agent: Agent, url: string, offset: number, bytes: Buffer) =>
  agent.request('PATCH', url, bytes, { ...TUS, 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' });

const offsetOf = async (agent: Agent, url: string) => Number((await agent.request('HEAD', url, undefined, TUS)).headers['upload-offset']);

describe.each(testDialects())('resumable (tus) uploads on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ dialect, env: { UPLOAD_LIMIT_MB: '4' } });
  });
  afterAll(async () => t?.close());

  it('takes a file in pieces and turns it into media, byte for byte', async () => {
    const { agent } = await signUp(t);
    const video = makeVideo({ seconds: 2 }).bytes;
    const url = await create(agent, video.length, 'Pieces.mp4');
    expect(url).toMatch(/^\/api\/uploads\/[0-9a-f]{32}$/);
    const half = Math.floor(video.length / 2);
    const first = await patch(agent, url, 0, video.subarray(0, half));
    expect(first.statusCode).toBe(204);
    expect(first.headers['upload-offset']).toBe(String(half));
    expect(await offsetOf(agent, url)).toBe(half);
    const wrong = await patch(agent, url, 0, video.subarray(0, 10));
    expect(wrong.statusCode).toBe(409);
    const last = await patch(agent, url, half, video.subarray(half));
    expect(last.statusCode).toBe(200);
    const { mediaId } = last.json();
    const media = (await agent.get(`/api/media/${mediaId}`)).json().media;
    expect(media).toMatchObject({ title: 'Pieces', type: 'video', sizeBytes: video.length });
    expect(['queued', 'processing', 'ready']).toContain(media.status);
    const file = await fileOf(agent, mediaId);
    expect(sha(file.rawPayload)).toBe(sha(video));
    expect(readdirSync(t.config.uploadsDir)).toEqual([]);
  });

  it('resumes an upload whose connection dropped half way, producing the same bytes', async () => {
    const { agent } = await signUp(t);
    const video = makeSizedVideo({ width: 640, height: 360, seconds: 6 }).bytes;
    const url = await create(agent, video.length, 'dropped.mp4');
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const port = (t.app.server.address() as AddressInfo).port;
    const half = Math.floor(video.length / 2);

    // A real connection: announce every byte, send half, then cut the socket.
    const req = http.request({
      host: '127.0.0.1',
      port,
      method: 'PATCH',
      path: url,
      headers: {
        ...TUS,
        cookie: agent.cookieHeader,
        'x-csrf-token': agent.cookies.get('foyer_csrf')!,
        origin: 'http://localhost:3000',
        'upload-offset': '0',
        'content-type': 'application/offset+octet-stream',
        'content-length': String(video.length),
      },
    });
    req.on('error', () => undefined);
    req.write(video.subarray(0, half));
    // Watch the stored bytes on disk: a HEAD now would make tus end the running PATCH itself.
    const stored = path.join(t.config.uploadsDir, url.split('/').pop()!);
    await waitFor(() => existsSync(stored) && statSync(stored).size === half, { what: 'the server to store the first half' });
    req.destroy();

    const offset = await waitFor(async () => {
      const o = await offsetOf(agent, url);
      return o > 0 ? o : undefined;
    }, { what: 'the offset after the drop' });
    expect(offset).toBe(half);
    const rest = await patch(agent, url, offset, video.subarray(offset));
    expect(rest.statusCode).toBe(200);
    const file = await fileOf(agent, rest.json().mediaId);
    expect(file.rawPayload.length).toBe(video.length);
    expect(sha(file.rawPayload)).toBe(sha(video));
  });

  it('keeps each upload to its owner, and requires a login and the CSRF token', async () => {
    const a = await signUp(t);
    const b = await signUp(t);
    const url = await create(a.agent, 1000);
    expect((await b.agent.request('HEAD', url, undefined, TUS)).statusCode).toBe(404);
    expect((await patch(b.agent, url, 0, Buffer.alloc(10))).statusCode).toBe(404);
    expect((await new Agent(t.app).request('POST', '/api/uploads', undefined, { ...TUS, 'upload-length': '10' })).json().error.code).toBe('unauthenticated');
    const noCsrf = await t.app.inject({ method: 'PATCH', url, headers: { ...TUS, cookie: a.agent.cookieHeader, 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' }, payload: Buffer.alloc(10) });
    expect(noCsrf.json().error.code).toBe('csrf_failed');
    expect((await a.agent.get(url)).statusCode).toBe(404);
    expect((await a.agent.request('DELETE', url, undefined, TUS)).statusCode).toBe(204);
  });

  it('refuses an upload over the size limit before any byte is sent', async () => {
    const { agent } = await signUp(t);
    const res = await agent.request('POST', '/api/uploads', undefined, { ...TUS, 'upload-length': String(4 * 1024 * 1024 + 1) });
    expect(res.statusCode).toBe(413);
  });

  it('refuses a finished upload that is not media, and keeps nothing', async () => {
    const { agent } = await signUp(t);
    const junk = Buffer.from('<html><script>alert(1)</script></html>'.repeat(200));
    const url = await create(agent, junk.length, 'video.mp4');
    const res = await patch(agent, url, 0, junk);
    expect(res.statusCode).toBe(415);
    expect(res.json().error.code).toBe('unsupported_media');
    expect((await agent.get('/api/media')).json().items).toEqual([]);
    expect(readdirSync(t.config.uploadsDir)).toEqual([]);
  });
});
