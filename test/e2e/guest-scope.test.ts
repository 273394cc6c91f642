import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasHorizontalScroll, launchBrowser, screenshot, startApp, type Site } from './harness.js';
import { inviteLink, personRow, submitLobbyEmail, uploadPdf, uploadVideo } from './invite-flows.js';
import { ownerSession, uniqueEmail } from './setup.js';

const started = Date.now();

/**
 * Hardening item 6 and the new-link cap (item 3) in Chromium: one person invited to a video and a PDF
 * opens both links in one browser and keeps both ("Shared with you"); revoking one removes only that one.
 */
describe('a guest with several invites, in Chromium', () => {
  let browser: Browser;
  let site: Site;

  beforeAll(async () => {
    [browser, site] = await Promise.all([launchBrowser(), startApp()]);
  });
  afterAll(async () => {
    await site?.close();
    await browser?.close();
    console.log(`guest-scope e2e: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });

  it('a video and a PDF opened in one browser: both stay open, listed as "Shared with you"; revoking the PDF leaves the video', async () => {
    const owner = await ownerSession(site, browser, { name: 'Vera Owner', email: uniqueEmail('vera') });
    const guestEmail = uniqueEmail('pat');
    const videoId = await uploadVideo(owner.page, 'Launch keynote');
    const videoLink = await inviteLink(owner.page, { email: guestEmail, firstName: 'Pat', lastName: 'Reader' });
    const pdfId = await uploadPdf(owner.page, 'Handbook');
    const pdfLink = await inviteLink(owner.page, { email: guestEmail, firstName: 'Pat', lastName: 'Reader' });

    const guest = await site.open(browser, { viewport: { width: 1280, height: 860 } });
    await guest.page.goto(videoLink);
    await submitLobbyEmail(guest.page, guestEmail);
    await guest.page.getByRole('heading', { name: 'Launch keynote', level: 1 }).waitFor();
    await guest.page.getByText('Your invite gives you access to this media only.').waitFor();

    await guest.page.goto(pdfLink);
    await submitLobbyEmail(guest.page, guestEmail);
    await guest.page.getByRole('heading', { name: 'Handbook', level: 1 }).waitFor();
    const shared = guest.page.getByRole('navigation', { name: 'Shared with you' });
    await shared.waitFor();
    expect(await shared.getByRole('link').allInnerTexts()).toEqual(['Launch keynote · Viewer', 'Handbook · Viewer']);
    await screenshot(guest.page, 'guest-shared-with-you');
    // The same list on a phone: it wraps, nothing scrolls sideways.
    const phone = await site.open(browser, { viewport: { width: 375, height: 800 }, storageState: await guest.context.storageState() });
    await phone.page.goto(`/media/${pdfId}`);
    await phone.page.getByRole('navigation', { name: 'Shared with you' }).getByRole('link', { name: /Launch keynote/ }).waitFor();
    expect(await hasHorizontalScroll(phone.page)).toBe(false);
    await screenshot(phone.page, 'guest-shared-with-you-phone');
    await phone.context.close();

    // The video is still there, one click away, and plays its page.
    await shared.getByRole('link', { name: /Launch keynote/ }).click();
    await guest.page.waitForURL(`${site.url}/media/${videoId}`);
    await guest.page.getByRole('heading', { name: 'Launch keynote', level: 1 }).waitFor();
    await guest.page.locator('[data-testid=player-media]').waitFor();

    // Reopening the first link is not "already used": the person goes straight back in.
    await guest.page.goto(videoLink);
    await guest.page.waitForURL(`${site.url}/media/${videoId}`);
    await guest.page.getByRole('heading', { name: 'Launch keynote', level: 1 }).waitFor();

    // Anywhere else: the refusal names both, with a way back to each.
    await guest.page.goto('/');
    await guest.page.getByRole('heading', { name: 'Your invite gives you access only to “Launch keynote” and “Handbook”' }).waitFor();
    await guest.page.getByRole('link', { name: 'Back to “Handbook”' }).click();
    await guest.page.waitForURL(`${site.url}/media/${pdfId}`);

    // The owner revokes the PDF invite only.
    await owner.page.goto(`/media/${pdfId}`);
    await personRow(owner.page, guestEmail).getByRole('button', { name: 'Actions for Pat Reader' }).click();
    await owner.page.getByRole('menuitem', { name: 'Revoke access' }).click();
    await owner.page.getByRole('alertdialog', { name: 'Revoke access for Pat Reader?' }).getByRole('button', { name: 'Revoke' }).click();
    await owner.page.getByText(`Access revoked for ${guestEmail}.`).waitFor();

    await guest.page.reload();
    await guest.page.getByRole('heading', { name: 'This invite was removed' }).waitFor();
    await guest.page.goto(`/media/${videoId}`);
    await guest.page.getByRole('heading', { name: 'Launch keynote', level: 1 }).waitFor();
    await guest.page.getByText('Your invite gives you access to this media only.').waitFor();
    expect(await guest.page.getByRole('navigation', { name: 'Shared with you' }).count()).toBe(0);
    expect(site.problems()).toEqual([]);
  });

  it('an old forwarded link asks for new links until the cap, then the lobby says a new link is already on its way', async () => {
    const owner = await ownerSession(site, browser, { name: 'Nora Owner', email: uniqueEmail('nora') });
    await uploadPdf(owner.page, 'Price list');
    const guestEmail = uniqueEmail('quinn');
    const first = await inviteLink(owner.page, { email: guestEmail, firstName: 'Quinn' });

    const holder = await site.open(browser);
    // Three requests from the old link go through; each makes the previous link stop working.
    for (let i = 0; i < 3; i++) {
      await holder.page.goto(first);
      await holder.page.getByRole('heading', { name: 'Price list' }).waitFor();
      if (i === 0) {
        await holder.page.getByRole('button', { name: 'Link not working? Email me a new link' }).click();
        await holder.page.getByLabel('The email address this invite was sent to').fill(guestEmail);
        await holder.page.getByRole('button', { name: 'Send me a new link' }).click();
      } else {
        // The old link is replaced now: the lobby says so and offers a new one for the address typed.
        await submitLobbyEmail(holder.page, guestEmail);
        await holder.page.getByRole('heading', { name: 'This link has expired' }).waitFor();
        await holder.page.getByRole('button', { name: 'Email me a new link' }).click();
      }
      await holder.page.getByText('A new link is on its way').waitFor();
    }
    await holder.page.goto(first);
    await submitLobbyEmail(holder.page, guestEmail);
    await holder.page.getByRole('heading', { name: 'This link has expired' }).waitFor();
    await holder.page.getByRole('button', { name: 'Email me a new link' }).click();
    await holder.page.getByText('New links were already sent to the invited address several times in the last hour.', { exact: false }).waitFor();
    await screenshot(holder.page, 'outcome-new-link-limit');
    expect(await holder.page.getByText('A new link is on its way').count()).toBe(0);
    expect(site.problems()).toEqual([]);
  });
});
