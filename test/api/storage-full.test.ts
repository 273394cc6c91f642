import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signUp, type TestApp } from '../factories/app.js';
import { errorCode } from '../factories/invites.js';
import { makePdf, multipart } from '../factories/media.js';

/**
 * Media storage runs out of room: a real, tiny tmpfs mounted as the media folder (this machine's tests
 * run as root). The upload is refused with a clear storage_full, nothing half-written stays, and what
 * was stored before is untouched.
 */
describe('media storage full', () => {
  let t: TestApp;
  let media: string;
  beforeAll(async () => {
    t = await createTestApp();
    media = path.join(t.db.dataDir, 'media');
    mkdirSync(media, { recursive: true });
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', media]);
  });
  afterAll(async () => {
    await t?.close().catch(() => undefined);
    if (media) execFileSync('umount', ['-l', media]);
  });

  it('refuses an upload that does not fit with storage_full (507), keeps nothing of it, and keeps what was there', async () => {
    const owner = await signUp(t);
    const small = multipart('Fits.pdf', makePdf('fits'));
    const first = await owner.agent.request('POST', '/api/media', small.body, small.headers);
    expect(first.statusCode).toBe(201);

    const big = multipart('Too big.pdf', Buffer.concat([makePdf('big'), Buffer.alloc(600_000, 32)]));
    const res = await owner.agent.request('POST', '/api/media', big.body, big.headers);
    expect(res.statusCode).toBe(507);
    expect(errorCode(res)).toBe('storage_full');
    expect(res.json().error.message).toMatch(/no room/);

    const library = (await owner.agent.get('/api/media')).json().items.map((m: { title: string }) => m.title);
    expect(library).toEqual(['Fits']);
    // No partial file is left behind under any media folder.
    const leftovers = readdirSync(path.join(media, 'media'), { recursive: true }).map(String).filter((f) => f.includes('.partial-'));
    expect(leftovers).toEqual([]);
    expect((await owner.agent.get(`/api/media/${first.json().media.id}/playback`)).statusCode).toBe(200);
  });

  it('health says storage is full, and the server still serves (200 degraded, not 503)', async () => {
    // Fill what is left of the disk.
    execFileSync('sh', ['-c', `dd if=/dev/zero of=${path.join(media, 'filler')} bs=4k 2>/dev/null || true`]);
    const res = await t.app.inject({ method: 'GET', url: '/api/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'degraded', checks: { storage: { state: 'full' }, database: { state: 'up' } } });
  });
});
