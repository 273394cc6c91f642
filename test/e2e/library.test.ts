import type { APIRequestContext, Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePdf, makeVideo } from '../factories/media.js';
import { hasHorizontalScroll, launchBrowser, screenshot, startApp, type Site } from './harness.js';
import { ownerSession } from './setup.js';

/** The library as an owner sees it (issue 12 item 2): real cards, sort and filter, two columns on a phone. */
describe('the library in Chromium', () => {
  let browser: Browser;
  let site: Site;
  beforeAll(async () => {
    browser = await launchBrowser();
    site = await startApp();
  });
  afterAll(async () => {
    await site?.close();
    await browser?.close();
  });

  async function csrfOf(api: APIRequestContext) {
    const cookies = (await api.storageState()).cookies;
    return cookies.find((c) => c.name === 'foyer_csrf')!.value;
  }

  it('shows poster, duration, pages and an event’s date and phase; sorts and filters; keeps two columns on a phone', async () => {
    const owner = await ownerSession(site, browser, { name: 'Lena Library' });
    const { page } = owner;
    const api = owner.context.request;
    const csrf = await csrfOf(api);
    const upload = async (name: string, mimeType: string, buffer: Buffer) => {
      const res = await api.post(`${site.url}/api/media`, { multipart: { file: { name, mimeType, buffer } }, headers: { 'x-csrf-token': csrf } });
      expect(res.status()).toBe(201);
      return (await res.json()).media as { id: string };
    };
    const handbook = await upload('Handbook.pdf', 'application/pdf', makePdf('Chapter', 3));
    const video = await upload('Welcome clip.mp4', 'video/mp4', makeVideo({ seconds: 2 }).bytes);
    // noon UTC three days on: the hour it lasts stays within one day in the browser's zone
    const startsAt = new Date(Date.now() + 3 * 86_400_000);
    startsAt.setUTCHours(12, 0, 0, 0);
    const endsAt = new Date(startsAt.getTime() + 3600_000);
    const created = await api.post(`${site.url}/api/events`, {
      data: { kind: 'webcast', title: 'All-hands', startsAt: startsAt.toISOString(), endsAt: endsAt.toISOString(), timeZone: 'UTC' },
      headers: { 'x-csrf-token': csrf },
    });
    expect(created.status()).toBe(201);
    const eventId = (await created.json()).event.id as string;

    await page.goto('/');
    const card = (id: string) => page.locator(`li.media-card[data-media-id="${id}"]`);
    // the event: its date written once, short, and its phase; never a size
    const eventCard = card(eventId);
    await eventCard.waitFor();
    await expect.poll(() => eventCard.textContent()).toContain('Scheduled');
    const expectedRange = await page.evaluate(
      ([s, e]) => {
        const day = new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short' });
        const time = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
        return `${day.format(new Date(s)).replace(/,/g, '')}, ${time.format(new Date(s))}–${time.format(new Date(e))}`;
      },
      [startsAt.toISOString(), endsAt.toISOString()],
    );
    expect(await eventCard.textContent()).toContain(expectedRange);
    expect(await eventCard.textContent()).not.toMatch(/\b0 B\b/);
    // the document: its pages
    expect(await card(handbook.id).textContent()).toContain('3 pages');
    // the video: once transcoded, its poster frame (loaded) and its duration
    await expect
      .poll(
        async () => {
          await page.reload();
          await card(video.id).waitFor();
          return card(video.id).locator('img.media-thumb-img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0).catch(() => false);
        },
        { timeout: 60_000, interval: 1_000 },
      )
      .toBe(true);
    expect(await card(video.id).textContent()).toMatch(/0:0[12]/);

    // filter by type: only documents; the address keeps it across a reload
    await page.getByLabel('Type').selectOption('document');
    await expect.poll(() => page.locator('li.media-card').count()).toBe(1);
    expect(new URL(page.url()).searchParams.get('type')).toBe('document');
    await page.reload();
    await expect.poll(() => page.locator('li.media-card').count()).toBe(1);
    expect(await page.getByLabel('Type').inputValue()).toBe('document');
    // nothing matches: says so, and one click shows everything again
    await page.getByLabel('Search titles').fill('nonexistent words');
    await page.getByRole('heading', { name: 'Nothing matches' }).waitFor();
    await page.getByRole('button', { name: 'Show everything' }).click();
    await expect.poll(() => page.locator('li.media-card').count()).toBe(3);
    // sort by title
    await page.getByLabel('Sort').selectOption('title');
    await expect.poll(() => page.locator('li.media-card h3').allTextContents()).toEqual(['All-hands', 'Handbook', 'Welcome clip']);
    await page.getByLabel('Search titles').fill('hand');
    await expect.poll(() => page.locator('li.media-card h3').allTextContents()).toEqual(['All-hands', 'Handbook']);
    await page.getByLabel('Search titles').fill('');
    await screenshot(page, 'library-1366');

    // a phone: two columns, nothing wider than the screen
    await page.setViewportSize({ width: 390, height: 844 });
    await expect.poll(() => page.locator('ul.media-grid').evaluate((ul) => getComputedStyle(ul).gridTemplateColumns.split(' ').length)).toBe(2);
    expect(await hasHorizontalScroll(page)).toBe(false);
    await screenshot(page, 'library-390');
    expect(site.problems()).toEqual([]);
  });
});
