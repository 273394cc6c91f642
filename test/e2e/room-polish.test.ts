import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasHorizontalScroll, launchBrowser, screenshot, startApp, type Site } from './harness.js';
import { submitLobbyEmail } from './invite-flows.js';
import { apiPost, ownerSession, uniqueEmail } from './setup.js';

const tab = (page: Page, name: string | RegExp) => page.getByRole('tablist', { name: 'Room panels' }).getByRole('tab', { name });
const center = async (page: Page, selector: string) => {
  const b = (await page.locator(selector).first().boundingBox())!;
  return b.y + b.height / 2;
};

/** The room's rough edges (issue 12 item 5), through a real invite and the lobby. */
describe('the live room, polished, in Chromium', () => {
  let browser: Browser;
  let site: Site;
  beforeAll(async () => {
    [browser, site] = await Promise.all([launchBrowser(), startApp()]);
  });
  afterAll(async () => {
    await site?.close();
    await browser?.close();
  });

  it('aligned anonymous question, Waiting first with a count, vote received, tabs on one line, one person on two devices', async () => {
    const owner = await ownerSession(site, browser, { name: 'Rita Room' }, { viewport: { width: 1366, height: 900 } });
    const o = owner.page;
    const now = Date.now();
    const page = await apiPost(site, owner.context.request, '/api/events', {
      kind: 'webcast',
      title: 'Polish review',
      startsAt: new Date(now - 60_000).toISOString(),
      endsAt: new Date(now + 3600_000).toISOString(),
      timeZone: 'UTC',
      qaMode: 'pre_moderated',
    });
    const eventId = page.event.id as string;
    const email = uniqueEmail('vic');
    const invited = await apiPost(site, owner.context.request, `/api/media/${eventId}/invites`, { people: [{ email, firstName: 'Vic', lastName: 'Viewer' }], role: 'viewer', sendEmail: false });
    const link = invited.created[0].link as string;

    // the invitee: link → lobby → the room
    const guest = await site.open(browser, { viewport: { width: 1366, height: 900 } });
    const v = guest.page;
    await v.goto(link);
    await v.waitForURL((u) => u.pathname === '/lobby');
    await submitLobbyEmail(v, email);
    await v.waitForURL((u) => u.pathname === `/events/${eventId}`);
    await tab(v, 'Chat').waitFor();

    // asking: a question box of sensible height, the checkbox on its label's line
    await tab(v, 'Q&A').click();
    const box = (await v.getByLabel('Your question').boundingBox())!;
    expect(box.height).toBeGreaterThanOrEqual(70);
    const check = v.getByLabel('Ask anonymously');
    expect(Math.abs((await center(v, '.live-check input')) - (await center(v, '.live-check span')))).toBeLessThanOrEqual(3);
    await v.getByLabel('Your question').fill('Is this recorded?');
    await check.check();
    await v.getByRole('button', { name: 'Ask', exact: true }).click();
    await v.getByText('Waiting for approval').waitFor();

    // the moderator (the owner): a count on the Q&A tab, and Q&A opens on Waiting
    await o.goto(`/events/${eventId}`);
    await expect.poll(() => tab(o, /Q&A/).textContent()).toContain('1');
    await tab(o, /Q&A/).click();
    const waitingTab = o.getByRole('tablist', { name: 'Questions' }).getByRole('tab', { name: /Waiting/ });
    expect(await waitingTab.getAttribute('aria-selected')).toBe('true');
    await o.getByText('Is this recorded?').waitFor();
    expect(await o.locator('.live-question').first().textContent()).toContain('Anonymous');

    // a poll: the viewer's vote is acknowledged
    await tab(o, 'Polls').click();
    await o.getByLabel('New poll').fill('Coffee or tea?');
    await o.getByLabel('Option 1').fill('Coffee');
    await o.getByLabel('Option 2').fill('Tea');
    await o.getByRole('button', { name: 'Launch' }).click();
    await tab(v, 'Polls').click();
    await v.getByLabel('Tea').check();
    await v.getByRole('button', { name: 'Submit answer' }).click();
    await v.getByRole('status').filter({ hasText: 'Vote received' }).waitFor();
    await screenshot(v, 'room-viewer-1366');

    // the same person on a second device: listed once, with both counted
    const phone = await guest.context.newPage();
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto(`/events/${eventId}`);
    await tab(phone, 'Chat').waitFor();
    await tab(o, 'Participants').click();
    const row = o.locator('.live-participants li', { hasText: 'Vic Viewer' });
    await expect.poll(async () => {
      await o.getByRole('button', { name: 'Refresh' }).click();
      return row.textContent();
    }).toContain('on 2 devices');
    expect(await row.count()).toBe(1);
    await screenshot(o, 'room-moderator-1366');

    // a narrow panel: the moderator's five tabs stay on one line (the list scrolls instead)
    await o.setViewportSize({ width: 390, height: 844 });
    const tops = await o.getByRole('tablist', { name: 'Room panels' }).getByRole('tab').evaluateAll((els) => els.map((e) => (e as HTMLElement).offsetTop));
    expect(tops.length).toBe(5);
    expect(new Set(tops).size).toBe(1);
    expect(await hasHorizontalScroll(o)).toBe(false);
    expect(await hasHorizontalScroll(phone)).toBe(false);
    await screenshot(o, 'room-moderator-390');
    await screenshot(phone, 'room-viewer-390');
    expect(site.problems()).toEqual([]);
  });
});
