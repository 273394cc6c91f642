import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toZonedInput } from '../../src/web/features/live/zonedTime.js';
import { linkIn } from '../factories/smtp.js';
import { hasHorizontalScroll, launchBrowser, screenshot, startApp, type Site } from './harness.js';
import { expectVideoPlays, personRow, submitLobbyEmail } from './invite-flows.js';
import { ownerSession, uniqueEmail } from './setup.js';

/*
 * Live video end to end (issue 10): a speaker invited by a real invite goes live from the room's Go
 * live panel with Chromium's fake camera and microphone; viewers, also through real invites and the
 * lobby, watch it through the live player (hls.js over the signed live HLS); the recording follows.
 */

const started = Date.now();
const ZONE = 'Europe/Berlin';
/** Chromium's fake camera (a moving test picture) and microphone (a beep), and no permission prompt. */
const FAKE_MEDIA = ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'];

type Role = 'Viewer' | 'Moderator' | 'Speaker';

/** The owner's "Invite people" dialog for a live event: one person with a live role. */
async function inviteAs(page: Page, person: { email: string; firstName: string; role: Role }) {
  await page.getByRole('button', { name: 'Invite people' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'Invite people' });
  await dialog.getByLabel('Email', { exact: true }).fill(person.email);
  await dialog.getByLabel('First name').fill(person.firstName);
  await dialog.getByLabel('Role').selectOption({ label: person.role });
  await dialog.getByRole('button', { name: 'Send invite' }).click();
  await dialog.getByText('Invite sent', { exact: true }).waitFor();
  await dialog.getByRole('button', { name: 'Done' }).click();
}

/** A webcast event made through the form, started at once with "Start now": live now. Returns its id. */
async function createLiveWebcast(o: Page, title: string): Promise<string> {
  await o.goto('/');
  await o.getByRole('link', { name: 'New live event' }).click();
  await o.getByRole('heading', { name: 'New live event', level: 1 }).waitFor();
  await o.getByLabel('Title').fill(title);
  expect(await o.getByRole('radio', { name: /Webcast/ }).isChecked()).toBe(true);
  await o.getByLabel('Starts').fill(toZonedInput(new Date(Date.now() + 3_600_000).toISOString(), ZONE));
  await o.getByLabel('Ends').fill(toZonedInput(new Date(Date.now() + 7_200_000).toISOString(), ZONE));
  await o.getByRole('button', { name: 'Create event' }).click();
  await o.waitForURL((u) => /^\/events\/[^/]+$/.test(u.pathname) && u.pathname !== '/events/new');
  const controls = o.getByRole('region', { name: 'Event controls' });
  await controls.getByRole('button', { name: 'Start now' }).click();
  await o.getByRole('alertdialog', { name: 'Start the event now?' }).getByRole('button', { name: 'Start now' }).click();
  await controls.getByText('Live now').waitFor();
  return new URL(o.url()).pathname.split('/').pop()!;
}

/** Opens an invite link, passes the lobby with the invited address, and waits for the room. */
async function enterRoom(page: Page, link: string, email: string, eventId: string, site: Site) {
  await page.goto(link);
  await page.waitForURL((u) => u.pathname === '/lobby');
  await submitLobbyEmail(page, email);
  await page.waitForURL(`${site.url}/events/${eventId}`);
  await page.getByRole('tablist', { name: 'Room panels' }).waitFor();
}

/** The speaker's Go live panel: camera on (the preview plays), then Go live until the panel says so. */
async function goLive(page: Page) {
  const panel = page.getByRole('region', { name: 'Go live' });
  await panel.getByRole('button', { name: 'Turn on camera and microphone' }).click();
  await page.waitForFunction(() => {
    const v = document.querySelector<HTMLVideoElement>('[data-testid=golive-preview]');
    return !!v && v.readyState >= 2 && v.videoWidth > 0;
  });
  // the device names show once the browser allowed the camera; the level meter hears the fake microphone's beeps
  expect(await panel.getByLabel('Camera').locator('option').first().innerText()).not.toBe('');
  await page.waitForFunction(() => (document.querySelector<HTMLMeterElement>('meter[aria-label="Microphone level"]')?.value ?? 0) > 0, undefined, { timeout: 15_000 });
  await panel.getByRole('button', { name: 'Go live', exact: true }).click();
  await panel.getByText('You are live').waitFor();
  return panel;
}

