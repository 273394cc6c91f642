import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePdf } from '../factories/media.js';
import { launchBrowser, screenshot, startApp, type Site } from './harness.js';
import { inviteOne, personRow } from './invite-flows.js';
import { ownerSession, uniqueEmail } from './setup.js';

/**
 * Hardening item 11 in the owner's browser: while the site's SMTP server (a real smtp-server) is down,
 * People with access says "Retrying" with the next try and the error, and a notice says the invitation
 * waits; once the server is back the row turns "Sent", the notice goes and the email arrives once.
 */
describe('an SMTP outage in People with access, in Chromium', () => {
  let browser: Browser;
  let site: Site;

  beforeAll(async () => {
    // Short backoff (0.2 s doubling to 1 s) so the outage is seconds long.
    [browser, site] = await Promise.all([
      launchBrowser(),
      startApp({ smtp: true, env: { MAIL_RETRY_FIRST_SECONDS: '0.2', MAIL_RETRY_MAX_SECONDS: '1', MAIL_FAILING_AFTER_TRIES: '3' } }),
    ]);
  });
  afterAll(async () => {
    await site?.close();
    await browser?.close();
  });

  it('shows "Retrying" and the failing notice while mail is down, then "Sent" once it is back', async () => {
    // A retried run starts with the server up again.
    await site.smtp!.resume();
    const { page } = await ownerSession(site, browser, { name: 'Olga Owner' });
    await page.getByRole('button', { name: 'Upload' }).first().click();
    await page.getByRole('dialog', { name: 'Upload media' }).locator('input[type=file]').setInputFiles({ name: 'Board pack.pdf', mimeType: 'application/pdf', buffer: makePdf('Board pack') });
    await page.getByText('“Board pack” is uploaded.').waitFor();
    await page.getByRole('link', { name: /Board pack/ }).click();
    await page.getByRole('heading', { name: 'Board pack', level: 1 }).waitFor();

    await site.smtp!.stop();
    const guest = uniqueEmail('gail');
    const dialog = await inviteOne(page, { email: guest, firstName: 'Gail', lastName: 'Guest' });
    await dialog.getByRole('button', { name: 'Done' }).click();

    const row = personRow(page, guest);
    await row.getByText('Retrying', { exact: true }).waitFor();
    await row.getByText(/Next try .*The mail server could not be reached\./).waitFor();
    const notice = page.getByTestId('mail-notice');
    await notice.waitFor();
    expect(await notice.textContent()).toBe('Email delivery is failing; 1 invitation is waiting and will be sent automatically when the mail server is back.');
    expect(await page.getByRole('status').filter({ hasText: 'Email delivery is failing' }).getByText('The mail server could not be reached.').count()).toBe(1);
    await screenshot(page, 'mail-outage-retrying');

    await site.smtp!.resume();
    await row.getByText('Sent', { exact: true }).waitFor({ timeout: 60_000 });
    await notice.waitFor({ state: 'detached', timeout: 30_000 });
    await site.smtp!.waitFor(guest, (m) => m.subject.includes('Board pack'));
    expect(site.smtp!.to(guest)).toHaveLength(1);
    await screenshot(page, 'mail-outage-sent');
    expect(site.problems()).toEqual([]);
  });
});
