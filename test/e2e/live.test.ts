import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toZonedInput } from '../../src/web/features/live/zonedTime.js';
import { linkIn, type ReceivedMail } from '../factories/smtp.js';
import { hasHorizontalScroll, launchBrowser, screenshot, startApp, type Site } from './harness.js';
import { submitLobbyEmail, uploadVideo } from './invite-flows.js';
import { ownerSession, uniqueEmail } from './setup.js';

const started = Date.now();
const OWNER_ZONE = 'Europe/Berlin';
/** How far ahead the event starts once everyone is invited: long enough for a guest to pass the lobby. */
const LEAD_MS = 20_000;
/** A 1×1 PNG, enough for a speaker photo (the server sniffs the bytes). */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

/** The owner's "Invite people" dialog for a live event: one person with a live role. */
async function inviteAs(page: Page, person: { email: string; firstName: string; role: 'Viewer' | 'Moderator' }) {
  await page.getByRole('button', { name: 'Invite people' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'Invite people' });
  await dialog.getByLabel('Email', { exact: true }).fill(person.email);
  await dialog.getByLabel('First name').fill(person.firstName);
  await dialog.getByLabel('Role').selectOption({ label: person.role });
  await dialog.getByRole('button', { name: 'Send invite' }).click();
  await dialog.getByText('Invite sent', { exact: true }).waitFor();
  await dialog.getByRole('button', { name: 'Done' }).click();
}

/** Opens an invite link and passes the lobby with the invited address. */
async function passLobby(page: Page, link: string, email: string) {
  await page.goto(link);
  await page.waitForURL((u) => u.pathname === '/lobby');
  await submitLobbyEmail(page, email);
}

const tab = (page: Page, name: string) => page.getByRole('tablist', { name: 'Room panels' }).getByRole('tab', { name });

