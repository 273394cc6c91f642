import { readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, createTestApp, MemoryMailer, signUp, uniqueEmail, type TestApp } from '../factories/app.js';
import { testDialects } from '../factories/database.js';
import { fileOf, makePdf, makeVideo, multipart } from '../factories/media.js';

const listFiles = (dir: string): string[] =>
  existsSync(dir) ? readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listFiles(path.join(dir, e.name)) : [path.join(dir, e.name)])) : [];

describe.each(testDialects())('foundation API on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ dialect, env: { UPLOAD_LIMIT_MB: '1' } });
  });
  afterAll(async () => t?.close());

  it('answers health with each dependency it checked', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      status: 'ok',
      checks: { database: { state: 'up', dialect }, redis: { state: 'not_configured' }, storage: { state: 'up' }, mail: { state: 'up', mode: 'outbox' }, sso: { state: 'not_configured' } },
    });
  });

  it('publishes an OpenAPI document generated from the routes', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/auth/signup', '/api/media', '/api/media/{id}']));
    expect(doc.paths['/api/auth/signup'].post.requestBody).toBeDefined();
    const ui = await t.app.inject({ method: 'GET', url: '/api/docs/' });
    expect([200, 302]).toContain(ui.statusCode);
  });

  it('/api/docs is Foyer\'s: its title and favicon, under the site\'s own CSP (not Swagger UI\'s looser one)', async () => {
    const page = await t.app.inject({ method: 'GET', url: '/api/docs' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<title>Foyer API</title>');
    expect(page.body).toContain('theme/favicon.svg');
    expect(page.body).not.toMatch(/<style|style="/);
    const site = (await t.app.inject({ method: 'GET', url: '/api/health' })).headers['content-security-policy'];
    expect(page.headers['content-security-policy']).toBe(site);
    const theme = await t.app.inject({ method: 'GET', url: '/api/docs/static/theme/foyer.js' });
    expect(theme.statusCode).toBe(200);
    expect(theme.body).toContain("img.alt = 'Foyer'");
  });

  it('sends security headers with a CSP that allows no inline script', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/health' });
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('signs up the first account as site admin, sends a verification email, and verifies it', async () => {
    const mailer = t.mailer as MemoryMailer;
    const { agent, user, email } = await signUp(t, { verify: false, name: 'Ada Owner' });
    expect(user.isAdmin).toBe(true);
    const mail = await mailer.waitFor(email, (m) => /Confirm/.test(m.subject));
    const link = /http:\/\/localhost:3000\/verify-email\?token=([A-Za-z0-9_-]+)/.exec(mail.text);
    expect(link).not.toBeNull();
    expect(mail.html).toContain('Confirm email address');
    let session = (await agent.get('/api/session')).json();
    expect(session.user.emailVerified).toBe(false);
    const res = await agent.post('/api/auth/verify-email', { token: link![1] });
    expect(res.statusCode).toBe(200);
    session = (await agent.get('/api/session')).json();
    expect(session.user.emailVerified).toBe(true);
    const again = await agent.post('/api/auth/verify-email', { token: link![1] });
    expect(again.json().error.code).toBe('verification_invalid');

    const second = await signUp(t);
    expect(second.user.isAdmin).toBe(false);
  });

  it('refuses a duplicate sign-up in any letter case', async () => {
    const email = uniqueEmail();
    await signUp(t, { email });
    const res = await new Agent(t.app).post('/api/auth/signup', { email: `  ${email.toUpperCase()} `, name: 'X', password: 'another password' });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('email_taken');
  });

  it('answers malformed JSON and bad fields with 400 and field details', async () => {
    const agent = new Agent(t.app);
    const bad = await agent.request('POST', '/api/auth/signup', Buffer.from('{"email": '), { 'content-type': 'application/json' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('validation_failed');
    const fields = await agent.post('/api/auth/signup', { email: 'not-an-email', name: '', password: 'short' });
    expect(fields.statusCode).toBe(400);
    const body = fields.json();
    expect(body.error.code).toBe('validation_failed');
    expect(Object.keys(body.error.details)).toEqual(expect.arrayContaining(['email', 'name', 'password']));
  });

  it('requires the CSRF token and a same-site Origin on state changes', async () => {
    const noToken = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'a@b.com', password: 'x' } });
    expect(noToken.statusCode).toBe(403);
    expect(noToken.json().error.code).toBe('csrf_failed');
    const agent = new Agent(t.app, 'https://evil.example');
    const foreign = await agent.post('/api/auth/login', { email: 'a@b.com', password: 'x' });
    expect(foreign.json().error.code).toBe('csrf_failed');
  });

  it('logs in and out; a wrong password gets a generic error, then a rate limit', async () => {
    const { email, password } = await signUp(t);
    const agent = new Agent(t.app);
    const ok = await agent.post('/api/auth/login', { email: email.toUpperCase(), password });
    expect(ok.statusCode).toBe(200);
    const sessionCookie = [...agent.cookies.keys()].find((k) => k.includes('foyer_session'));
    expect(sessionCookie).toBeDefined();
    expect((await agent.get('/api/session')).json().user.email).toBe(email);
    await agent.post('/api/auth/logout');
    expect((await agent.get('/api/session')).json().user).toBeNull();

    const attacker = new Agent(t.app);
    const wrong = await attacker.post('/api/auth/login', { email, password: 'wrong password' });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error).toMatchObject({ code: 'invalid_credentials', message: 'Email or password is incorrect.' });
    const unknown = await attacker.post('/api/auth/login', { email: uniqueEmail('nobody'), password: 'wrong password' });
    expect(unknown.json().error.message).toBe(wrong.json().error.message);
    let last;
    for (let i = 0; i < 10; i++) last = await attacker.post('/api/auth/login', { email, password: 'wrong password' });
    expect(last!.statusCode).toBe(429);
    expect(last!.json().error.code).toBe('rate_limited');
    expect(last!.json().error.message).toMatch(/Too many login attempts/);
  });

  it('uploads a video, lists it, serves it with Range, edits and deletes it', async () => {
    const { agent } = await signUp(t, { name: 'Vid Owner' });
    const video = makeVideo({ seconds: 1 });
    const form = multipart('My first clip.mp4', video.bytes);
    const up = await agent.request('POST', '/api/media', form.body, form.headers);
    expect(up.statusCode).toBe(201);
    const media = up.json().media;
    expect(media).toMatchObject({ type: 'video', title: 'My first clip', mimeType: 'video/mp4', sizeBytes: video.bytes.length, owner: { name: 'Vid Owner' } });

    const list = (await agent.get('/api/media')).json().items;
    expect(list.map((m: { id: string }) => m.id)).toContain(media.id);

    const range = await fileOf(agent, media.id, { range: 'bytes=0-99' });
    expect(range.statusCode).toBe(206);
    expect(range.rawPayload.length).toBe(100);
    expect(range.headers['content-type']).toMatch(/video\/mp4/);

    const other = await signUp(t);
    expect((await other.agent.get(`/api/media/${media.id}`)).statusCode).toBe(404);
    expect((await other.agent.get(`/api/media/${media.id}/playback`)).statusCode).toBe(404);
    expect((await new Agent(t.app).get(`/api/media/${media.id}/playback`)).json().error.code).toBe('unauthenticated');

    const edit = await agent.patch(`/api/media/${media.id}`, { title: 'Renamed', description: 'About it' });
    expect(edit.json().media).toMatchObject({ title: 'Renamed', description: 'About it' });
    const badEdit = await agent.patch(`/api/media/${media.id}`, { title: '' });
    expect(badEdit.statusCode).toBe(400);

    expect((await agent.delete(`/api/media/${media.id}`)).statusCode).toBe(200);
    expect((await agent.get(`/api/media/${media.id}`)).statusCode).toBe(404);
    expect((await agent.get(`/api/media/${media.id}/playback`)).statusCode).toBe(404);
    expect(listFiles(path.join(t.config.mediaDir, 'media', media.id))).toEqual([]);
  });

  it('accepts a PDF as a document', async () => {
    const { agent } = await signUp(t);
    const form = multipart('Handbook.pdf', makePdf());
    const up = await agent.request('POST', '/api/media', form.body, form.headers);
    expect(up.statusCode).toBe(201);
    expect(up.json().media).toMatchObject({ type: 'document', mimeType: 'application/pdf' });
  });

  it('refuses a non-media file by its content, whatever its name, and stores nothing', async () => {
    const { agent } = await signUp(t);
    const before = listFiles(t.config.mediaDir).length;
    const form = multipart('totally-a-video.mp4', Buffer.from('<html><script>alert(1)</script></html>'.repeat(50)));
    const res = await agent.request('POST', '/api/media', form.body, form.headers);
    expect(res.statusCode).toBe(415);
    expect(res.json().error.code).toBe('unsupported_media');
    expect(listFiles(t.config.mediaDir).length).toBe(before);
    expect((await agent.get('/api/media')).json().items).toEqual([]);
  });

  it('refuses an oversize upload with 413 naming the limit, and stores nothing', async () => {
    const { agent } = await signUp(t);
    const before = listFiles(t.config.mediaDir).length;
    const big = Buffer.concat([makeVideo({ seconds: 1 }).bytes, Buffer.alloc(1024 * 1024 + 10)]);
    const form = multipart('big.mp4', big);
    const res = await agent.request('POST', '/api/media', form.body, form.headers);
    expect(res.statusCode).toBe(413);
    expect(res.json().error.message).toContain('1 MB');
    expect(listFiles(t.config.mediaDir).length).toBe(before);
    expect((await agent.get('/api/media')).json().items).toEqual([]);
  });

  it('lists sent mail for the admin only', async () => {
    const admin = await signUp(t);
    await t.db.database.db.updateTable('users').set({ is_admin: 1 }).where('id', '=', admin.user.id).execute();
    await t.services.mail.flush();
    const res = await admin.agent.get('/api/admin/outbox');
    expect(res.statusCode).toBe(200);
    expect(res.json().items.length).toBeGreaterThan(0);
    expect(res.json().items[0]).toHaveProperty('status');
    const member = await signUp(t);
    expect((await member.agent.get('/api/admin/outbox')).statusCode).toBe(403);
  });
});
