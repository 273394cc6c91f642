import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MediaDto } from '../../src/contracts/api.js';
import { countPdfPages } from '../../src/server/adapters/media/pdf-pages.js';
import { createTestApp, signUp, type Agent, type TestApp } from '../factories/app.js';
import { testDialects } from '../factories/database.js';
import { createEvent, liveNow } from '../factories/live.js';
import { makePdf, makeVideo, multipart } from '../factories/media.js';
import { waitFor } from '../factories/wait.js';
import { Readable } from 'node:stream';

/** The library list carries what its cards show: page counts, poster frames, an event's date and phase. */
describe.each(testDialects())('library cards on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ dialect });
  });
  afterAll(async () => t?.close());

  const upload = async (agent: Agent, name: string, bytes: Buffer) => {
    const form = multipart(name, bytes);
    const res = await agent.request('POST', '/api/media', form.body, form.headers);
    expect(res.statusCode).toBe(201);
    return res.json().media as MediaDto;
  };
  const list = async (agent: Agent) => (await agent.get('/api/media')).json().items as MediaDto[];

  it("counts a document's pages at upload and lists them; other media have none", async () => {
    const { agent } = await signUp(t);
    const doc = await upload(agent, 'handbook.pdf', makePdf('Chapter', 3));
    expect(doc).toMatchObject({ type: 'document', status: 'ready', pageCount: 3, posterUrl: null, event: null });
    const single = await upload(agent, 'memo.pdf', makePdf());
    expect(single.pageCount).toBe(1);
    const items = await list(agent);
    expect(items.find((m) => m.id === doc.id)!.pageCount).toBe(3);
    expect((await agent.get(`/api/media/${doc.id}`)).json().media.pageCount).toBe(3);
  });

  it('lists a live event with its start, end, zone and phase now', async () => {
    const { agent } = await signUp(t);
    const later = await createEvent(t, agent, { title: 'Later' });
    const now = await createEvent(t, agent, { title: 'Now', ...liveNow(t) });
    const items = await list(agent);
    const card = items.find((m) => m.id === later.event.id)!;
    expect(card.event).toEqual({ startsAt: later.event.startsAt, endsAt: later.event.endsAt, timeZone: 'Europe/Berlin', phase: 'scheduled' });
    expect(items.find((m) => m.id === now.event.id)!.event!.phase).toBe('live');
    // ending it early: the card says ended, and its end is when it ended
    await agent.post(`/api/events/${now.event.id}/end`, {});
    const ended = (await list(agent)).find((m) => m.id === now.event.id)!.event!;
    expect(ended.phase).toBe('ended');
    expect(Date.parse(ended.endsAt)).toBeLessThanOrEqual(t.clock.now);
  });

  it("gives a transcoded video's card a signed poster frame that loads", async () => {
    const { agent } = await signUp(t);
    const video = await upload(agent, 'clip.mp4', makeVideo({ seconds: 2 }).bytes);
    expect(video.posterUrl).toBeNull();
    const ready = await waitFor(
      async () => {
        const m = (await list(agent)).find((x) => x.id === video.id)!;
        return m.status === 'ready' || m.status === 'failed' ? m : undefined;
      },
      { what: 'the video to be ready', timeoutMs: 60_000, everyMs: 200 },
    );
    expect(ready.status).toBe('ready');
    expect(ready.posterUrl).toMatch(new RegExp(`^/api/media/${video.id}/stream/`));
    const poster = await t.app.inject({ method: 'GET', url: ready.posterUrl! });
    expect(poster.statusCode).toBe(200);
    expect(poster.rawPayload.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    // a tampered signature does not
    expect((await t.app.inject({ method: 'GET', url: ready.posterUrl!.replace(/stream\/([^/]+)/, 'stream/x$1') })).statusCode).toBeGreaterThanOrEqual(400);
  });
});

describe('counting PDF pages', () => {
  it('reads the count with pdf.js; a broken or oversized file has none', async () => {
    expect(await countPdfPages(Readable.from([makePdf('x', 5)]), 1000)).toBe(5);
    expect(await countPdfPages(Readable.from([Buffer.from('%PDF-1.4\nthis is not a pdf')]), 30)).toBeNull();
    expect(await countPdfPages(Readable.from([makePdf()]), 65 * 1024 * 1024)).toBeNull();
  });
});
