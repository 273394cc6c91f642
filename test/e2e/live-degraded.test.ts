import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisServer } from '../factories/redis-server.js';
import { launchBrowser, screenshot, startApp, type Site } from './harness.js';
import { submitLobbyEmail } from './invite-flows.js';
import { ownerSession, uniqueEmail } from './setup.js';

/**
 * The room in Chromium through a Redis outage: the app runs with REDIS_URL pointing at a private
 * redis-server of this test (never the machine's shared Redis), which the test stops and starts again.
 */
describe('a live room in Chromium while Redis is down', () => {
  let browser: Browser;
  let site: Site;
  let redis: RedisServer;

  beforeAll(async () => {
    redis = await RedisServer.start();
    [browser, site] = await Promise.all([launchBrowser(), startApp({ env: { REDIS_URL: redis.url } })]);
  });
  afterAll(async () => {
    await site?.close();
    await browser?.close();
    await redis?.dispose();
  });

  it('shows a clear degraded banner, keeps the chat working, and clears it when Redis is back', async () => {
    const owner = await ownerSession(site, browser);
    const o = owner.page;
    // A live event and a viewer's link, through the API the owner's pages use.
    const guestEmail = uniqueEmail('dora');
    const { eventId, link } = await o.evaluate(async (email) => {
      const csrf = decodeURIComponent(/(?:^|; )foyer_csrf=([^;]+)/.exec(document.cookie)?.[1] ?? '');
      const post = (url: string, body: unknown) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': csrf }, body: JSON.stringify(body) });
      const now = Date.now();
      const created = await post('/api/events', {
        kind: 'webcast',
        title: 'Outage drill',
        description: 'Chat through a Redis outage',
        startsAt: new Date(now - 5 * 60_000).toISOString(),
        endsAt: new Date(now + 2 * 3_600_000).toISOString(),
        timeZone: 'UTC',
      });
      const id = ((await created.json()) as { event: { id: string } }).event.id;
      const invited = await post(`/api/media/${id}/invites`, { people: [{ email, firstName: 'Dora', lastName: 'Guest' }], role: 'viewer', message: '', sendEmail: false });
      return { eventId: id, link: ((await invited.json()) as { created: Array<{ link: string }> }).created[0]!.link };
    }, guestEmail);

    const guest = await site.open(browser, { viewport: { width: 1280, height: 900 } });
    const g = guest.page;
    await g.goto(link);
    await g.waitForURL((u) => u.pathname === '/lobby');
    await submitLobbyEmail(g, guestEmail);
    await g.waitForURL(`${site.url}/events/${eventId}`);
    const chatTab = g.getByRole('tablist', { name: 'Room panels' }).getByRole('tab', { name: 'Chat' });
    await chatTab.waitFor();
    const banner = g.getByRole('status').filter({ hasText: 'Connection trouble on our side' });
    expect(await banner.count()).toBe(0);

    await redis.stop();

    await banner.waitFor({ timeout: 15_000 });
    // what the guest sends still shows at once (this server delivers to its own sockets)
    await g.getByLabel('Message', { exact: true }).fill('Anyone there?');
    await g.getByRole('button', { name: 'Send' }).click();
    await g.locator('.live-message', { hasText: 'Anyone there?' }).waitFor({ timeout: 5_000 });
    await screenshot(g, 'live-room-degraded');

    await redis.start();

    await banner.waitFor({ state: 'detached', timeout: 20_000 });
    expect(await g.locator('.live-message', { hasText: 'Anyone there?' }).count()).toBe(1);
    expect(site.problems()).toEqual([]);
  });
});
