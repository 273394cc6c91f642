import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { killEncoders, pushTestPattern } from '../factories/rtmp.js';
import { launchBrowser, screenshot, startApp, type Site } from './harness.js';
import { ownerSession } from './setup.js';

/**
 * DIY live in the owner's browser: the "Stream from an encoder" section of the event page makes the
 * stream key, shows it once with the server URL (both copyable), and regenerates it after a
 * confirmation; an encoder (ffmpeg, as OBS) with what the page showed goes live.
 */
describe('DIY live stream key in Chromium', () => {
  let browser: Browser;
  let site: Site;

  beforeAll(async () => {
    [browser, site] = await Promise.all([launchBrowser(), startApp({ rtmp: true })]);
  });
  afterEach(() => killEncoders());
  afterAll(async () => {
    await site?.close();
    await browser?.close();
  });

  it('owner generates a key, copies it, an encoder goes live with it; regenerating asks first and shows a new key once', async () => {
    const owner = await ownerSession(site, browser);
    const o = owner.page;
    // An event that starts in ten minutes: broadcasters may start in the early-entry window (15 minutes).
    const csrf = (await owner.context.cookies(site.url)).find((c) => c.name === 'foyer_csrf')!.value;
    const created = await owner.context.request.post(`${site.url}/api/events`, {
      headers: { 'x-csrf-token': csrf },
      data: { kind: 'diy_live', title: 'Launch stream', startsAt: new Date(Date.now() + 600_000).toISOString(), endsAt: new Date(Date.now() + 3_600_000).toISOString(), timeZone: 'UTC' },
    });
    expect(created.status()).toBe(201);
    const eventId = (await created.json()).event.id as string;

    await o.goto(`/events/${eventId}`);
    const section = o.getByRole('region', { name: 'Stream from an encoder' });
    await section.waitFor();
    const serverUrl = section.getByRole('textbox', { name: 'Server URL' });
    expect(await serverUrl.inputValue()).toBe(`rtmp://127.0.0.1:${site.rtmpPort}/live`);
    await section.getByText('No stream key yet').waitFor();
    await section.getByText('In OBS: Settings → Stream → Service: Custom; Keyframe interval 1 s').waitFor();
    expect(await section.getByRole('textbox', { name: 'Stream key' }).count()).toBe(0);

    await section.getByRole('button', { name: 'Generate key' }).click();
    await section.getByText('Copy it now; it will not be shown again.').waitFor();
    const keyField = section.getByRole('textbox', { name: 'Stream key' });
    const key = await keyField.inputValue();
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await o.bringToFront();
    await section.getByRole('button', { name: 'Copy: Stream key' }).click();
    await section.getByText('Copied to the clipboard.').waitFor();
    expect(await o.evaluate(() => navigator.clipboard.readText())).toBe(key);
    await screenshot(o, 'live-rtmp-key-shown');

    // OBS with the server URL and the key from the page
    const encoder = pushTestPattern(`${await serverUrl.inputValue()}/${key}`);
    await expect.poll(async () => (await site.services.liveStreams.status(eventId)).state, { timeout: 40_000, interval: 250 }).toBe('live');

    // After a reload the key is gone for good: only when it was made
    await o.reload();
    await section.getByText(/^Stream key made /).waitFor();
    expect(await section.getByRole('textbox', { name: 'Stream key' }).count()).toBe(0);
    expect(await o.content()).not.toContain(key);

    // Regenerate asks first; keeping the key changes nothing
    await section.getByRole('button', { name: 'Regenerate key' }).click();
    const dialog = o.getByRole('alertdialog', { name: 'Make a new stream key?' });
    await dialog.getByText('cannot reconnect with it').waitFor();
    await dialog.getByRole('button', { name: 'Keep the current key' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(await site.services.streamKeys.eventForKey(key)).toBe(eventId);

    await section.getByRole('button', { name: 'Regenerate key' }).click();
    await dialog.getByRole('button', { name: 'Regenerate key' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await section.getByText('Copy it now; it will not be shown again.').waitFor();
    const newKey = await section.getByRole('textbox', { name: 'Stream key' }).inputValue();
    expect(newKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newKey).not.toBe(key);
    expect(await site.services.streamKeys.eventForKey(key)).toBeUndefined();
    expect(await site.services.streamKeys.eventForKey(newKey)).toBe(eventId);
    // the encoder streaming with the old key is not cut off
    expect(encoder.proc.exitCode).toBeNull();
    expect((await site.services.liveStreams.status(eventId)).state).toBe('live');
    await screenshot(o, 'live-rtmp-key-regenerated');

    expect(site.problems()).toEqual([]);
  }, 180_000);
});
