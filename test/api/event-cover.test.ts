import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signUp, type Agent, type TestApp } from '../factories/app.js';
import { testDialects } from '../factories/database.js';
import { createEvent, roomCast } from '../factories/live.js';
import { makePdf, multipart, PNG } from '../factories/media.js';


/** An event's cover image (issue 12 item 3): the owner sets, replaces and removes it; invitees see it. */
describe.each(testDialects())('event cover on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ dialect });
  });
  afterAll(async () => t?.close());

  const putCover = (agent: Agent, id: string, name: string, bytes: Buffer) => {
    const form = multipart(name, bytes);
    return agent.request('PUT', `/api/events/${id}/cover`, form.body, form.headers);
  };

  it('the owner uploads a cover: the page, the library card and invitees get it; a new one replaces it; removing it ends it', async () => {
    const { agent: owner } = await signUp(t);
    const page = await createEvent(t, owner);
    const id = page.event.id;
    expect(page.event.coverUrl).toBeNull();

    const set = await putCover(owner, id, 'cover.png', PNG);
    expect(set.statusCode).toBe(200);
    const coverUrl = set.json().event.coverUrl as string;
    expect(coverUrl).toMatch(new RegExp(`^/api/events/${id}/cover\\?v=`));
    const img = await owner.get(coverUrl);
    expect(img.statusCode).toBe(200);
    expect(img.headers['content-type']).toBe('image/png');
    expect(img.rawPayload).toEqual(PNG);
    // the library card shows it
    const card = ((await owner.get('/api/media')).json().items as Array<{ id: string; posterUrl: string | null }>).find((m) => m.id === id)!;
    expect(card.posterUrl).toBe(coverUrl);

    // an invited viewer sees it; a stranger does not
    const [viewer] = await roomCast(t, id, ['viewer']);
    expect((await viewer!.agent.get(`/api/events/${id}`)).json().event.coverUrl).toBe(coverUrl);
    expect((await viewer!.agent.get(coverUrl)).statusCode).toBe(200);
    const { agent: stranger } = await signUp(t);
    expect((await stranger.get(coverUrl)).statusCode).toBe(404);
    // nor may the viewer change it
    expect((await putCover(viewer!.agent, id, 'mine.png', PNG)).statusCode).toBeGreaterThanOrEqual(401);

    // a new cover: a new address; the old file is gone from storage
    const again = await putCover(owner, id, 'cover2.png', PNG);
    const nextUrl = again.json().event.coverUrl as string;
    expect(nextUrl).not.toBe(coverUrl);
    const files = () => t.services.liveEvents.find(id).then((e) => e!.cover_key);
    const key = await files();
    expect(key).toMatch(new RegExp(`^media/${id}/cover-`));

    const removed = await owner.request('DELETE', `/api/events/${id}/cover`, '', {});
    expect(removed.statusCode).toBe(200);
    expect(removed.json().event.coverUrl).toBeNull();
    expect((await owner.get(nextUrl)).statusCode).toBe(404);
    expect(await files()).toBeNull();
  });

  it('refuses what is not a PNG, JPEG or WebP image, or too large, and keeps the cover it had', async () => {
    const { agent: owner } = await signUp(t);
    const id = (await createEvent(t, owner)).event.id;
    await putCover(owner, id, 'cover.png', PNG);
    const before = (await owner.get(`/api/events/${id}`)).json().event.coverUrl;
    const pdf = await putCover(owner, id, 'cover.pdf', makePdf());
    expect(pdf.statusCode).toBe(415);
    expect(pdf.json().error).toMatchObject({ code: 'unsupported_media', message: 'Use a PNG, JPEG or WebP image.' });
    const big = await putCover(owner, id, 'huge.png', Buffer.concat([PNG, Buffer.alloc(5 * 1024 * 1024 + 10)]));
    expect(big.statusCode).toBe(413);
    expect(big.json().error.message).toBe('The cover image is larger than 5 MB.');
    const empty = await owner.request('PUT', `/api/events/${id}/cover`, '{}', { 'content-type': 'application/json' });
    expect(empty.statusCode).toBeGreaterThanOrEqual(400);
    expect((await owner.get(`/api/events/${id}`)).json().event.coverUrl).toBe(before);
  });
});
