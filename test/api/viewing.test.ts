import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signUp, type TestApp } from '../factories/app.js';
import { testDialects } from '../factories/database.js';
import { invitedGuest, passLobby, sessionIdOf } from '../factories/guests.js';
import { makeSizedVideo, multipart } from '../factories/media.js';
import { waitFor } from '../factories/wait.js';

describe.each(testDialects())('viewing analytics on %s', (dialect) => {
  let t: TestApp;
  let owner: Awaited<ReturnType<typeof signUp>>;
  let video: string;
  beforeAll(async () => {
    t = await createTestApp({ dialect });
    owner = await signUp(t);
    const form = multipart('twenty.mp4', makeSizedVideo({ width: 320, height: 240, seconds: 20 }).bytes);
    video = (await owner.agent.request('POST', '/api/media', form.body, form.headers)).json().media.id;
    await waitFor(async () => (await owner.agent.get(`/api/media/${video}`)).json().media.status === 'ready', { what: 'processing', timeoutMs: 60_000, everyMs: 100 });
  });
  afterAll(async () => t?.close());

  /** A viewer the owner invited to this one media item, in a browser of their own past the lobby. */
  const guest = (mediaId: string) => invitedGuest(t, owner.agent, mediaId);

  it('records first and last view, minutes watched, percent seen, and where to resume', async () => {
    const g = await guest(video);
    const report = (body: unknown) => g.agent.post(`/api/media/${video}/progress`, body);
    const first = await report({ positionSeconds: 6, ranges: [[0, 6]] });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ percentSeen: 30, secondsWatched: 6 });
    t.clock.advance(60_000);
    // Re-watching counts towards time watched but not towards the part seen; past the end is clamped.
    expect((await report({ positionSeconds: 10, ranges: [[4, 10]] })).json()).toEqual({ percentSeen: 50, secondsWatched: 12 });
    expect((await report({ positionSeconds: 12, ranges: [[18, 25]] })).json().percentSeen).toBe(60);

    const pb = (await g.agent.get(`/api/media/${video}/playback`)).json();
    expect(pb.resumeAtSeconds).toBe(12);

    const analytics = await owner.agent.get(`/api/media/${video}/analytics`);
    expect(analytics.statusCode).toBe(200);
    const row = analytics.json().items.find((i: { viewer: { sessionId: string } }) => i.viewer.sessionId === g.sessionId);
    expect(row).toMatchObject({ percentSeen: 60, minutesWatched: 0.2, positionSeconds: 12, viewer: { kind: 'guest' } });
    expect(Date.parse(row.lastViewAt) - Date.parse(row.firstViewAt)).toBe(60_000);
  });

  it('follows the person across lobby passes: the resume point and the figures stay one row', async () => {
    const g = await guest(video);
    expect((await g.agent.post(`/api/media/${video}/progress`, { positionSeconds: 8, ranges: [[0, 8]] })).statusCode).toBe(200);
    await passLobby(g.agent, g.link, g.email);
    expect(sessionIdOf(g.agent)).not.toBe(g.sessionId);
    expect((await g.agent.get(`/api/media/${video}/playback`)).json().resumeAtSeconds).toBe(8);
    expect((await g.agent.post(`/api/media/${video}/progress`, { positionSeconds: 12, ranges: [[8, 12]] })).json()).toEqual({ percentSeen: 60, secondsWatched: 12 });
    const rows = (await owner.agent.get(`/api/media/${video}/analytics`)).json().items.filter((i: { viewer: { email: string | null } }) => i.viewer.email === g.email);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ percentSeen: 60, viewer: { kind: 'guest', name: g.name } });
  });

  it('loses no range when reports arrive at once', async () => {
    const g = await guest(video);
    const reports = Array.from({ length: 10 }, (_, i) => g.agent.post(`/api/media/${video}/progress`, { positionSeconds: i * 2 + 2, ranges: [[i * 2, i === 9 ? 30 : i * 2 + 2]] }));
    for (const res of await Promise.all(reports)) expect(res.statusCode).toBe(200);
    const row = (await owner.agent.get(`/api/media/${video}/analytics`)).json().items.find((i: { viewer: { sessionId: string } }) => i.viewer.sessionId === g.sessionId);
    expect(row.percentSeen).toBe(100);
    expect(row.minutesWatched).toBeCloseTo(20 / 60, 1);
    expect(row.positionSeconds).toBeGreaterThan(0);
  });

  it('caps what one report can add, and starts over near the end', async () => {
    const { agent } = await signUp(t);
    expect((await agent.post(`/api/media/${video}/progress`, { positionSeconds: 1, ranges: [[0, 1]] })).statusCode).toBe(404);
    const g = await guest(video);
    const big = await g.agent.post(`/api/media/${video}/progress`, { positionSeconds: 19, ranges: Array.from({ length: 20 }, () => [0, 30]) });
    expect(big.json()).toEqual({ percentSeen: 100, secondsWatched: 120 });
    expect((await g.agent.get(`/api/media/${video}/playback`)).json().resumeAtSeconds).toBeNull();
    const bad = await g.agent.post(`/api/media/${video}/progress`, { positionSeconds: -1, ranges: [] });
    expect(bad.statusCode).toBe(400);
  });

  it('shows analytics to the owner only', async () => {
    const g = await guest(video);
    // A guest has no account: the owner's analytics are out of the invite's scope.
    expect((await g.agent.get(`/api/media/${video}/analytics`)).statusCode).toBe(403);
    const other = await signUp(t);
    expect((await other.agent.get(`/api/media/${video}/analytics`)).statusCode).toBe(404);
  });
});
