import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signUp, type TestApp } from '../factories/app.js';
import { makeVideo } from '../factories/media.js';

const listFiles = (dir: string): string[] =>
  existsSync(dir) ? readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listFiles(path.join(dir, e.name)) : [path.join(dir, e.name)])) : [];

describe('an interrupted upload', () => {
  let t: TestApp;
  let port: number;
  beforeAll(async () => {
    t = await createTestApp();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.server.address() as { port: number }).port;
  });
  afterAll(async () => t?.close());

  it('leaves no file and no media behind', async () => {
    const owner = await signUp(t);
    const video = makeVideo({ seconds: 2 }).bytes;
    const boundary = '----foyerabort';
    const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="cut.mp4"\r\nContent-Type: video/mp4\r\n\r\n`);
    let drop!: () => void;
    const closed = new Promise<void>((resolve) => {
      const req = request({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/api/media',
        headers: {
          'content-type': `multipart/form-data; boundary=${boundary}`,
          'content-length': String(head.length + video.length + 100),
          cookie: owner.agent.cookieHeader,
          'x-csrf-token': owner.agent.cookies.get('foyer_csrf')!,
        },
      });
      req.on('error', () => resolve());
      req.on('close', () => resolve());
      req.write(head);
      req.write(video.subarray(0, Math.floor(video.length / 2)));
      drop = () => req.destroy();
    });
    // The server is writing half a file under a temporary name...
    await expect.poll(() => listFiles(t.config.mediaDir).filter((f) => f.includes('.partial-')).length, { timeout: 10_000 }).toBe(1);
    // ...when the connection drops.
    drop();
    await closed;
    // The server notices the dropped connection and cleans up; wait for its temp file to disappear.
    await expect.poll(() => listFiles(t.config.mediaDir).length, { timeout: 10_000 }).toBe(0);
    expect((await owner.agent.get('/api/media')).json().items).toEqual([]);
    const rows = await t.db.database.db.selectFrom('media').select('id').where('owner_id', '=', owner.user.id).execute();
    expect(rows).toEqual([]);
  });
});

describe('foyer admin create (CLI)', () => {
  it('creates a verified admin, and says which variable is wrong on bad config', async () => {
    const run = promisify(execFile);
    const dir = (await import('node:fs')).mkdtempSync(path.join((await import('node:os')).tmpdir(), 'foyer-cli-'));
    const cli = path.resolve('src/server/cli.ts');
    const env = { ...process.env, DATA_DIR: dir, LOG_LEVEL: 'silent', FOYER_ADMIN_PASSWORD: 'a long admin password', DATABASE_URL: '' };
    const out = await run(process.execPath, ['--import', 'tsx', cli, 'admin', 'create', '--email', 'Root@Example.com', '--name', 'Root'], { env });
    expect(out.stdout).toContain('Created site admin Root@Example.com');
    const again = await run(process.execPath, ['--import', 'tsx', cli, 'admin', 'create', '--email', 'root@example.com', '--name', 'Root'], { env });
    expect(again.stdout).toContain('now a site admin');
    const bad = await run(process.execPath, ['--import', 'tsx', cli, 'migrate'], { env: { ...env, PORT: 'abc' } }).catch((e: { code: number; stderr: string }) => e);
    expect((bad as { code: number }).code).toBe(1);
    expect((bad as { stderr: string }).stderr).toMatch(/PORT="abc"/);
  });
});
