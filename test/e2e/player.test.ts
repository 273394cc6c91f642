import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../factories/wait.js';
import { makeSizedVideo } from '../factories/media.js';
import { hasHorizontalScroll, launchBrowser, screenshot, startApp, type Site } from './harness.js';
import { submitLobbyEmail } from './invite-flows.js';
import { apiPost, ownerSession, uniqueEmail } from './setup.js';

/** The element the player plays into. */
const media = (page: Page) => page.locator('[data-testid=player-media]');
const state = (page: Page) =>
  page.evaluate(() => {
    const el = document.querySelector<HTMLVideoElement>('[data-testid=player-media]')!;
    return { paused: el.paused, time: el.currentTime, rate: el.playbackRate, muted: el.muted, volume: el.volume, captions: Array.from(el.textTracks).map((t) => t.mode) };
  });

/**
 * Foyer's player (issue 12 item 1): its own controls over hls.js, driven by the keyboard and the
 * pointer, by an invitee who came through a real invite link and the lobby.
 */
describe('the Foyer player, in Chromium', () => {
  let browser: Browser;
  let site: Site;
  beforeAll(async () => {
    [browser, site] = await Promise.all([launchBrowser(), startApp()]);
  });
  afterAll(async () => {
    await site?.close();
    await browser?.close();
  });

  it('plays, seeks with preview pictures, and changes speed, volume, captions, quality and full screen from the keyboard', async () => {
    const owner = await ownerSession(site, browser, { name: 'Paula Player' }, { viewport: { width: 1366, height: 900 } });
    // 24 s at 720p: two renditions (720p, 360p) and a seek preview every 2 s
    const video = makeSizedVideo({ width: 1280, height: 720, seconds: 24 });
    const csrf = (await owner.context.cookies(site.url)).find((c) => c.name === 'foyer_csrf')!.value;
    const uploaded = await owner.context.request.post(`${site.url}/api/media`, {
      headers: { 'x-csrf-token': csrf },
      multipart: { file: { name: 'Quarterly town hall.mp4', mimeType: 'video/mp4', buffer: video.bytes } },
    });
    expect(uploaded.status()).toBe(201);
    const id = (await uploaded.json()).media.id as string;
    await waitFor(async () => ((await (await owner.context.request.get(`${site.url}/api/media/${id}`)).json()).media.status === 'ready' ? true : undefined), { what: 'the transcode', timeoutMs: 120_000, everyMs: 250 });
    const vtt = 'WEBVTT\n\n00:00.000 --> 00:30.000\nWelcome to the town hall\n';
    const captioned = await owner.context.request.post(`${site.url}/api/media/${id}/captions?lang=en&label=English`, { headers: { 'x-csrf-token': csrf, 'content-type': 'text/vtt' }, data: vtt });
    expect(captioned.status()).toBe(201);
    const title = (await (await owner.context.request.get(`${site.url}/api/media/${id}`)).json()).media.title as string;

    // the owner's media page, at desktop width
    await owner.page.goto(`/media/${id}`);
    await owner.page.getByRole('region', { name: `Player: ${title}` }).waitFor();
    await owner.page.waitForFunction(() => (document.querySelector<HTMLVideoElement>('[data-testid=player-media]')?.readyState ?? 0) >= 1);
    await screenshot(owner.page, 'media-page-owner-1366');

    // the invitee, through the link and the lobby
    const email = uniqueEmail('vera');
    const invited = await apiPost(site, owner.context.request, `/api/media/${id}/invites`, { people: [{ email, firstName: 'Vera', lastName: 'Viewer' }], role: 'viewer', sendEmail: false });
    const guest = await site.open(browser, { viewport: { width: 1366, height: 900 } });
    const g = guest.page;
    const requests: string[] = [];
    g.on('request', (r) => requests.push(new URL(r.url()).pathname));
    await g.goto(invited.created[0].link as string);
    await g.waitForURL((u) => u.pathname === '/lobby');
    await submitLobbyEmail(g, email);
    await g.waitForURL((u) => u.pathname === `/media/${id}`);
    const player = g.getByRole('region', { name: `Player: ${title}` });
    await player.waitFor();
    await g.waitForFunction(() => (document.querySelector<HTMLVideoElement>('[data-testid=player-media]')?.readyState ?? 0) >= 1);

    // no browser controls: Foyer's, each with its name
    expect(await media(g).getAttribute('controls')).toBeNull();
    for (const name of ['Play', 'Mute', 'Captions', 'Full screen']) await player.getByRole('button', { name, exact: true }).waitFor();
    await player.getByRole('slider', { name: 'Seek' }).waitFor();
    await player.getByRole('slider', { name: 'Volume' }).waitFor();
    expect(await player.getByRole('button', { name: /^Speed: / }).getAttribute('aria-label')).toBe('Speed: 1×');
    await expect.poll(() => player.getByTestId('player-time').textContent()).toBe('0:00 / 0:24');
    expect(await player.getAttribute('aria-description')).toMatch(/Space or K plays and pauses/);

    // K plays; the button says Pause; the time moves on
    await player.focus();
    await g.keyboard.press('k');
    await expect.poll(async () => (await state(g)).time).toBeGreaterThan(1);
    await player.getByRole('button', { name: 'Pause', exact: true }).waitFor();
    // Auto says which rendition it plays
    await expect.poll(() => player.getByTestId('player-quality').getAttribute('aria-label')).toMatch(/^Quality: Auto \((720|360)p\)$/);
    await g.keyboard.press('k');
    await expect.poll(async () => (await state(g)).paused).toBe(true);
    await player.getByRole('button', { name: 'Play', exact: true }).waitFor();

    // → seeks 5 s, L 10 s, J back 10 s, 5 jumps to half-way, Home to the start
    const at = (await state(g)).time;
    await g.keyboard.press('ArrowRight');
    await expect.poll(async () => (await state(g)).time).toBeCloseTo(at + 5, 0);
    await g.keyboard.press('l');
    await expect.poll(async () => (await state(g)).time).toBeCloseTo(at + 15, 0);
    await g.keyboard.press('j');
    await expect.poll(async () => (await state(g)).time).toBeCloseTo(at + 5, 0);
    await g.keyboard.press('5');
    await expect.poll(async () => (await state(g)).time).toBeCloseTo(12, 0);
    await expect.poll(() => player.getByRole('slider', { name: 'Seek' }).getAttribute('aria-valuetext')).toBe('12 seconds of 24 seconds');
    await g.keyboard.press('Home');
    await expect.poll(async () => (await state(g)).time).toBe(0);

    // > and < change the speed; M mutes; ↓ lowers the volume; C shows the captions
    await g.keyboard.press('>');
    await expect.poll(async () => (await state(g)).rate).toBe(1.25);
    await expect.poll(() => player.getByRole('button', { name: /^Speed: / }).getAttribute('aria-label')).toBe('Speed: 1.25×');
    await g.keyboard.press('<');
    await g.keyboard.press('<');
    await expect.poll(async () => (await state(g)).rate).toBe(0.75);
    await g.keyboard.press('m');
    await expect.poll(async () => (await state(g)).muted).toBe(true);
    await player.getByRole('button', { name: 'Unmute', exact: true }).waitFor();
    await g.keyboard.press('m');
    await g.keyboard.press('ArrowDown');
    await expect.poll(async () => (await state(g)).volume).toBeCloseTo(0.9, 5);
    await expect.poll(() => player.getByRole('slider', { name: 'Volume' }).inputValue()).toBe('90');
    await g.keyboard.press('c');
    await expect.poll(async () => (await state(g)).captions).toEqual(['showing']);
    await expect.poll(() => player.getByRole('button', { name: 'Captions', exact: true }).getAttribute('aria-pressed')).toBe('true');

    // Tab reaches the seek bar; its arrows seek and show the preview picture of that moment
    await g.keyboard.press('Tab');
    expect(await g.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Seek');
    await g.keyboard.press('ArrowRight');
    await g.keyboard.press('ArrowRight');
    await expect.poll(async () => (await state(g)).time).toBeCloseTo(10, 0);
    const preview = g.getByTestId('player-preview');
    await preview.waitFor();
    expect(await preview.locator('.player-preview-time').textContent()).toBe('0:10');
    // a picture every 2 s, numbered from 1: second 10 is picture 6, signed like every media URL
    await expect.poll(() => g.getByTestId('player-preview-image').getAttribute('src')).toMatch(new RegExp(`^/api/media/${id}/stream/\\d+/[\\w-]{43}/.+/thumbs/0006\\.jpg$`));
    await g.waitForFunction(() => (document.querySelector<HTMLImageElement>('[data-testid=player-preview-image]')?.naturalWidth ?? 0) > 0);

    // the pointer over the bar shows the picture under it, and a click seeks there
    const bar = await player.getByRole('slider', { name: 'Seek' }).boundingBox();
    await g.mouse.move(bar!.x + bar!.width * 0.75, bar!.y + bar!.height / 2);
    await expect.poll(() => preview.locator('.player-preview-time').textContent()).toBe('0:18');
    await expect.poll(() => g.getByTestId('player-preview-image').getAttribute('src')).toMatch(/\/thumbs\/0010\.jpg$/);
    await g.mouse.click(bar!.x + bar!.width * 0.25, bar!.y + bar!.height / 2);
    await expect.poll(async () => (await state(g)).time).toBeCloseTo(6, 0);

    // the quality menu, by keyboard: Auto first, then the renditions; Escape closes it where it was
    const quality = player.getByTestId('player-quality');
    await quality.focus();
    await g.keyboard.press('Enter');
    const menu = g.getByRole('menu', { name: 'Quality' });
    await menu.waitFor();
    expect(await menu.getByRole('menuitemradio').allTextContents()).toEqual([expect.stringMatching(/^Auto( \((720|360)p\))?$/), '720p', '360p']);
    expect(await menu.getByRole('menuitemradio', { checked: true }).textContent()).toMatch(/^Auto/);
    await g.keyboard.press('Escape');
    await menu.waitFor({ state: 'detached' });
    expect(await g.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('player-quality');
    // ↓ opens it on the chosen item; ↓ ↓ Enter picks 360p, and the stream loads 360p from then on
    await g.keyboard.press('ArrowDown');
    await menu.waitFor();
    await g.keyboard.press('ArrowDown');
    await g.keyboard.press('ArrowDown');
    await g.keyboard.press('Enter');
    await expect.poll(() => quality.getAttribute('aria-label')).toBe('Quality: 360p');
    const before360 = requests.filter((r) => r.includes('/360p/seg_')).length;
    await player.focus();
    await g.keyboard.press('l');
    await g.keyboard.press('k');
    await expect.poll(() => requests.filter((r) => r.includes('/360p/seg_')).length).toBeGreaterThan(before360);
    await g.keyboard.press('k');

    // the speed menu by pointer
    await player.getByRole('button', { name: /^Speed: / }).click();
    await g.getByRole('menu', { name: 'Speed' }).getByRole('menuitemradio', { name: '1.5×' }).click();
    await expect.poll(async () => (await state(g)).rate).toBe(1.5);

    // F: the video and its controls fill the screen; F again leaves
    await player.focus();
    await g.keyboard.press('f');
    await expect.poll(() => g.evaluate(() => document.fullscreenElement?.getAttribute('aria-label') ?? '')).toBe(`Player: ${title}`);
    await player.getByRole('button', { name: 'Exit full screen' }).waitFor();
    await g.keyboard.press('f');
    await expect.poll(() => g.evaluate(() => document.fullscreenElement === null)).toBe(true);
    await player.getByRole('button', { name: 'Full screen', exact: true }).waitFor();

    // picture in picture where the browser has it (P), no button where it does not
    const pipEnabled = await g.evaluate(() => document.pictureInPictureEnabled);
    if (pipEnabled) {
      await player.getByRole('button', { name: 'Picture in picture' }).click();
      await expect.poll(() => g.evaluate(() => document.pictureInPictureElement?.getAttribute('data-testid') ?? null)).toBe('player-media');
      await player.getByRole('button', { name: 'Exit picture in picture' }).click();
      await expect.poll(() => g.evaluate(() => document.pictureInPictureElement === null)).toBe(true);
    } else expect(await player.getByRole('button', { name: 'Picture in picture' }).count()).toBe(0);

    await g.keyboard.press('k');
    await expect.poll(async () => (await state(g)).paused).toBe(false);
    await g.mouse.move(bar!.x + bar!.width * 0.5, bar!.y + bar!.height / 2);
    await screenshot(g, 'media-page-1366');
    await g.keyboard.press('k');

    // on a phone: the same controls, inside the player, nothing sideways
    await g.setViewportSize({ width: 390, height: 844 });
    await g.reload();
    await player.waitFor();
    await g.waitForFunction(() => (document.querySelector<HTMLVideoElement>('[data-testid=player-media]')?.readyState ?? 0) >= 1);
    expect(await hasHorizontalScroll(g)).toBe(false);
    const stage = (await player.boundingBox())!;
    for (const name of ['Play', 'Full screen', 'Captions']) {
      const b = (await player.getByRole('button', { name, exact: true }).boundingBox())!;
      expect(b.x >= stage.x && b.x + b.width <= stage.x + stage.width + 0.5, `${name} inside the player`).toBe(true);
    }
    // the volume slider gives way on a narrow player; mute stays
    expect(await player.getByRole('slider', { name: 'Volume' }).isVisible()).toBe(false);
    await player.getByRole('button', { name: /^(Mute|Unmute)$/ }).waitFor();
    await screenshot(g, 'media-page-390');
    expect(site.problems()).toEqual([]);
  });
});
