import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiScopes } from '../../src/contracts/api-tokens.js';
import { scopeOfRoute } from '../../src/server/http/api-scopes.js';
import { createTestApp, signUp, uniqueEmail, type TestApp } from '../factories/app.js';
import { testDialects } from '../factories/database.js';
import { makeVideo, multipart } from '../factories/media.js';

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT';

/** Issue 14 item 5: personal API tokens, `Authorization: Bearer fy_…` on the whole API, scoped. */
describe.each(testDialects())('API tokens on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ dialect, env: { API_TOKEN_RATE_LIMIT: '40' } });
  });
  afterAll(async () => t?.close());

  /** A request with only the bearer token: no cookie, no CSRF header, no Origin. */
  const bearer = (token: string, method: Method, url: string, body?: unknown, headers: Record<string, string> = {}) =>
    t.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
    });

  async function tokenFor(agent: Awaited<ReturnType<typeof signUp>>['agent'], scopes: string[], expiresInDays: number | null = 30, name = 'CRM sync') {
    const res = await agent.post('/api/tokens', { name, scopes, expiresInDays });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { token: { id: string; hint: string; scopes: string[]; expiresAt: string | null }; secret: string };
  }

  it('is shown once with a recognisable prefix, listed by its last 4 characters, and stored as a hash', async () => {
    const { agent, user } = await signUp(t);
    const made = await tokenFor(agent, ['media:read', 'invites:write']);
    expect(made.secret).toMatch(/^fy_[A-Za-z0-9_-]{43}$/);
    expect(made.token.hint).toBe(`fy_…${made.secret.slice(-4)}`);
    expect(made.token.scopes).toEqual(['media:read', 'invites:write']);
    expect(Date.parse(made.token.expiresAt!) - t.clock.now).toBe(30 * 24 * 3600 * 1000);

    const list = await agent.get('/api/tokens');
    expect(list.statusCode).toBe(200);
    expect(list.json().tokens).toEqual([expect.objectContaining({ id: made.token.id, name: 'CRM sync', hint: made.token.hint, lastUsedAt: null, revokedAt: null })]);
    expect(list.body).not.toContain(made.secret.slice(3));
    const row = await t.db.database.db.selectFrom('api_tokens').selectAll().where('user_id', '=', user.id).executeTakeFirstOrThrow();
    expect(row.token_hash).not.toContain(made.secret.slice(3));
    expect(JSON.stringify(row)).not.toContain(made.secret.slice(3));
    // created is in the audit log, naming the token, never holding it
    const audit = await t.db.database.db.selectFrom('audit_log').selectAll().where('action', '=', 'token.created').where('actor_id', '=', user.id).executeTakeFirstOrThrow();
    expect(audit.details_json).toContain('CRM sync');
    expect(audit.details_json).not.toContain(made.secret.slice(3));
  });

  it('refuses bad input with the field named, and nothing is made', async () => {
    const { agent, user } = await signUp(t);
    for (const [body, field] of [
      [{ name: '', scopes: ['media:read'], expiresInDays: 30 }, 'name'],
      [{ name: 'x', scopes: [], expiresInDays: 30 }, 'scopes'],
      [{ name: 'x', scopes: ['media:everything'], expiresInDays: 30 }, 'scopes.0'],
      [{ name: 'x', scopes: ['media:read'], expiresInDays: 400 }, 'expiresInDays'],
      [{ name: 'x', scopes: ['media:read'], expiresInDays: 0 }, 'expiresInDays'],
    ] as const) {
      const res = await agent.post('/api/tokens', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().error.code).toBe('validation_failed');
      expect(Object.keys(res.json().error.details), JSON.stringify(body)).toContain(field);
    }
    expect(await t.db.database.db.selectFrom('api_tokens').select('id').where('user_id', '=', user.id).execute()).toEqual([]);
  });

  it('works on the API without a cookie or CSRF header, as its account, within its scopes', async () => {
    const { agent, user } = await signUp(t, { name: 'Ivy Integrator' });
    const { secret } = await tokenFor(agent, ['media:read', 'media:write', 'events:write', 'invites:write', 'invites:read', 'analytics:read']);

    // upload by API (multipart), no CSRF
    const form = multipart('Onboarding.mp4', makeVideo({ seconds: 1 }).bytes);
    const up = await t.app.inject({ method: 'POST', url: '/api/media', headers: { authorization: `Bearer ${secret}`, ...form.headers }, payload: form.body });
    expect(up.statusCode, up.body).toBe(201);
    expect(up.headers['set-cookie']).toBeUndefined();
    const mediaId = up.json().media.id as string;
    const listed = await bearer(secret, 'GET', '/api/media');
    expect(listed.statusCode).toBe(200);
    expect(listed.json().items.map((m: { id: string }) => m.id)).toContain(mediaId);
    expect(listed.headers['set-cookie']).toBeUndefined();

    // a live event, invites to it, its report
    const created = await bearer(secret, 'POST', '/api/events', { kind: 'webcast', title: 'API webinar', description: '', startsAt: new Date(t.clock.now + 3600_000).toISOString(), endsAt: new Date(t.clock.now + 7200_000).toISOString(), timeZone: 'UTC' });
    expect(created.statusCode, created.body).toBe(201);
    const eventId = created.json().event.id as string;
    const invited = await bearer(secret, 'POST', `/api/media/${eventId}/invites`, { people: [{ email: uniqueEmail('a') }, { email: uniqueEmail('b') }], role: 'viewer', sendEmail: false });
    expect(invited.statusCode, invited.body).toBe(201);
    expect(invited.json().created).toHaveLength(2);
    const report = await bearer(secret, 'GET', `/api/events/${eventId}/report`);
    expect(report.statusCode, report.body).toBe(200);
    expect(report.json().attendance).toMatchObject({ invited: 2, joined: 0, neverCame: 2 });
    // the audit log says the account did it
    const entry = await t.db.database.db.selectFrom('audit_log').selectAll().where('action', '=', 'invite.created').where('media_id', '=', eventId).executeTakeFirstOrThrow();
    expect(entry.actor_id).toBe(user.id);
  });

  it('the worked example of docs/api.md: a live event, 10,000 invites in one request, the attendance report', async () => {
    const { agent } = await signUp(t, { name: 'Wendy Webinar' });
    const { secret } = await tokenFor(agent, ['events:write', 'invites:write', 'analytics:read']);
    const created = await bearer(secret, 'POST', '/api/events', { kind: 'webcast', title: 'Quarterly all-hands', description: 'Numbers and questions.', startsAt: new Date(t.clock.now + 3600_000).toISOString(), endsAt: new Date(t.clock.now + 7200_000).toISOString(), timeZone: 'Europe/Berlin' });
    expect(created.statusCode).toBe(201);
    const eventId = created.json().event.id as string;
    const people = Array.from({ length: 10_000 }, (_, i) => ({ email: `person${i}@staff.example.com`, firstName: `P${i}`, lastName: 'Staff' }));
    const invited = await bearer(secret, 'POST', `/api/media/${eventId}/invites`, { people, role: 'viewer', sendEmail: false });
    expect(invited.statusCode, invited.body.slice(0, 300)).toBe(201);
    expect(invited.json().created).toHaveLength(10_000);
    expect(invited.json().refused).toEqual([]);
    const report = await bearer(secret, 'GET', `/api/events/${eventId}/report`);
    expect(report.statusCode).toBe(200);
    expect(report.json().attendance).toMatchObject({ invited: 10_000, joined: 0, neverCame: 10_000 });
    const csv = await bearer(secret, 'GET', `/api/events/${eventId}/report/attendance.csv`);
    expect(csv.statusCode).toBe(200);
    expect(csv.body.trim().split('\n').length).toBeGreaterThan(10_000);
  }, 120_000);

  it('a token without the route’s scope is refused with 403 insufficient_scope naming the scope', async () => {
    const { agent } = await signUp(t);
    const { secret } = await tokenFor(agent, ['media:read']);
    const res = await bearer(secret, 'POST', '/api/events', { kind: 'webcast', title: 'No', description: '', startsAt: new Date(t.clock.now + 3600_000).toISOString(), endsAt: new Date(t.clock.now + 7200_000).toISOString(), timeZone: 'UTC' });
    expect(res.statusCode).toBe(403);
    expect(res.json().error).toMatchObject({ code: 'insufficient_scope', details: { scope: 'events:write' } });
    expect(res.json().error.message).toContain('events:write');
    expect(res.headers['www-authenticate']).toBe('Bearer realm="foyer", error="insufficient_scope", scope="events:write"');
    expect(await t.db.database.db.selectFrom('live_events').innerJoin('media', 'media.id', 'live_events.media_id').select('media.title').where('media.title', '=', 'No').execute()).toEqual([]);
  });

  it('expired, revoked, unknown and malformed tokens get 401 invalid_token saying which', async () => {
    const { agent } = await signUp(t);
    const short = await tokenFor(agent, ['media:read'], 1, 'short');
    expect((await bearer(short.secret, 'GET', '/api/media')).statusCode).toBe(200);
    t.clock.advance(24 * 3600 * 1000);
    const expired = await bearer(short.secret, 'GET', '/api/media');
    expect(expired.statusCode).toBe(401);
    expect(expired.json().error).toMatchObject({ code: 'invalid_token', message: expect.stringContaining('expired') });
    expect(expired.headers['www-authenticate']).toBe('Bearer realm="foyer", error="invalid_token"');

    const revoked = await tokenFor(agent, ['media:read'], null, 'to revoke');
    expect(revoked.token.expiresAt).toBeNull();
    expect((await bearer(revoked.secret, 'GET', '/api/media')).statusCode).toBe(200);
    const del = await agent.delete(`/api/tokens/${revoked.token.id}`);
    expect(del.statusCode).toBe(200);
    expect(del.json().token.revokedAt).not.toBeNull();
    const after = await bearer(revoked.secret, 'GET', '/api/media');
    expect(after.statusCode).toBe(401);
    expect(after.json().error.message).toContain('revoked');

    const unknown = await bearer(`fy_${'A'.repeat(43)}`, 'GET', '/api/media');
    expect(unknown.json().error).toMatchObject({ code: 'invalid_token', message: expect.stringContaining('not known') });
    for (const header of ['Bearer ', 'Bearer abc', `Bearer ${revoked.secret} extra`, 'bearer']) {
      const res = await t.app.inject({ method: 'GET', url: '/api/media', headers: { authorization: header } });
      expect(res.statusCode, header).toBe(401);
      expect(res.json().error.code, header).toBe('invalid_token');
    }
    // someone else's token cannot be revoked by id
    const other = await signUp(t);
    expect((await other.agent.delete(`/api/tokens/${short.token.id}`)).statusCode).toBe(404);
  });

  it('browser-only routes refuse a token: signing in, tokens, site settings, the lobby', async () => {
    const { agent } = await signUp(t);
    const { secret } = await tokenFor(agent, [...apiScopes]);
    for (const [method, url, body] of [
      ['GET', '/api/tokens', undefined],
      ['POST', '/api/tokens', { name: 'more', scopes: ['media:read'], expiresInDays: 1 }],
      ['GET', '/api/session', undefined],
      ['POST', '/api/auth/logout', {}],
      ['GET', '/api/admin/settings', undefined],
      ['POST', '/api/lobby/enter', { email: 'a@example.com' }],
    ] as Array<[Method, string, unknown]>) {
      const res = await bearer(secret, method, url, body);
      expect(res.statusCode, `${method} ${url}`).toBe(403);
      expect(res.json().error.code, `${method} ${url}`).toBe('token_not_accepted');
    }
    expect((await agent.get('/api/tokens')).json().tokens).toHaveLength(1);
  });

  it('is never accepted from a cookie, and a session cookie beside a bearer token is not used', async () => {
    const { agent } = await signUp(t);
    const { secret } = await tokenFor(agent, ['media:read']);
    const inCookie = await t.app.inject({ method: 'GET', url: '/api/media', headers: { cookie: `foyer_session=${secret}` } });
    expect(inCookie.statusCode).toBe(401);
    expect(inCookie.json().error.code).toBe('unauthenticated');
    // the owner's browser session with a read-only token: the token decides (no write)
    const both = await t.app.inject({ method: 'POST', url: '/api/events', headers: { authorization: `Bearer ${secret}`, cookie: agent.cookieHeader, 'x-csrf-token': agent.cookies.get('foyer_csrf')!, origin: agent.origin, 'content-type': 'application/json' }, payload: '{}' });
    expect(both.statusCode).toBe(403);
    expect(both.json().error.code).toBe('insufficient_scope');
  });

  it('writes the last use at most once a minute', async () => {
    const { agent } = await signUp(t);
    const { secret, token } = await tokenFor(agent, ['media:read']);
    const lastUsed = async () => (await t.db.database.db.selectFrom('api_tokens').select('last_used_at').where('id', '=', token.id).executeTakeFirstOrThrow()).last_used_at;
    await bearer(secret, 'GET', '/api/media');
    const first = await lastUsed();
    expect(first).toBe(t.clock.now);
    t.clock.advance(30_000);
    await bearer(secret, 'GET', '/api/media');
    expect(await lastUsed()).toBe(first);
    t.clock.advance(31_000);
    await bearer(secret, 'GET', '/api/media');
    expect(await lastUsed()).toBe(t.clock.now);
    expect((await agent.get('/api/tokens')).json().tokens[0].lastUsedAt).toBe(new Date(t.clock.now).toISOString());
  });

  it('each token has its own rate limit (API_TOKEN_RATE_LIMIT per minute)', async () => {
    const { agent } = await signUp(t);
    const a = await tokenFor(agent, ['media:read'], 1, 'a');
    const b = await tokenFor(agent, ['media:read'], 1, 'b');
    const statuses: number[] = [];
    for (let i = 0; i < 41; i++) statuses.push((await bearer(a.secret, 'GET', '/api/media')).statusCode);
    expect(statuses.slice(0, 40).every((s) => s === 200)).toBe(true);
    expect(statuses[40]).toBe(429);
    const limited = await bearer(a.secret, 'GET', '/api/media');
    expect(limited.json().error).toMatchObject({ code: 'rate_limited', message: expect.stringContaining('more than 40 requests in a minute') });
    expect((await bearer(b.secret, 'GET', '/api/media')).statusCode).toBe(200);
  });

  it('the OpenAPI document declares the bearer scheme and each route’s scope', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    expect(doc.components.securitySchemes.apiToken).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.components.securitySchemes.session).toMatchObject({ type: 'apiKey', in: 'cookie' });
    expect(doc.paths['/api/events'].post.security).toEqual([{ session: [] }, { apiToken: ['events:write'] }]);
    expect(doc.paths['/api/media/{id}/invites'].post.security).toEqual([{ session: [] }, { apiToken: ['invites:write'] }]);
    expect(doc.paths['/api/events/{id}/report'].get.security).toEqual([{ session: [] }, { apiToken: ['analytics:read'] }]);
    expect(doc.paths['/api/tokens'].post.security).toEqual([{ session: [] }]);
    expect(doc.paths['/api/tokens'].post.description).toContain('API tokens are not accepted here');
  });

  it('every route of the route table has a scope, is browser-only, or needs no account — and the lists hold what they should', () => {
    const byKind = { scoped: [] as string[], browser: [] as string[], open: [] as string[] };
    for (const r of t.routes) {
      for (const m of r.methods.filter((x) => x !== 'HEAD' && x !== 'OPTIONS')) {
        const s = scopeOfRoute(m, r.url);
        if (s === null) byKind.browser.push(`${m} ${r.url}`);
        else if (s === 'public') byKind.open.push(`${m} ${r.url}`);
        else byKind.scoped.push(`${m} ${r.url} ${s}`);
      }
    }
    expect(byKind.scoped).toEqual(expect.arrayContaining(['GET /api/media media:read', 'POST /api/media media:write', 'POST /api/events events:write', 'POST /api/media/:id/invites invites:write', 'GET /api/media/:id/invites invites:read', 'GET /api/events/:id/report analytics:read']));
    expect(byKind.browser).toEqual(expect.arrayContaining(['POST /api/auth/login', 'POST /api/tokens', 'PATCH /api/admin/settings', 'GET /api/events/:id/room', 'POST /api/lobby/enter']));
    expect(byKind.open).toEqual(expect.arrayContaining(['GET /api/health', 'GET /api/media/:id/stream/:exp/:sig/*']));
    // every scope opens at least one route
    for (const scope of apiScopes) expect(byKind.scoped.some((r) => r.endsWith(` ${scope}`)), scope).toBe(true);
  });
});
