import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, createTestApp, type TestApp } from '../factories/app.js';
import { invite, openLink, ownerWithVideo } from '../factories/invites.js';

/**
 * Issue 12 item 11: the web app prefers expected refusals (lobby outcomes, a guest outside their media) as
 * 200 with the error body, so Chromium does not log "Failed to load resource"; other clients keep the statuses.
 */
describe('expected refusals in the body, on request', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t?.close());

  const prefer = { prefer: 'outcome-in-body' };

  it('a lobby outcome: 403 with the error body by default; 200, the same body and the status in X-Foyer-Status when preferred', async () => {
    const { owner, media } = await ownerWithVideo(t);
    const { link } = await invite(t, owner.agent, media.id);
    const guest = new Agent(t.app);
    await openLink(guest, link);

    const plain = await guest.post('/api/lobby/enter', { email: 'someone-else@example.com' });
    expect(plain.statusCode).toBe(403);
    expect(plain.json().error.code).toBe('email_mismatch');
    expect(plain.headers['preference-applied']).toBeUndefined();

    const preferred = await guest.request('POST', '/api/lobby/enter', { email: 'another@example.com' }, prefer);
    expect(preferred.statusCode).toBe(200);
    expect(preferred.headers['preference-applied']).toBe('outcome-in-body');
    expect(preferred.headers['x-foyer-status']).toBe('403');
    expect(preferred.json()).toEqual({ error: plain.json().error });
    expect(String(preferred.headers.vary)).toContain('Prefer');
  });

  it('an unknown link through the preload address (?outcome=body), and a guest outside their media', async () => {
    const stranger = new Agent(t.app);
    await stranger.get('/i/this-is-not-a-real-link-at-all');
    expect((await stranger.get('/api/lobby')).statusCode).toBe(404);
    const viaPreload = await stranger.get('/api/lobby?outcome=body');
    expect(viaPreload.statusCode).toBe(200);
    expect(viaPreload.headers['x-foyer-status']).toBe('404');
    expect(viaPreload.json().error.code).toBe('invalid_link');

    const { owner, media } = await ownerWithVideo(t);
    const other = await ownerWithVideo(t);
    const { link, email } = await invite(t, owner.agent, media.id);
    const guest = new Agent(t.app);
    await openLink(guest, link);
    expect((await guest.post('/api/lobby/enter', { email })).statusCode).toBe(200);
    const outside = await guest.get(`/api/media/${other.media.id}`);
    expect(outside.statusCode).toBe(403);
    expect(outside.json().error.code).toBe('out_of_scope');
    const preferred = await guest.request('GET', `/api/media/${other.media.id}`, undefined, prefer);
    expect(preferred.statusCode).toBe(200);
    expect(preferred.headers['x-foyer-status']).toBe('403');
    expect(preferred.json().error.code).toBe('out_of_scope');
  });

  it('keeps real errors as errors even when the body is preferred', async () => {
    const guest = new Agent(t.app);
    const bad = await guest.request('POST', '/api/auth/login', { email: 'x' }, prefer);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('validation_failed');
    expect((await guest.request('GET', '/api/admin/settings', undefined, prefer)).statusCode).toBe(401);
  });
});
