import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { streamKeySchema } from '../../src/contracts/live-video.js';
import { Agent, createTestApp, signUp, type TestApp } from '../factories/app.js';
import { testDialects } from '../factories/database.js';
import { invitedGuest, passLobby } from '../factories/guests.js';
import { invite } from '../factories/invites.js';
import { createEvent } from '../factories/live.js';

/** DIY live stream keys: `GET/POST /api/events/:id/stream-key` (owners only), stored as a hash, shown once. */
describe.each(testDialects())('stream keys on %s', (dialect) => {
  let t: TestApp;
  let admin: Awaited<ReturnType<typeof signUp>>;
  beforeAll(async () => {
    t = await createTestApp({ dialect, env: { RTMP_PORT: '1935', RTMP_PUBLIC_URL: 'rtmp://live.example.org:1935/live' } });
    // the first account of a site is its admin
    admin = await signUp(t, { name: 'Ada Admin' });
  });
  afterAll(async () => t?.close());

  const keyOf = async (agent: Agent, id: string, method: 'GET' | 'POST' = 'GET') => {
    const res = method === 'GET' ? await agent.get(`/api/events/${id}/stream-key`) : await agent.post(`/api/events/${id}/stream-key`);
    return res;
  };

  it('shows the owner the server URL; a key is answered once, when made, and stored only as a hash', async () => {
    const owner = await signUp(t);
    const page = await createEvent(t, owner.agent, { kind: 'diy_live' });
    const id = page.event.id;

    const before = await keyOf(owner.agent, id);
    expect(before.statusCode).toBe(200);
    expect(before.headers['cache-control']).toContain('no-store');
    expect(before.json()).toEqual({ serverUrl: 'rtmp://live.example.org:1935/live', streamKey: null, createdAt: null });

    const made = await keyOf(owner.agent, id, 'POST');
    expect(made.statusCode).toBe(200);
    expect(made.headers['cache-control']).toContain('no-store');
    const body = streamKeySchema.parse(made.json());
    expect(body.serverUrl).toBe('rtmp://live.example.org:1935/live');
    // at least 128 random bits, URL-safe: it goes at the end of an rtmp:// URL
    expect(body.streamKey).toMatch(/^[A-Za-z0-9_-]{22,}$/);
    expect(body.createdAt).toBe(new Date(t.clock.now).toISOString());

    const after = (await keyOf(owner.agent, id)).json();
    expect(after).toEqual({ serverUrl: body.serverUrl, streamKey: null, createdAt: body.createdAt });

    const rows = await t.db.database.db.selectFrom('live_stream_keys').selectAll().where('media_id', '=', id).execute();
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(body.streamKey!);
    expect(await t.services.streamKeys.eventForKey(body.streamKey!)).toBe(id);
    // the site admin manages every event
    expect((await keyOf(admin.agent, id)).json()).toMatchObject({ streamKey: null, createdAt: body.createdAt });
  });

  it('regenerating makes a new key; the old one no longer names the event', async () => {
    const owner = await signUp(t);
    const id = (await createEvent(t, owner.agent, { kind: 'diy_live' })).event.id;
    const other = (await createEvent(t, owner.agent, { kind: 'diy_live' })).event.id;
    const first = (await keyOf(owner.agent, id, 'POST')).json().streamKey as string;
    const otherKey = (await keyOf(owner.agent, other, 'POST')).json().streamKey as string;
    t.clock.advance(60_000);
    const second = (await keyOf(owner.agent, id, 'POST')).json();
    expect(second.streamKey).not.toBe(first);
    expect(second.createdAt).toBe(new Date(t.clock.now).toISOString());
    expect(await t.services.streamKeys.eventForKey(first)).toBeUndefined();
    expect(await t.services.streamKeys.eventForKey(second.streamKey)).toBe(id);
    // each event has its own key; regenerating one leaves the other alone
    expect(await t.services.streamKeys.eventForKey(otherKey)).toBe(other);
    expect((await keyOf(owner.agent, id)).json().createdAt).toBe(second.createdAt);
    // nonsense never matches, and never throws
    for (const junk of ['', 'x', first.slice(1), `${first}x`, '../../etc/passwd', 'A'.repeat(43)]) expect(await t.services.streamKeys.eventForKey(junk)).toBeUndefined();
  });

  it('refuses everyone but the owner: viewers and speakers by invite, other accounts, no session', async () => {
    const owner = await signUp(t);
    const id = (await createEvent(t, owner.agent, { kind: 'diy_live' })).event.id;
    await keyOf(owner.agent, id, 'POST');
    const viewer = await invitedGuest(t, owner.agent, id, { role: 'viewer' });
    const guestSpeaker = await invitedGuest(t, owner.agent, id, { role: 'speaker' });
    const moderator = await invitedGuest(t, owner.agent, id, { role: 'moderator' });
    // an account invited as a speaker at its verified address: the grant is its own
    const speaker = await signUp(t);
    await passLobby(speaker.agent, (await invite(t, owner.agent, id, { email: speaker.email, role: 'speaker' })).link, speaker.email);
    const stranger = await signUp(t);

    for (const method of ['GET', 'POST'] as const) {
      // guests: their invite covers the event, not its owner's tools (as every owner action on events)
      for (const g of [viewer, guestSpeaker, moderator]) expect((await keyOf(g.agent, id, method)).statusCode, `${g.role} ${method}`).toBe(403);
      expect((await keyOf(speaker.agent, id, method)).statusCode, `speaker account ${method}`).toBe(404);
      expect((await keyOf(stranger.agent, id, method)).statusCode, `stranger ${method}`).toBe(404);
      const anon = new Agent(t.app);
      await anon.get('/api/health');
      expect((await keyOf(anon, id, method)).json().error.code, `no session ${method}`).toBe('unauthenticated');
    }
    // none of them made a key: the owner's key is still the only one, made once
    const rows = await t.db.database.db.selectFrom('live_stream_keys').selectAll().where('media_id', '=', id).execute();
    expect(rows).toHaveLength(1);
  });

  it('has keys only for DIY live events', async () => {
    const owner = await signUp(t);
    const webcast = (await createEvent(t, owner.agent, { kind: 'webcast' })).event.id;
    for (const method of ['GET', 'POST'] as const) {
      const res = await keyOf(owner.agent, webcast, method);
      expect(res.statusCode).toBe(409);
      expect(res.json().error).toMatchObject({ code: 'conflict', details: { kind: 'webcast' } });
    }
    expect((await keyOf(owner.agent, '00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
  });
});

describe('stream keys with RTMP off', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { RTMP_PORT: '0' } });
  });
  afterAll(async () => t?.close());

  it('answers no server URL', async () => {
    await signUp(t);
    const owner = await signUp(t);
    const id = (await createEvent(t, owner.agent, { kind: 'diy_live' })).event.id;
    expect((await owner.agent.get(`/api/events/${id}/stream-key`)).json()).toEqual({ serverUrl: null, streamKey: null, createdAt: null });
    expect((await owner.agent.post(`/api/events/${id}/stream-key`)).json()).toMatchObject({ serverUrl: null, streamKey: expect.any(String) });
  });
});
