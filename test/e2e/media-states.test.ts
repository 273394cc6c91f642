import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCorruptVideo, makeVideo } from '../factories/media.js';
import { hasHorizontalScroll, launchBrowser, screenshot, startApp, type Site } from './harness.js';
import { expectVideoPlays, inviteLink, submitLobbyEmail, waitForPlayer } from './invite-flows.js';
import { ownerSession, uniqueEmail } from './setup.js';

describe('media page states in Chromium: processing turns into the player, a corrupt file fails with the reason', () => {
  let browser: Browser;
  let site: Site;

  beforeAll(async () => {
    [browser, site] = await Promise.all([launchBrowser(), startApp({ smtp: true })]);
  });
  afterAll(async () => {
    await site?.close();
    await browser?.close();
  });

  it('shows the transcode state in the library and on the page, and the owner’s viewer options', async () => {
    const { page } = await ownerSession(site, browser, { name: 'Stella States', email: uniqueEmail('stella') });
    const dialog = page.getByRole('dialog', { name: 'Upload media' });
    await page.goto('/');

    // A file that looks like MP4 but is not: accepted, then ffmpeg fails it and the page says why.
    await page.getByRole('button', { name: 'Upload' }).first().click();
    await dialog.locator('input[type=file]').setInputFiles({ name: 'broken clip.mp4', mimeType: 'video/mp4', buffer: makeCorruptVideo() });
    await page.getByText('“broken clip” is uploaded.').waitFor();
    const card = page.getByRole('link', { name: /broken clip/ });
    await expect.poll(() => card.getByTestId('media-status').getAttribute('data-status'), { timeout: 60_000 }).toBe('failed');
    await screenshot(page, 'library-failed');
    await card.click();
    const status = page.getByTestId('processing-status');
    expect(await status.getAttribute('data-status')).toBe('failed');
    await status.getByText('This file could not be processed.').waitFor();
    expect(await status.locator('.viewer-processing-reason').textContent()).toMatch(/moov atom not found|Invalid data/);
    expect(await page.locator('[data-testid=player-media]').count()).toBe(0);
    await screenshot(page, 'media-failed');

    // A real video: the page polls and swaps in the player by itself, without a reload.
    await page.goto('/');
    await page.getByRole('button', { name: 'Upload' }).first().click();
    const clip = makeVideo({ seconds: 4, name: 'state clip.mp4' });
    await dialog.locator('input[type=file]').setInputFiles(clip.path);
    await page.getByText('“state clip” is uploaded.').waitFor();
    await page.getByRole('link', { name: /state clip/ }).click();
    await page.getByRole('heading', { name: 'state clip', level: 1 }).waitFor();
    const navigations: string[] = [];
    page.on('framenavigated', (f) => navigations.push(f.url()));
    if (await status.count()) await screenshot(page, 'media-processing');
    await waitForPlayer(page);
    expect(navigations).toEqual([]);
    await page.waitForFunction(() => (document.querySelector<HTMLVideoElement>('video[data-testid=player-media]')?.readyState ?? 0) >= 1);
    expect(await page.locator('video[data-testid=player-media]').getAttribute('poster')).toMatch(/\/api\/media\/[\w-]+\/stream\/\d+\/[\w-]{43}\//);

    // Owner options: block download removes the player's download link for viewers (the owner keeps it).
    const mediaId = new URL(page.url()).pathname.split('/').pop()!;
    await page.getByRole('link', { name: 'Download' }).waitFor();
    await page.getByLabel('Block download').check();
    await page.getByText('Downloads are blocked.', { exact: false }).waitFor();
    await page.reload();
    await waitForPlayer(page);
    expect(await page.getByLabel('Block download').isChecked()).toBe(true);
    const guestEmail = uniqueEmail('viewer');
    const link = await inviteLink(page, { email: guestEmail });
    const guest = await site.open(browser, { viewport: { width: 1280, height: 860 } });
    await guest.page.goto(link);
    await submitLobbyEmail(guest.page, guestEmail);
    await guest.page.waitForURL(`${site.url}/media/${mediaId}`);
    await expectVideoPlays(guest.page);
    expect(await guest.page.getByRole('link', { name: 'Download' }).count()).toBe(0);
    expect(await guest.page.getByLabel('Block download').count()).toBe(0);
    await screenshot(guest.page, 'media-guest-video');
    await guest.context.close();

    // Captions: a WebVTT file becomes a track of the player.
    const vtt = 'WEBVTT\n\n00:00:00.000 --> 00:00:03.000\nHello from the captions\n';
    await page.getByLabel('WebVTT file').setInputFiles({ name: 'en.vtt', mimeType: 'text/vtt', buffer: Buffer.from(vtt) });
    await page.getByRole('button', { name: 'Add captions' }).click();
    await page.getByRole('list', { name: 'Caption tracks' }).getByText('English').waitFor();
    await page.reload();
    await waitForPlayer(page);
    await expect.poll(() => page.locator('video[data-testid=player-media] track').count()).toBe(1);
    await screenshot(page, 'media-ready-owner');
    expect(await hasHorizontalScroll(page)).toBe(false);
    expect(site.problems()).toEqual([]);
  });

  it('shows an uploaded image through a signed URL, to the owner and to an invited guest', async () => {
    // A 2×1 PNG: real image bytes, so the browser decodes it and reports its width.
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAIAAAABCAIAAAB7QOjdAAAADUlEQVR4nGP4z8AARAAI/gH/xp559wAAAABJRU5ErkJggg==', 'base64');
    const { page } = await ownerSession(site, browser, { name: 'Ivy Images', email: uniqueEmail('ivy') });
    await page.goto('/');
    await page.getByRole('button', { name: 'Upload' }).first().click();
    await page.getByRole('dialog', { name: 'Upload media' }).locator('input[type=file]').setInputFiles({ name: 'floor plan.png', mimeType: 'image/png', buffer: png });
    await page.getByText('“floor plan” is uploaded.').waitFor();
    await page.getByRole('link', { name: /floor plan/ }).click();
    const image = page.locator('.viewer-image img');
    await image.waitFor();
    // The picture comes from the signed delivery path (docs/delivery.md), and it loaded.
    expect(await image.getAttribute('src')).toMatch(/^\/api\/media\/[\w-]+\/file\/\d+\/[\w-]{43}\/original\.png$/);
    await page.waitForFunction(() => (document.querySelector<HTMLImageElement>('.viewer-image img')?.naturalWidth ?? 0) === 2);
    const mediaId = new URL(page.url()).pathname.split('/').pop()!;

    const guestEmail = uniqueEmail('looker');
    const link = await inviteLink(page, { email: guestEmail });
    const guest = await site.open(browser, { viewport: { width: 390, height: 800 } });
    await guest.page.goto(link);
    await submitLobbyEmail(guest.page, guestEmail);
    await guest.page.waitForURL(`${site.url}/media/${mediaId}`);
    await guest.page.waitForFunction(() => (document.querySelector<HTMLImageElement>('.viewer-image img')?.naturalWidth ?? 0) === 2);
    // The address of the file is signed: without its signature the bytes are refused.
    const src = (await guest.page.locator('.viewer-image img').getAttribute('src'))!;
    const forged = src.replace(/\/file\/(\d+)\/[\w-]{43}\//, '/file/$1/' + 'x'.repeat(43) + '/');
    expect((await guest.page.request.get(forged)).status()).toBe(403);
    await screenshot(guest.page, 'media-guest-image');
    await guest.context.close();
    expect(site.problems()).toEqual([]);
  });
});
