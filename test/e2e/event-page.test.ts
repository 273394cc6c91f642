import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PNG } from '../factories/media.js';
import { hasHorizontalScroll, launchBrowser, screenshot, startApp, type Site } from './harness.js';
import { submitLobbyEmail } from './invite-flows.js';
import { apiPost, ownerSession, uniqueEmail } from './setup.js';


/** The event page before the start (issue 12 item 3): cover, the time written once in the viewer's zone, countdown, calendar. */
describe('the event page before the start, in Chromium', () => {
  let browser: Browser;
  let site: Site;
  beforeAll(async () => {
    [browser, site] = await Promise.all([launchBrowser(), startApp()]);
  });
  afterAll(async () => {
    await site?.close();
    await browser?.close();
  });

  it('the owner sets a cover there; the invitee, through the lobby, sees it with the time in their own zone', async () => {
    const owner = await ownerSession(site, browser, { name: 'Elsa Events' }, { viewport: { width: 1366, height: 900 }, timezoneId: 'UTC' });
    const o = owner.page;
    // Saturday 5 December 2026, 18:00–19:00 UTC: 19:00–20:00 in Berlin
    const created = await apiPost(site, owner.context.request, '/api/events', {
      kind: 'webcast',
      title: 'Winter briefing',
      description: 'What changes in January.',
      startsAt: '2026-12-05T18:00:00.000Z',
      endsAt: '2026-12-05T19:00:00.000Z',
      timeZone: 'UTC',
    });
    const eventId = created.event.id as string;

    await o.goto(`/events/${eventId}`);
    await o.getByRole('region', { name: 'Event controls' }).waitFor();
    expect(await o.locator('.live-when').textContent()).toBe('Sat 5 Dec, 18:00–19:00 UTC');
    await o.getByLabel('Cover image').setInputFiles({ name: 'cover.png', mimeType: 'image/png', buffer: PNG });
    await o.waitForFunction(() => (document.querySelector<HTMLImageElement>('img.live-cover')?.naturalWidth ?? 0) > 0);
    await o.getByRole('button', { name: 'Remove cover' }).waitFor();
    await screenshot(o, 'event-page-owner-1366');
    // the library card of the event shows the cover
    await o.goto('/');
    await o.waitForFunction((id) => (document.querySelector<HTMLImageElement>(`li[data-media-id="${id}"] img.media-thumb-img`)?.naturalWidth ?? 0) > 0, eventId);

    // the invitee, in Berlin, through a real invite and the lobby
    const email = uniqueEmail('ida');
    const invited = await apiPost(site, owner.context.request, `/api/media/${eventId}/invites`, { people: [{ email, firstName: 'Ida', lastName: 'Invitee' }], role: 'viewer', sendEmail: false });
    const guest = await site.open(browser, { viewport: { width: 390, height: 844 }, timezoneId: 'Europe/Berlin' });
    const v = guest.page;
    await v.goto(invited.created[0].link as string);
    await v.waitForURL((u) => u.pathname === '/lobby');
    await submitLobbyEmail(v, email);
    await v.waitForURL((u) => u.pathname === `/events/${eventId}`);
    await v.getByRole('heading', { name: 'Winter briefing', level: 1 }).waitFor();
    await v.waitForFunction(() => (document.querySelector<HTMLImageElement>('img.live-cover')?.naturalWidth ?? 0) > 0);
    const when = await v.locator('.live-when').textContent();
    expect(when).toBe('Sat 5 Dec, 19:00–20:00 CET · Sat 5 Dec, 18:00–19:00 UTC where the organiser is');
    await v.getByRole('timer', { name: 'Starts in' }).waitFor();
    await v.getByText('What changes in January.').waitFor();
    expect(await v.getByRole('link', { name: 'Add to calendar' }).getAttribute('href')).toBe(`/api/events/${eventId}/calendar.ics`);
    // the invitee has no owner controls
    expect(await v.getByRole('region', { name: 'Event controls' }).count()).toBe(0);
    expect(await v.getByLabel('Cover image').count()).toBe(0);
    expect(await hasHorizontalScroll(v)).toBe(false);
    await screenshot(v, 'event-page-invitee-390');

    // removing the cover takes it off the page
    await o.goto(`/events/${eventId}`);
    await o.getByRole('button', { name: 'Remove cover' }).click();
    await expect.poll(() => o.locator('img.live-cover').count()).toBe(0);
    expect(site.problems()).toEqual([]);
  });
});
