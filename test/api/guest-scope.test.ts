import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { defaultSiteSettings } from '../../src/contracts/invites.js';
import { Agent, createTestApp, type TestApp } from '../factories/app.js';
import { testDialects } from '../factories/database.js';
import { sessionIdOf, passLobby, revokeInvite } from '../factories/guests.js';
import { errorCode, invite, openLink, ownerWithVideo, setSettings } from '../factories/invites.js';
import { createEvent } from '../factories/live.js';
import { makePdf, multipart } from '../factories/media.js';

/**
 * One person, invited to several media, in one browser: the guest session holds every media the device
 * passed the lobby for, each in its own role and with its own expiry (hardening issue, item 6).
 */
describe.each(testDialects())('a guest session with several media on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ dialect });
  });
  afterAll(async () => t?.close());
  beforeEach(async () => setSettings(t, defaultSiteSettings));

  async function ownerWithVideoAndPdf() {
    const { owner, media: video } = await ownerWithVideo(t);
    const form = multipart('Handbook.pdf', makePdf());
    const res = await owner.agent.request('POST', '/api/media', form.body, form.headers);
    if (res.statusCode !== 201) throw new Error(`upload failed: ${res.body}`);
    const pdf = res.json().media as { id: string; title: string };
    return { owner, video, pdf };
  }

  const opens = async (agent: Agent, mediaId: string) => (await agent.get(`/api/media/${mediaId}`)).statusCode;
  const sharedWithMe = async (agent: Agent) => ((await agent.get('/api/session')).json().guest?.media ?? []) as Array<{ mediaId: string; role: string; title: string; url: string; expiresAt: string }>;

  it('a second invite opened in the same browser keeps the first: both open, the first link still says "already in"', async () => {
    const { owner, video, pdf } = await ownerWithVideoAndPdf();
    const email = `pat.${Date.now()}@example.com`;
    const toVideo = await invite(t, owner.agent, video.id, { email });
    const toPdf = await invite(t, owner.agent, pdf.id, { email });
    const browser = new Agent(t.app);

    await passLobby(browser, toVideo.link, email);
    const firstSession = sessionIdOf(browser);
    t.clock.advance(1_000);
    await passLobby(browser, toPdf.link, email);
    expect(sessionIdOf(browser)).not.toBe(firstSession);

    expect(await opens(browser, video.id)).toBe(200);
    expect(await opens(browser, pdf.id)).toBe(200);
    expect((await sharedWithMe(browser)).map((m) => [m.mediaId, m.role, m.url])).toEqual([
      [video.id, 'viewer', `/media/${video.id}`],
      [pdf.id, 'viewer', `/media/${pdf.id}`],
    ]);

    // Reopening the first link: not "already used", the person is already in.
    await openLink(browser, toVideo.link);
    const info = (await browser.get('/api/lobby')).json();
    expect(info.alreadyIn).toEqual({ url: `/media/${video.id}` });
    const again = await browser.post('/api/lobby/enter', { email });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ next: 'enter', url: `/media/${video.id}` });
    expect(await opens(browser, pdf.id)).toBe(200);
    expect(await opens(browser, video.id)).toBe(200);

    // The scope is exactly that set, and the refusal names it.
    const library = await browser.get('/api/media');
    expect(library.statusCode).toBe(403);
    expect(library.json().error).toMatchObject({ code: 'out_of_scope', message: `Your invite gives you access only to “${video.title}” and “${pdf.title}”.` });
    expect(library.json().error.details.media.map((m: { mediaId: string }) => m.mediaId)).toEqual([video.id, pdf.id]);
    const { media: stranger } = await ownerWithVideo(t, { fileName: 'Other.mp4' });
    expect(errorCode(await browser.get(`/api/media/${stranger.id}`))).toBe('out_of_scope');
  });

  it('each media keeps its own role: an event as moderator beside a video as viewer', async () => {
    const { owner, video } = await ownerWithVideoAndPdf();
    const page = await createEvent(t, owner.agent, { title: 'Board meeting' });
    const email = `mo.${Date.now()}@example.com`;
    const browser = new Agent(t.app);
    await passLobby(browser, (await invite(t, owner.agent, page.event.id, { email, role: 'moderator' })).link, email);
    t.clock.advance(1_000);
    await passLobby(browser, (await invite(t, owner.agent, video.id, { email })).link, email);

    expect((await sharedWithMe(browser)).map((m) => [m.mediaId, m.role, m.url])).toEqual([
      [page.event.id, 'moderator', `/events/${page.event.id}`],
      [video.id, 'viewer', `/media/${video.id}`],
    ]);
    expect((await browser.get(`/api/events/${page.event.id}`)).json()).toMatchObject({ role: 'moderator' });
    expect((await browser.get(`/api/media/${video.id}`)).json()).toMatchObject({ role: 'viewer' });
  });

  it('each media keeps its own expiry: the shorter access ends, the longer one goes on', async () => {
    const { owner, video, pdf } = await ownerWithVideoAndPdf();
    const email = `exp.${Date.now()}@example.com`;
    await setSettings(t, { linkDurationMinutes: 60 });
    const short = await invite(t, owner.agent, video.id, { email });
    await setSettings(t, { linkDurationMinutes: 600 });
    const long = await invite(t, owner.agent, pdf.id, { email });
    const browser = new Agent(t.app);
    await passLobby(browser, short.link, email);
    t.clock.advance(1_000);
    await passLobby(browser, long.link, email);
    const [v, p] = await sharedWithMe(browser);
    expect(Date.parse(p.expiresAt) - Date.parse(v.expiresAt)).toBe(540 * 60_000 + 1_000);

    t.clock.advance(61 * 60_000);
    expect(await opens(browser, pdf.id)).toBe(200);
    expect(errorCode(await browser.get(`/api/media/${video.id}`))).toBe('out_of_scope');
    expect((await sharedWithMe(browser)).map((m) => m.mediaId)).toEqual([pdf.id]);

    t.clock.advance(540 * 60_000);
    expect((await browser.get('/api/session')).json().guest).toBeNull();
    expect(errorCode(await browser.get(`/api/media/${pdf.id}`))).toBe('unauthenticated');
  });

  it('revoking one invite removes only that one: its media answers invite_revoked, the other stays open', async () => {
    const { owner, video, pdf } = await ownerWithVideoAndPdf();
    const email = `rev.${Date.now()}@example.com`;
    const toVideo = await invite(t, owner.agent, video.id, { email });
    const toPdf = await invite(t, owner.agent, pdf.id, { email });
    const browser = new Agent(t.app);
    await passLobby(browser, toVideo.link, email);
    await passLobby(browser, toPdf.link, email);

    await revokeInvite(owner.agent, video.id, toVideo.inviteId);
    expect(errorCode(await browser.get(`/api/media/${video.id}`))).toBe('invite_revoked');
    expect(await opens(browser, pdf.id)).toBe(200);
    expect((await sharedWithMe(browser)).map((m) => m.mediaId)).toEqual([pdf.id]);
    // Outside the scope the refusal names only what is left.
    expect((await browser.get('/api/media')).json().error.message).toBe(`Your invite gives you access only to “${pdf.title}”.`);

    // A later lobby pass (the PDF link again) keeps the revoked video's reason and the PDF.
    await passLobby(browser, toPdf.link, email);
    expect(errorCode(await browser.get(`/api/media/${video.id}`))).toBe('invite_revoked');
    expect(await opens(browser, pdf.id)).toBe(200);

    // The last one revoked: the session has nothing left and says why.
    await revokeInvite(owner.agent, pdf.id, toPdf.inviteId);
    expect(errorCode(await browser.get(`/api/media/${pdf.id}`))).toBe('invite_revoked');
    expect((await browser.get('/api/session')).json().guest).toBeNull();
  });

  it('deleting one media ends only its access: media_deleted for it, the other stays open', async () => {
    const { owner, video, pdf } = await ownerWithVideoAndPdf();
    const email = `del.${Date.now()}@example.com`;
    const browser = new Agent(t.app);
    await passLobby(browser, (await invite(t, owner.agent, video.id, { email })).link, email);
    await passLobby(browser, (await invite(t, owner.agent, pdf.id, { email })).link, email);

    expect((await owner.agent.delete(`/api/media/${pdf.id}`)).statusCode).toBeLessThan(300);
    expect(errorCode(await browser.get(`/api/media/${pdf.id}`))).toBe('media_deleted');
    expect(await opens(browser, video.id)).toBe(200);
    expect((await sharedWithMe(browser)).map((m) => m.mediaId)).toEqual([video.id]);
  });

  it('two people invited on one shared computer: each media keeps its own invitee', async () => {
    const { owner, video, pdf } = await ownerWithVideoAndPdf();
    const a = `ann.${Date.now()}@example.com`;
    const b = `bob.${Date.now()}@example.com`;
    const browser = new Agent(t.app);
    await passLobby(browser, (await invite(t, owner.agent, video.id, { email: a, firstName: 'Ann', lastName: 'A' })).link, a);
    await passLobby(browser, (await invite(t, owner.agent, pdf.id, { email: b, firstName: 'Bob', lastName: 'B' })).link, b);
    expect(await opens(browser, video.id)).toBe(200);
    expect(await opens(browser, pdf.id)).toBe(200);
    // The owner's People with access names each invitee on their own media only.
    const people = (await owner.agent.get(`/api/media/${video.id}/invites`)).json();
    expect(JSON.stringify(people)).toContain(a);
    expect(JSON.stringify(people)).not.toContain(b);
  });
});