/** The live player's video element plays: its time moves on by more than a second. */
async function waitForLivePlayback(page: Page, timeout = 60_000) {
  const from = await page.evaluate(() => document.querySelector<HTMLVideoElement>('[data-testid=live-video]')?.currentTime ?? 0);
  await page.waitForFunction(
    (t0) => {
      const v = document.querySelector<HTMLVideoElement>('[data-testid=live-video]');
      return !!v && !v.paused && !v.hidden && v.readyState >= 2 && v.currentTime > t0 + 1;
    },
    from,
    { timeout },
  );
}

/** The frame on screen drawn to a canvas: the variance of its pixels' brightness (0 for a blank, one-colour frame). */
const frameVariance = (page: Page) =>
  page.evaluate(() => {
    const v = document.querySelector<HTMLVideoElement>('[data-testid=live-video]')!;
    const c = document.createElement('canvas');
    c.width = 160;
    c.height = 90;
    const ctx = c.getContext('2d')!;
    ctx.drawImage(v, 0, 0, c.width, c.height);
    const { data } = ctx.getImageData(0, 0, c.width, c.height);
    const lum: number[] = [];
    for (let i = 0; i < data.length; i += 4) lum.push(0.299 * data[i]! + 0.587 * data[i + 1]! + 0.114 * data[i + 2]!);
    const mean = lum.reduce((a, b) => a + b, 0) / lum.length;
    return lum.reduce((a, b) => a + (b - mean) ** 2, 0) / lum.length;
  });

/** The Stop button, then the confirmation. */
async function stopBroadcast(page: Page) {
  const panel = page.getByRole('region', { name: 'Go live' });
  await panel.getByRole('button', { name: 'Stop', exact: true }).click();
  const dialog = page.getByRole('alertdialog', { name: 'End the broadcast?' });
  await dialog.getByText('Viewers see it has ended; the recording is made from what was broadcast.').waitFor();
  await dialog.getByRole('button', { name: 'End broadcast' }).click();
  await panel.getByText('The broadcast has ended. The recording is made from what was broadcast.').waitFor();
}

/** The owner's "End now". */
async function endEvent(o: Page) {
  await o.reload();
  const controls = o.getByRole('region', { name: 'Event controls' });
  await controls.getByRole('button', { name: 'End now' }).click();
  await o.getByRole('alertdialog', { name: 'End the event for everyone?' }).getByRole('button', { name: 'End now' }).click();
  await controls.getByText('Ended').waitFor();
}

const segmentsOf = (site: Site, eventId: string) =>
  site.db.database.db.selectFrom('live_segments').select(['msn', 'run', 'duration_ms', 'discontinuity']).where('media_id', '=', eventId).orderBy('msn', 'asc').execute();

