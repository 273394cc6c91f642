import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compressDir } from '../../scripts/compress-web.mjs';
import { Agent, createTestApp, signUp, type TestApp } from '../factories/app.js';
import { testDialects } from '../factories/database.js';
import { mediaRow } from '../factories/invites.js';

/**
 * The web app's files as the server sends them (P7): Brotli/gzip copies made at build time chosen by
 * Accept-Encoding, hashed assets immutable and cookie-free, index.html revalidated and cookie-free,
 * JSON answers over 1 KB compressed. The web root is a small build written here and compressed by
 * the real build step (scripts/compress-web.mjs).
 */
describe.each(testDialects())('static files and compression on %s', (dialect) => {
  let t: TestApp;
  let webRoot: string;
  const js = `export const greeting = ${JSON.stringify('hello from the lobby '.repeat(200))};\n`;
  const html = `<!doctype html><html lang="en"><head><meta charset="UTF-8" /><title>Foyer</title><script type="module" crossorigin src="/assets/index-AbC123xy.js"></script>${'<meta name="x" content="padding" />'.repeat(20)}</head><body><div id="root"></div></body></html>\n`;

  beforeAll(async () => {
    webRoot = mkdtempSync(path.join(tmpdir(), 'foyer-web-'));
    mkdirSync(path.join(webRoot, 'assets'));
    writeFileSync(path.join(webRoot, 'index.html'), html);
    writeFileSync(path.join(webRoot, 'assets/index-AbC123xy.js'), js);
    await compressDir(webRoot);
    t = await createTestApp({ dialect, webRoot });
  });
  afterAll(async () => {
    await t?.close();
    rmSync(webRoot, { recursive: true, force: true });
  });

  const get = (url: string, headers: Record<string, string> = {}) => t.app.inject({ method: 'GET', url, headers });
  const vary = (res: { headers: Record<string, unknown> }) => String(res.headers.vary ?? '').toLowerCase();

  it('sends a hashed asset as its Brotli or gzip copy by Accept-Encoding, immutable, without cookies', async () => {
    const br = await get('/assets/index-AbC123xy.js', { 'accept-encoding': 'gzip, deflate, br' });
    expect(br.statusCode).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(String(br.headers['content-type'])).toMatch(/javascript/);
    expect(brotliDecompressSync(br.rawPayload).toString()).toBe(js);
    expect(br.rawPayload.length).toBeLessThan(Buffer.byteLength(js) / 4);

    const gz = await get('/assets/index-AbC123xy.js', { 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.rawPayload).toString()).toBe(js);

    const plain = await get('/assets/index-AbC123xy.js');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toBe(js);

    for (const res of [br, gz, plain]) {
      expect(vary(res)).toContain('accept-encoding');
      expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(res.headers['set-cookie']).toBeUndefined();
    }
  });

  it('sends no cookie with an asset even to a browser that has a session, and never its .br/.gz copy at its own address', async () => {
    const { agent } = await signUp(t);
    const res = await t.app.inject({ method: 'GET', url: '/assets/index-AbC123xy.js', headers: { cookie: agent.cookieHeader, 'accept-encoding': 'br' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['set-cookie']).toBeUndefined();
    for (const copy of ['/assets/index-AbC123xy.js.br', '/assets/index-AbC123xy.js.gz']) {
      expect((await get(copy)).statusCode).toBe(404);
    }
  });

  it('answers every page address with index.html: compressed, revalidated, no cookie; the first API answer brings the CSRF token', async () => {
    for (const url of ['/', '/lobby', '/media/some-id']) {
      const res = await get(url, { 'accept-encoding': 'br, gzip' });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-encoding']).toBe('br');
      expect(brotliDecompressSync(res.rawPayload).toString()).toBe(html);
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(vary(res)).toContain('accept-encoding');
      expect(res.headers['set-cookie']).toBeUndefined();
      expect(String(res.headers['content-security-policy'])).toContain("script-src 'self'");
    }
    // The lobby's page tells the browser to fetch the lobby's answer alongside the scripts; other pages do not.
    expect((await get('/lobby')).headers.link).toBe('</api/lobby?outcome=body>; rel=preload; as=fetch; crossorigin');
    expect((await get('/')).headers.link).toBeUndefined();
    // What the web app does first: GET /api/session sets the CSRF and device cookies; a POST with them passes.
    const browser = new Agent(t.app);
    const session = await t.app.inject({ method: 'GET', url: '/api/session' });
    const names = (session.cookies as Array<{ name: string }>).map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(['foyer_csrf', 'foyer_device']));
    const csrf = (session.cookies as Array<{ name: string; value: string }>).find((c) => c.name === 'foyer_csrf')!.value;
    const cookie = (session.cookies as Array<{ name: string; value: string }>).map((c) => `${c.name}=${c.value}`).join('; ');
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { cookie, 'x-csrf-token': csrf, origin: browser.origin, 'content-type': 'application/json' },
      payload: JSON.stringify({ email: 'nobody@example.com', password: 'wrong password here' }),
    });
    expect(login.statusCode).toBe(401);
  });

  it('answers a page address from memory: gzip or plain by Accept-Encoding, 304 for the ETag it gave, a rebuilt index.html within a second', async () => {
    const gz = await get('/lobby', { 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.rawPayload).toString()).toBe(html);
    const refused = await get('/lobby', { 'accept-encoding': 'br;q=0, gzip;q=0' });
    expect(refused.headers['content-encoding']).toBeUndefined();
    expect(refused.body).toBe(html);
    expect(String(refused.headers['content-type'])).toContain('text/html');
    const etag = String(refused.headers.etag);
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await get('/media/x', { 'if-none-match': etag });
    expect(again.statusCode).toBe(304);
    expect(again.rawPayload.length).toBe(0);
    expect((await get('/media/x', { 'if-none-match': '"something-else"' })).statusCode).toBe(200);

    // a new build replaces index.html (the copies too): served once the once-a-second check sees it
    const rebuilt = html.replace('<title>Foyer</title>', '<title>Foyer 2</title>');
    writeFileSync(path.join(webRoot, 'index.html'), rebuilt);
    await compressDir(webRoot);
    await new Promise((r) => setTimeout(r, 1100));
    const fresh = await get('/', { 'accept-encoding': 'br' });
    expect(brotliDecompressSync(fresh.rawPayload).toString()).toBe(rebuilt);
    expect(fresh.headers.etag).not.toBe(etag);
    writeFileSync(path.join(webRoot, 'index.html'), html);
    await compressDir(webRoot);
    await new Promise((r) => setTimeout(r, 1100));
    expect(brotliDecompressSync((await get('/', { 'accept-encoding': 'br' })).rawPayload).toString()).toBe(html);
  });

  it('compresses JSON answers of 1 KB or more by Accept-Encoding, and leaves small ones alone', async () => {
    const { agent, user } = await signUp(t);
    for (let i = 0; i < 12; i++) await mediaRow(t, user.id, 'video', `Recording number ${i} of the quarterly review`);
    const list = (encoding?: string) => t.app.inject({ method: 'GET', url: '/api/media', headers: { cookie: agent.cookieHeader, ...(encoding ? { 'accept-encoding': encoding } : {}) } });

    const plain = await list();
    expect(plain.statusCode).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.rawPayload.length).toBeGreaterThan(1024);

    const br = await list('gzip, deflate, br');
    expect(br.headers['content-encoding']).toBe('br');
    expect(vary(br)).toContain('accept-encoding');
    expect(JSON.parse(brotliDecompressSync(br.rawPayload).toString())).toEqual(plain.json());
    expect(br.rawPayload.length).toBeLessThan(plain.rawPayload.length / 2);

    const gz = await list('gzip');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(gunzipSync(gz.rawPayload).toString())).toEqual(plain.json());

    const small = await t.app.inject({ method: 'GET', url: '/api/health', headers: { 'accept-encoding': 'br' } });
    expect(small.rawPayload.length).toBeLessThan(1024);
    expect(small.headers['content-encoding']).toBeUndefined();
    expect(small.json()).toMatchObject({ status: 'ok' });
  });
});

describe('the build step', () => {
  it('writes a smaller .br and .gz next to each compressible file, and none that would not be smaller', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'foyer-web-'));
    try {
      writeFileSync(path.join(dir, 'big.css'), 'body { color: red; }\n'.repeat(300));
      writeFileSync(path.join(dir, 'tiny.js'), 'x');
      writeFileSync(path.join(dir, 'photo.png'), Buffer.alloc(4096, 7));
      await compressDir(dir);
      const big = readFileSync(path.join(dir, 'big.css'));
      expect(brotliDecompressSync(readFileSync(path.join(dir, 'big.css.br')))).toEqual(big);
      expect(gunzipSync(readFileSync(path.join(dir, 'big.css.gz')))).toEqual(big);
      expect(() => readFileSync(path.join(dir, 'tiny.js.br'))).toThrow();
      expect(() => readFileSync(path.join(dir, 'photo.png.br'))).toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