describe('live events in Chromium, through real invites and SMTP', () => {
  let browser: Browser;
  let site: Site;

  beforeAll(async () => {
    [browser, site] = await Promise.all([launchBrowser(), startApp({ smtp: true })]);
  });
  afterAll(async () => {
    await site?.close();
    await browser?.close();
    console.log(`live e2e: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });

  it('countdown enters the room; Q&A moderation; backchannel hidden; live upgrade; ends on the recording', async () => {
    // The owner works in Berlin time: the form reads its datetime fields in that zone.
    const ownerCtx = await ownerSession(site, browser, { name: 'Olive Owner', email: uniqueEmail('olive') }, { viewport: { width: 1280, height: 900 }, timezoneId: OWNER_ZONE });
    const o = ownerCtx.page;
    const recordingId = await uploadVideo(o, 'Town hall recording');

    // Create through the form; a first try with the end before the start shows the server's field error.
    await o.goto('/');
    await o.getByRole('link', { name: 'New live event' }).click();
    await o.getByRole('heading', { name: 'New live event', level: 1 }).waitFor();
    await o.getByLabel('Title').fill('Town hall Q&A');
    await o.getByLabel('Description').fill('Quarterly update, then your questions.');
    await o.getByRole('button', { name: 'Add speaker' }).click();
    const speaker = o.getByRole('group', { name: 'Speaker 1' });
    await speaker.getByLabel('Name').fill('Sam Speaker');
    await speaker.getByLabel('Title').fill('Head of Product');
    await speaker.getByLabel('Photo').setInputFiles({ name: 'sam.png', mimeType: 'image/png', buffer: PNG });
    const inAnHour = new Date(Date.now() + 3_600_000).toISOString();
    await o.getByLabel('Starts').fill(toZonedInput(inAnHour, OWNER_ZONE));
    await o.getByLabel('Ends').fill(toZonedInput(new Date(Date.now() + 1_800_000).toISOString(), OWNER_ZONE));
    expect(await o.getByLabel('Time zone').inputValue()).toBe(OWNER_ZONE);
    await screenshot(o, 'live-event-form');
    await o.getByRole('button', { name: 'Create event' }).click();
    await o.getByText('must be after the start').waitFor();
    expect(new URL(o.url()).pathname).toBe('/events/new');
    await o.getByLabel('Ends').fill(toZonedInput(new Date(Date.now() + 7_200_000).toISOString(), OWNER_ZONE));
    await o.getByRole('button', { name: 'Create event' }).click();
    await o.waitForURL((u) => /^\/events\/[^/]+$/.test(u.pathname) && u.pathname !== '/events/new');
    const eventId = new URL(o.url()).pathname.split('/').pop()!;
    await o.getByRole('region', { name: 'Event controls' }).waitFor();

    // The form's wall-clock start, read in Berlin, is the instant we meant (to the second).
    const created = (await o.evaluate(async (id) => (await fetch(`/api/events/${id}`)).json(), eventId)) as { event: { startsAt: string; timeZone: string; speakers: { name: string; photoUrl: string | null }[] } };
    expect(Math.abs(Date.parse(created.event.startsAt) - Date.parse(inAnHour))).toBeLessThan(1_000);
    expect(created.event).toMatchObject({ timeZone: OWNER_ZONE, speakers: [{ name: 'Sam Speaker' }] });
    expect(created.event.speakers[0]!.photoUrl).toMatch(/\/photo/);

    // Invites: a viewer and a moderator, by email.
    const viewerEmail = uniqueEmail('vera');
    const modEmail = uniqueEmail('milo');
    await inviteAs(o, { email: viewerEmail, firstName: 'Vera', role: 'Viewer' });
    await inviteAs(o, { email: modEmail, firstName: 'Milo', role: 'Moderator' });
    const viewerMail = await site.smtp!.waitFor(viewerEmail, (m) => /invited you to/.test(m.subject));
    const modMail = await site.smtp!.waitFor(modEmail, (m) => /invited you to/.test(m.subject));
    expect(viewerMail.attachments?.some((a) => a.filename.endsWith('.ics'))).toBe(true);
    await screenshot(o, 'live-event-owner');

    // Bring the start close (as the owner, through the API the edit form uses).
    const startsAt = new Date(Date.now() + LEAD_MS).toISOString();
    const patched = await o.evaluate(
      async ({ id, startsAt: s }) => {
        const csrf = /(?:^|; )foyer_csrf=([^;]+)/.exec(document.cookie)?.[1] ?? '';
        const res = await fetch(`/api/events/${id}`, { method: 'PATCH', headers: { 'content-type': 'application/json', 'x-csrf-token': decodeURIComponent(csrf) }, body: JSON.stringify({ startsAt: s }) });
        return res.status;
      },
      { id: eventId, startsAt },
    );
    expect(patched).toBe(200);

    // The viewer lands on the countdown, which opens the room by itself at the start.
    const viewer = await site.open(browser, { viewport: { width: 1280, height: 900 } });
    const v = viewer.page;
    const viewerFrames: string[] = [];
    v.on('websocket', (ws) => ws.on('framereceived', (f) => viewerFrames.push(String(f.payload))));
    await passLobby(v, linkIn(viewerMail.text, `${site.url}/i/`)!, viewerEmail);
    await v.waitForURL(`${site.url}/events/${eventId}`);
    await v.getByRole('timer', { name: 'Starts in' }).waitFor();
    await v.getByRole('heading', { name: 'Town hall Q&A', level: 1 }).waitFor();
    await v.waitForFunction(() => (document.querySelector<HTMLImageElement>('.live-speakers img')?.naturalWidth ?? 0) > 0);
    await screenshot(v, 'live-countdown');
    await v.evaluate(() => ((window as unknown as { roomMarker: string }).roomMarker = 'same page'));

    // The moderator may enter early.
    const moderator = await site.open(browser, { viewport: { width: 1280, height: 900 } });
    const m = moderator.page;
    await passLobby(m, linkIn(modMail.text, `${site.url}/i/`)!, modEmail);
    await m.waitForURL(`${site.url}/events/${eventId}`);
    await tab(m, 'Backchannel').waitFor();

    await tab(v, 'Q&A').waitFor({ timeout: LEAD_MS + 20_000 });
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(startsAt) - 2_000);
    expect(await v.evaluate(() => (window as unknown as { roomMarker?: string }).roomMarker)).toBe('same page');

    // Q&A: the question waits, the moderator approves, the viewer sees it approved.
    await tab(v, 'Q&A').click();
    await v.getByLabel('Your question').fill('Will the roadmap be shared afterwards?');
    await v.getByRole('button', { name: 'Ask', exact: true }).click();
    const asked = v.locator('.live-question', { hasText: 'Will the roadmap be shared afterwards?' });
    await asked.getByText('Waiting for approval').waitFor();

    await tab(m, 'Q&A').click();
    await m.getByRole('tab', { name: /^Waiting \(1\)/ }).click();
    await m.locator('.live-question', { hasText: 'Will the roadmap be shared afterwards?' }).getByRole('button', { name: 'Approve' }).click();
    await asked.getByRole('button', { name: /▲/ }).waitFor();
    expect(await asked.getByText('Waiting for approval').count()).toBe(0);

    // Backchannel: the moderator writes there, then in chat; the viewer gets the chat line and never the note.
    await tab(m, 'Backchannel').click();
    await m.getByLabel('Message to moderators and speakers').fill('Staff only: wrap up at ten to');
    await m.getByRole('button', { name: 'Send' }).click();
    await m.getByText('Staff only: wrap up at ten to').waitFor();
    await screenshot(m, 'live-room-moderator');
    await tab(m, 'Chat').click();
    await m.getByLabel('Message', { exact: true }).fill('Welcome, everyone!');
    await m.getByRole('button', { name: 'Send' }).click();
    await tab(v, 'Chat').click();
    await v.getByText('Welcome, everyone!').waitFor();
    await screenshot(v, 'live-room-viewer');
    expect(await tab(v, 'Backchannel').count()).toBe(0);
    expect(await v.locator('body').innerText()).not.toContain('Staff only');
    expect(viewerFrames.some((f) => f.includes('Welcome, everyone!'))).toBe(true);
    expect(viewerFrames.some((f) => f.includes('Staff only') || f.includes('"backchannel"'))).toBe(false);

    // A newer moderator invite for the viewer, opened in another tab of the same browser:
    // the first tab gets the moderator panels without a reload.
    await inviteAs(o, { email: viewerEmail, firstName: 'Vera', role: 'Moderator' });
    const upgrade = await site.smtp!.waitFor(viewerEmail, (mail: ReceivedMail) => mail !== viewerMail && /invited you to/.test(mail.subject));
    const second = await viewer.context.newPage();
    await passLobby(second, linkIn(upgrade.text, `${site.url}/i/`)!, viewerEmail);
    await second.waitForURL(`${site.url}/events/${eventId}`);
    await second.close();
    await tab(v, 'Backchannel').waitFor();
    await tab(v, 'Participants').waitFor();
    expect(await v.evaluate(() => (window as unknown as { roomMarker?: string }).roomMarker)).toBe('same page');
    await tab(v, 'Backchannel').click();
    await v.getByText('Staff only: wrap up at ten to').waitFor();

    // The owner attaches the recording and ends early: rooms close and lead to the recording.
    await o.reload();
    const controls = o.getByRole('region', { name: 'Event controls' });
    await controls.getByText('Live now').waitFor();
    await controls.getByLabel('Recording').selectOption(recordingId);
    await controls.getByRole('button', { name: 'Attach recording' }).click();
    await controls.getByRole('button', { name: 'Change recording' }).waitFor();
    // "End now" asks first; Escape keeps the event running, focus on the safe choice.
    await controls.getByRole('button', { name: 'End now' }).click();
    const ask = o.getByRole('alertdialog', { name: 'End the event for everyone?' });
    await ask.getByText('The room closes and viewers go to the recording.', { exact: false }).waitFor();
    await expect.poll(() => o.evaluate(() => document.activeElement?.textContent)).toBe('Keep it running');
    await o.keyboard.press('Escape');
    await ask.waitFor({ state: 'hidden' });
    await controls.getByText('Live now').waitFor();
    expect(v.url()).not.toContain(`/media/${recordingId}`);
    await controls.getByRole('button', { name: 'End now' }).click();
    await ask.getByRole('button', { name: 'End now' }).click();
    await controls.getByText('Ended').waitFor();

    // The owner's ended event page has the report: attendance against the invites, the transcript, CSVs.
    const report = o.getByRole('region', { name: 'Event report' });
    await report.getByText('2 invited · 2 joined · 0 never came').waitFor();
    await report.getByRole('list', { name: 'Chat' }).getByText('Welcome, everyone!').waitFor();
    await report.getByRole('list', { name: 'Questions' }).getByText('Will the roadmap be shared afterwards?').waitFor();
    expect(await report.getByText('Staff only: wrap up at ten to').count()).toBe(0);
    const csvHref = await report.getByRole('link', { name: 'Attendance CSV' }).getAttribute('href');
    const attendance = await o.request.get(csvHref!);
    expect(attendance.headers()['content-type']).toContain('text/csv');
    expect(await attendance.text()).toContain(modEmail);
    await screenshot(o, 'event-report');
    // on a phone the report fits the screen (its tables scroll inside their own box)
    await o.setViewportSize({ width: 390, height: 844 });
    expect(await hasHorizontalScroll(o)).toBe(false);
    await screenshot(o, 'event-report-390');
    await o.setViewportSize({ width: 1280, height: 900 });

    await m.waitForURL(`${site.url}/media/${recordingId}`);
    await m.getByRole('heading', { name: 'Town hall recording', level: 1 }).waitFor();
    await v.waitForURL(`${site.url}/media/${recordingId}`);

    // The moderator's invite link, opened again on the moderator's device, leads to the recording too.
    const again = await moderator.context.newPage();
    await again.goto(linkIn(modMail.text, `${site.url}/i/`)!);
    // A known device passes the lobby by itself.
    await again.waitForURL(`${site.url}/media/${recordingId}`);
    await again.getByRole('heading', { name: 'Town hall recording', level: 1 }).waitFor();

    expect(site.problems()).toEqual([]);
  });
});