/** The library video made from the broadcast, once the transcode pipeline has finished it. */
async function waitForRecording(site: Site, eventId: string) {
  const deadline = Date.now() + 150_000;
  for (;;) {
    const row = await site.db.database.db.selectFrom('live_events').select('recording_media_id').where('media_id', '=', eventId).executeTakeFirst();
    const id = row?.recording_media_id;
    if (id) {
      const media = await site.db.database.db.selectFrom('media').select(['id', 'status', 'duration_seconds', 'title']).where('id', '=', id).executeTakeFirst();
      if (media?.status === 'ready') return media;
      if (media?.status === 'failed') throw new Error('the recording failed to process');
    }
    if (Date.now() > deadline) throw new Error('no recording after 150 s');
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** An owner with a live webcast event, a speaker and viewers invited by email; returns their links. */
async function castIn(site: Site, browser: Browser, title: string, viewers: string[]) {
  const owner = await ownerSession(site, browser, { name: 'Olive Owner', email: uniqueEmail('olive') }, { viewport: { width: 1280, height: 900 }, timezoneId: ZONE });
  const eventId = await createLiveWebcast(owner.page, title);
  const speakerEmail = uniqueEmail('sam');
  await inviteAs(owner.page, { email: speakerEmail, firstName: 'Sam', role: 'Speaker' });
  const viewerEmails = viewers.map((v) => uniqueEmail(v.toLowerCase()));
  for (const [i, email] of viewerEmails.entries()) await inviteAs(owner.page, { email, firstName: viewers[i]!, role: 'Viewer' });
  const linkFor = async (email: string) => linkIn((await site.smtp!.waitFor(email, (m) => /invited you to/.test(m.subject))).text, `${site.url}/i/`)!;
  return { owner, eventId, speaker: { email: speakerEmail, link: await linkFor(speakerEmail) }, viewers: await Promise.all(viewerEmails.map(async (email) => ({ email, link: await linkFor(email) }))) };
}

describe('live video in Chromium: a webcast from the room, watched through real invites', () => {
  let browser: Browser;
  let site: Site;

  beforeAll(async () => {
    [browser, site] = await Promise.all([launchBrowser({ args: FAKE_MEDIA }), startApp({ smtp: true })]);
  });
  afterAll(async () => {
    await site?.close();
    await browser?.close();
    console.log(`live video e2e: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });

  const castFor = (title: string, viewers: string[]) => castIn(site, browser, title, viewers);

  it('a speaker goes live from the room; a viewer on a phone watches; stop, end, and the same link plays the recording', async () => {
    const cast = await castFor('Quarterly webcast', ['Vera']);
    const viewerInvite = cast.viewers[0]!;

    // The owner may broadcast too; in a browser whose MediaRecorder makes no usable format the panel says so, and offers nothing to click.
    const o = cast.owner.page;
    await cast.owner.context.addInitScript(() => {
      MediaRecorder.isTypeSupported = () => false;
    });
    await o.reload();
    const ownerPanel = o.getByRole('region', { name: 'Go live' });
    await ownerPanel.getByText('This browser cannot broadcast').waitFor();
    expect(await ownerPanel.getByRole('button').count()).toBe(0);

    // The speaker enters through the lobby; the room offers the Go live panel.
    const speaker = await site.open(browser, { viewport: { width: 1280, height: 900 }, permissions: ['camera', 'microphone'] });
    const s = speaker.page;
    await enterRoom(s, cast.speaker.link, cast.speaker.email, cast.eventId, site);
    const viewerCtx = await site.open(browser, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const v = viewerCtx.page;
    await enterRoom(v, viewerInvite.link, viewerInvite.email, cast.eventId, site);
    // before anyone broadcasts, every role sees the waiting state; viewers get no Go live panel
    await v.getByText('The broadcast will start soon').waitFor();
    expect(await v.getByRole('region', { name: 'Go live' }).count()).toBe(0);

    const panel = await goLive(s);
    await screenshot(s, 'live-video-speaker');

    // The viewer's player plays the broadcast: time moves on and the picture is not blank.
    await waitForLivePlayback(v);
    expect(await frameVariance(v)).toBeGreaterThan(0);
    await v.getByLabel('Live', { exact: true }).waitFor();
    expect(await hasHorizontalScroll(v)).toBe(false);
    await screenshot(v, 'live-video-viewer-phone');

    // The viewer pauses and falls behind; "go to live" jumps to the live edge and the LIVE badge is back.
    await v.getByRole('button', { name: 'Pause', exact: true }).click();
    const pausedAt = await v.evaluate(() => document.querySelector<HTMLVideoElement>('[data-testid=live-video]')!.currentTime);
    const lastMsn = (await segmentsOf(site, cast.eventId)).at(-1)!.msn;
    await expect.poll(async () => (await segmentsOf(site, cast.eventId)).at(-1)!.msn, { timeout: 20_000 }).toBeGreaterThanOrEqual(lastMsn + 4);
    await v.getByRole('button', { name: 'Behind live — go to live' }).click();
    await waitForLivePlayback(v);
    expect(await v.evaluate(() => document.querySelector<HTMLVideoElement>('[data-testid=live-video]')!.currentTime)).toBeGreaterThan(pausedAt + 3);
    await v.getByLabel('Live', { exact: true }).waitFor();
    // The player's live mode, from the keyboard: no seek bar and no speed; K pauses (go to live shows), K again plays from the edge; M unmutes.
    const livePlayer = v.getByRole('region', { name: 'Live video player' });
    expect(await livePlayer.getByRole('slider', { name: 'Seek' }).count()).toBe(0);
    expect(await livePlayer.getByRole('button', { name: /^Speed/ }).count()).toBe(0);
    await livePlayer.focus();
    await v.keyboard.press('k');
    await livePlayer.getByRole('button', { name: 'Behind live — go to live' }).waitFor();
    expect(await v.evaluate(() => document.querySelector<HTMLVideoElement>('[data-testid=live-video]')!.paused)).toBe(true);
    await v.keyboard.press('k');
    await waitForLivePlayback(v);
    await v.getByLabel('Live', { exact: true }).waitFor();
    expect(await v.evaluate(() => document.querySelector<HTMLVideoElement>('[data-testid=live-video]')!.muted)).toBe(true);
    await v.keyboard.press('m');
    await expect.poll(() => v.evaluate(() => document.querySelector<HTMLVideoElement>('[data-testid=live-video]')!.muted)).toBe(false);
    await livePlayer.getByRole('button', { name: 'Mute', exact: true }).waitFor();

    // Pause shows on the viewer's side; resume brings it back.
    await panel.getByRole('button', { name: 'Pause' }).click();
    await v.getByText('The speaker paused the broadcast').waitFor();
    await panel.getByRole('button', { name: 'Resume' }).click();
    await panel.getByText('You are live').waitFor();
    await v.getByText('The speaker paused the broadcast').waitFor({ state: 'detached' });
    await waitForLivePlayback(v);

    // Screen share instead of the camera, while live: a new recorder continues the same stream.
    await panel.getByRole('button', { name: 'Share screen' }).click();
    await panel.getByRole('button', { name: 'Stop sharing (use the camera)' }).waitFor();
    await panel.getByText('You are live').waitFor();
    await v.getByText('The speaker’s connection dropped — reconnecting…').waitFor({ state: 'detached', timeout: 30_000 });
    await waitForLivePlayback(v);
    expect(await frameVariance(v)).toBeGreaterThan(0);
    await panel.getByRole('button', { name: 'Stop sharing (use the camera)' }).click();
    await panel.getByRole('button', { name: 'Share screen' }).waitFor();
    await panel.getByText('You are live').waitFor();

    // Stop (confirmed): the viewer sees the end, the speaker cannot go live again.
    await stopBroadcast(s);
    await v.getByText('The broadcast has ended').waitFor();
    expect(await panelButton(s, 'Go live')).toBe(0);

    // The owner ends the event; the recording is made, processed, and the viewer's page moves to it.
    await endEvent(cast.owner.page);
    const recording = await waitForRecording(site, cast.eventId);
    expect(recording.title).toBe('Quarterly webcast (recording)');

    // The viewer's same invite link now leads to the recording, and it plays.
    const again = await viewerCtx.context.newPage();
    await again.goto(viewerInvite.link);
    await again.waitForURL(`${site.url}/media/${recording.id}`);
    await expectVideoPlays(again);

    expect(site.problems()).toEqual([]);
  });

  it('revoking a viewer during the broadcast stops their player within 5 s and refuses the playlist URL it used; others go on; the owner takes over', async () => {
    const cast = await castFor('All hands', ['Rita', 'Omar']);
    const [rita, omar] = cast.viewers as [{ email: string; link: string }, { email: string; link: string }];
    const speaker = await site.open(browser, { viewport: { width: 1280, height: 900 }, permissions: ['camera', 'microphone'] });
    await enterRoom(speaker.page, cast.speaker.link, cast.speaker.email, cast.eventId, site);
    await goLive(speaker.page);

    const ritaCtx = await site.open(browser, { viewport: { width: 1280, height: 900 } });
    const r = ritaCtx.page;
    const playlists: string[] = [];
    r.on('request', (req) => {
      if (/\/api\/live\/.+\.m3u8/.test(req.url())) playlists.push(req.url());
    });
    await enterRoom(r, rita.link, rita.email, cast.eventId, site);
    const omarCtx = await site.open(browser, { viewport: { width: 1280, height: 900 } });
    const om = omarCtx.page;
    await enterRoom(om, omar.link, omar.email, cast.eventId, site);
    await Promise.all([waitForLivePlayback(r), waitForLivePlayback(om)]);
    const used = playlists.at(-1)!;
    expect(used).toMatch(/\/api\/live\/[^/]+\/[^/]+\/\d+\/[^/]+\/(master|index)\.m3u8/);
    expect((await fetch(used)).status).toBe(200);

    // The owner revokes Rita in People with access.
    const o = cast.owner.page;
    await o.reload();
    const row = personRow(o, rita.email);
    await row.getByRole('button', { name: 'Actions for Rita' }).click();
    await o.getByRole('menuitem', { name: 'Revoke access' }).click();
    await o.getByRole('alertdialog', { name: 'Revoke access for Rita?' }).getByRole('button', { name: 'Revoke' }).click();
    await o.getByText(`Access revoked for ${rita.email}.`).waitFor();

    // Within 5 s Rita's player has stopped and her page says why.
    await r.waitForFunction(
      () => {
        const v = document.querySelector<HTMLVideoElement>('[data-testid=live-video]');
        return !v || v.paused || v.hidden;
      },
      undefined,
      { timeout: 5_000 },
    );
    await r.getByRole('alert').first().waitFor({ timeout: 5_000 });
    const refusal = await r.getByRole('alert').first().innerText();
    expect(refusal).toContain('removed this invite');
    const stoppedAt = await r.evaluate(() => document.querySelector<HTMLVideoElement>('[data-testid=live-video]')?.currentTime ?? null);

    // The broadcast goes on (two more segments) and Omar keeps watching; Rita's time does not move.
    const last = (await segmentsOf(site, cast.eventId)).at(-1)!.msn;
    await expect.poll(async () => (await segmentsOf(site, cast.eventId)).at(-1)!.msn, { timeout: 20_000 }).toBeGreaterThanOrEqual(last + 2);
    await waitForLivePlayback(om);
    expect(await r.evaluate(() => document.querySelector<HTMLVideoElement>('[data-testid=live-video]')?.currentTime ?? null)).toBe(stoppedAt);

    // The playlist URL her player used is refused now.
    const again = await fetch(used);
    expect([403, 410]).toContain(again.status);
    expect((await again.json()).error.code).toBe('invite_revoked');
    await screenshot(r, 'live-video-revoked');

    // The owner takes over from the speaker (only owners are offered that); Omar keeps watching.
    const ownerPanel = o.getByRole('region', { name: 'Go live' });
    await ownerPanel.getByText('Sam is broadcasting now. As an owner you may take over.').waitFor();
    await ownerPanel.getByRole('button', { name: 'Turn on camera and microphone' }).click();
    await ownerPanel.getByRole('button', { name: 'Take over' }).click();
    await ownerPanel.getByText('You are live').waitFor();
    const speakerPanel = speaker.page.getByRole('region', { name: 'Go live' });
    await speakerPanel.getByText('The event owner took over the broadcast; you are no longer live.').waitFor();
    expect(await speakerPanel.getByRole('button', { name: 'Take over' }).count()).toBe(0);
    await waitForLivePlayback(om);

    // the broadcast ends (its packager with it) before the next test
    await stopBroadcast(o);
    expect(site.problems()).toEqual([]);
  });

  it('the speaker’s page closes and comes back within the window: viewers see reconnecting, then live again; one recording', async () => {
    const cast = await castFor('Town hall live', ['Nina']);
    const speaker = await site.open(browser, { viewport: { width: 1280, height: 900 }, permissions: ['camera', 'microphone'] });
    await enterRoom(speaker.page, cast.speaker.link, cast.speaker.email, cast.eventId, site);
    await goLive(speaker.page);
    const viewer = await site.open(browser, { viewport: { width: 1280, height: 900 } });
    const v = viewer.page;
    await enterRoom(v, cast.viewers[0]!.link, cast.viewers[0]!.email, cast.eventId, site);
    await waitForLivePlayback(v);

    // The speaker's tab goes away without stopping: a drop.
    await speaker.page.close();
    await v.getByText('The speaker’s connection dropped — reconnecting…').waitFor();
    await screenshot(v, 'live-video-reconnecting');

    // The speaker opens the room again (the same device: no lobby) and goes live: the same stream continues.
    const back = await speaker.context.newPage();
    await back.goto(`/events/${cast.eventId}`);
    await back.getByRole('region', { name: 'Go live' }).getByText('Your broadcast was interrupted').waitFor();
    const panel = await goLive(back);
    await v.getByText('The speaker’s connection dropped — reconnecting…').waitFor({ state: 'detached', timeout: 30_000 });
    await waitForLivePlayback(v);
    expect(await frameVariance(v)).toBeGreaterThan(0);

    // The stream so far, read while it is live (after Stop the recording job takes the segments away).
    const segments = await segmentsOf(site, cast.eventId);
    const runs = new Set(segments.map((x) => x.run));
    expect(runs.size).toBeGreaterThanOrEqual(2);
    expect(segments.filter((x) => x.discontinuity === 1).length).toBe(runs.size - 1);
    // one media sequence across the reconnect: no gap, no restart from 0
    expect(segments.map((x) => x.msn)).toEqual(segments.map((_, i) => i));
    const broadcastSeconds = segments.reduce((a, x) => a + x.duration_ms, 0) / 1000;

    // Stop, end the event: one recording holds both parts (what was read above and the last second or two).
    await stopBroadcast(back);
    await endEvent(cast.owner.page);
    const recording = await waitForRecording(site, cast.eventId);
    expect(recording.duration_seconds ?? 0).toBeGreaterThan(broadcastSeconds - 1);
    expect(recording.duration_seconds ?? 0).toBeLessThan(broadcastSeconds + 4);
    const recordings = await site.db.database.db.selectFrom('media').select('id').where('title', 'like', 'Town hall live%').where('type', '=', 'video').execute();
    expect(recordings.map((m) => m.id)).toEqual([recording.id]);
    await panel.waitFor({ state: 'detached' });

    expect(site.problems()).toEqual([]);
  });
});

/** How many buttons of this name the Go live panel shows. */
function panelButton(page: Page, name: string) {
  return page.getByRole('region', { name: 'Go live' }).getByRole('button', { name, exact: true }).count();
}

describe('live video in Chromium: the 480p rendition (LIVE_LOW_RENDITION=on)', () => {
  let browser: Browser;
  let site: Site;

  beforeAll(async () => {
    [browser, site] = await Promise.all([launchBrowser({ args: FAKE_MEDIA }), startApp({ smtp: true, env: { LIVE_LOW_RENDITION: 'on' } })]);
  });
  afterAll(async () => {
    await site?.close();
    await browser?.close();
  });

  it('a 720p webcast is offered in 720p and 480p: the viewer picks 480p and the picture is 480 lines; Auto says what it plays', async () => {
    const cast = await castIn(site, browser, 'Two renditions', ['Lena']);
    const speaker = await site.open(browser, { viewport: { width: 1280, height: 900 }, permissions: ['camera', 'microphone'] });
    await enterRoom(speaker.page, cast.speaker.link, cast.speaker.email, cast.eventId, site);
    await goLive(speaker.page);
    const viewer = await site.open(browser, { viewport: { width: 1280, height: 900 } });
    const v = viewer.page;
    // the master playlist lists the 480p rendition once it has a segment: come in a few seconds into the broadcast
    await expect.poll(async () => (await site.db.database.db.selectFrom('live_streams').select('low_height').where('media_id', '=', cast.eventId).executeTakeFirst())?.low_height ?? null, { timeout: 30_000 }).toBe(480);
    await enterRoom(v, cast.viewers[0]!.link, cast.viewers[0]!.email, cast.eventId, site);
    await waitForLivePlayback(v);
    const quality = v.getByTestId('player-quality');
    await quality.waitFor();
    // Auto starts on the source (a fast link), and says so
    await expect.poll(() => quality.getAttribute('aria-label'), { timeout: 15_000 }).toBe('Quality: Auto (720p)');
    await quality.click();
    const menu = v.getByRole('menu', { name: 'Quality' });
    expect(await menu.getByRole('menuitemradio').allInnerTexts()).toEqual(['Auto (720p)', '720p', '480p']);
    const height = () => v.evaluate(() => document.querySelector<HTMLVideoElement>('[data-testid=live-video]')!.videoHeight);
    expect(await height()).toBe(720);
    await menu.getByRole('menuitemradio', { name: '480p' }).click();
    await expect.poll(() => quality.getAttribute('aria-label')).toBe('Quality: 480p');
    await expect.poll(height, { timeout: 20_000 }).toBe(480);
    await waitForLivePlayback(v);
    expect(await frameVariance(v)).toBeGreaterThan(0);
    await screenshot(v, 'live-video-480p');
    await stopBroadcast(speaker.page);
    expect(site.problems()).toEqual([]);
  });
});
