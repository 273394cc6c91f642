/**
 * Issue 12's customer polish in Chromium: the invite form keeps what was typed, irreversible actions ask
 * first, per-invite lifetime, a readable audit log, expected refusals without console errors, /api/docs.
 */
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { defaultSiteSettings } from '../../src/contracts/invites.js';
import { launchBrowser, screenshot, startApp, type Site } from './harness.js';
import { inviteLink, personRow, submitLobbyEmail, uploadPdf } from './invite-flows.js';
import { logIn, ownerSession, PASSWORD, uniqueEmail } from './setup.js';

describe('customer polish (issue 12) in Chromium', () => {
  let browser: Browser;
  let site: Site;
  const admin = { name: 'Ada Admin', email: uniqueEmail('admin') };

  beforeAll(async () => {
    [browser, site] = await Promise.all([launchBrowser(), startApp()]);
    await site.services.auth.createAdmin({ ...admin, password: PASSWORD });
  });
  afterEach(async () => {
    await site.services.settings.update(defaultSiteSettings, 'e2e');
  });
  afterAll(async () => {
    await site?.close();
    await browser?.close();
  });

  it('a mistyped address is marked in place; names, role and message stay', async () => {
    const owner = await ownerSession(site, browser, { name: 'Tess Typo', email: uniqueEmail('tess') });
    await uploadPdf(owner.page, 'Typo handbook');
    const { page } = owner;

    await page.getByRole('button', { name: 'Invite people' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Invite people' });
    // Looks like an address to the browser, but the server refuses it (no dot in the domain).
    await dialog.getByLabel('Email', { exact: true }).fill('gail@example');
    await dialog.getByLabel('First name').fill('Gail');
    await dialog.getByLabel('Last name').fill('Guest');
    await dialog.getByLabel('Personal message').fill('Read chapter two.');
    await dialog.getByRole('button', { name: 'Send invite' }).click();

    const email = dialog.getByLabel('Email', { exact: true });
    await dialog.getByText('This is not a valid email address.').waitFor();
    expect(await email.getAttribute('aria-invalid')).toBe('true');
    expect(await email.inputValue()).toBe('gail@example');
    expect(await dialog.getByLabel('First name').inputValue()).toBe('Gail');
    expect(await dialog.getByLabel('Last name').inputValue()).toBe('Guest');
    expect(await dialog.getByLabel('Personal message').inputValue()).toBe('Read chapter two.');
    await screenshot(page, 'polish-invite-invalid-marked');

    const fixed = uniqueEmail('gail');
    await email.fill(fixed);
    await dialog.getByRole('button', { name: 'Send invite' }).click();
    await dialog.getByText('Invite sent', { exact: true }).waitFor();

    // A list: the good address goes through; the bad one comes back in the form with its name, marked.
    await dialog.getByRole('button', { name: 'Invite more people' }).click();
    await dialog.getByRole('tab', { name: 'Paste a list' }).click();
    const ok = uniqueEmail('ok');
    await dialog.getByLabel('People to invite').fill(`${ok}\nAda Lovelace <ada@nowhere>`);
    await dialog.getByRole('button', { name: 'Send 2 invites' }).click();
    await dialog.getByText('1 invite sent').waitFor();
    await dialog.getByRole('button', { name: 'Fix the invalid addresses' }).click();
    expect(await dialog.getByLabel('People to invite').inputValue()).toBe('Ada Lovelace <ada@nowhere>');
    await dialog.getByRole('list', { name: 'Invalid addresses' }).getByText('ada@nowhere').waitFor();
    expect(await dialog.getByLabel('Personal message').inputValue()).toBe('Read chapter two.');

    // Only bad addresses: the form stays as it was, with the address marked.
    await dialog.getByLabel('People to invite').fill('Bob Bad <bob@nowhere>\nCy Bad <cy@nowhere>');
    await dialog.getByRole('button', { name: 'Send 2 invites' }).click();
    await dialog.getByText('These 2 addresses are not valid. Correct them and send again.').waitFor();
    expect(await dialog.getByLabel('People to invite').inputValue()).toBe('Bob Bad <bob@nowhere>\nCy Bad <cy@nowhere>');
    expect(site.problems()).toEqual([]);
  });

  it('deleting media asks first in an alertdialog: focus stays inside, Escape cancels, nothing is lost', async () => {
    const owner = await ownerSession(site, browser, { name: 'Della Delete', email: uniqueEmail('della') });
    const mediaId = await uploadPdf(owner.page, 'Keep me handbook');
    const { page } = owner;

    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    const ask = page.getByRole('alertdialog', { name: 'Delete “Keep me handbook”?' });
    await ask.getByText('This cannot be undone.', { exact: false }).waitFor();
    const focusInside = () => page.evaluate(() => Boolean(document.activeElement?.closest('[role=alertdialog]')));
    // Focus starts on the safe choice and Tab never leaves the dialog.
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Keep it');
    for (let i = 0; i < 6; i++) {
      await page.keyboard.press('Tab');
      expect(await focusInside()).toBe(true);
    }
    await page.keyboard.press('Escape');
    await ask.waitFor({ state: 'hidden' });
    await page.reload();
    await page.getByRole('heading', { name: 'Keep me handbook', level: 1 }).waitFor();
    expect(page.url()).toContain(`/media/${mediaId}`);
    expect(site.problems()).toEqual([]);
  });

  it('an invite gets its own link duration and uses, in hours or days, within the site maximum', async () => {
    await site.services.settings.update({ maxLinkDurationMinutes: 7 * 1440, maxLinkReusability: 5 }, 'e2e');
    const owner = await ownerSession(site, browser, { name: 'Lena Lifetime', email: uniqueEmail('lena') });
    const mediaId = await uploadPdf(owner.page, 'Lifetime guide');
    const { page } = owner;

    await page.getByRole('button', { name: 'Invite people' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Invite people' });
    const email = uniqueEmail('three-days');
    await dialog.getByLabel('Email', { exact: true }).fill(email);
    // The site default, in hours; the maximum is said next to it.
    expect(await dialog.getByLabel('Link duration').inputValue()).toBe('24');
    expect(await dialog.getByLabel('Duration unit').inputValue()).toBe('hours');
    expect(await dialog.getByLabel('Link uses').inputValue()).toBe('single');
    await dialog.getByText('Longest allowed: 7 days, at most 5 uses.', { exact: false }).waitFor();

    // Above the maximum: refused at the field, nothing sent, nothing lost.
    await dialog.getByLabel('Link duration').fill('8');
    await dialog.getByLabel('Duration unit').selectOption('days');
    await dialog.getByLabel('Send link by email').uncheck();
    await dialog.getByRole('button', { name: 'Create link' }).click();
    await dialog.getByText('A link on this site can last at most 7 days.').waitFor();
    expect(await dialog.getByLabel('Email', { exact: true }).inputValue()).toBe(email);

    await dialog.getByLabel('Link duration').fill('3');
    await dialog.getByLabel('Link uses').selectOption('several');
    await dialog.getByLabel('Number of uses').fill('2');
    await dialog.getByRole('button', { name: 'Create link' }).click();
    await dialog.getByText('Link created', { exact: true }).waitFor();
    await dialog.getByRole('button', { name: 'Done' }).click();

    const row = page.getByRole('table', { name: /^People with access/ }).locator('tr', { has: page.getByText(email, { exact: true }) });
    expect(await row.locator('td[data-label="Uses left"]').innerText()).toBe('2');
    const stored = await site.db.database.db.selectFrom('invites').select(['duration_minutes', 'max_uses']).where('media_id', '=', mediaId).where('email', '=', email).executeTakeFirstOrThrow();
    expect(stored).toEqual({ duration_minutes: 3 * 1440, max_uses: 2 });
    expect(site.problems()).toEqual([]);
  });

  it('the audit log says settings changes in words and filters media by title', async () => {
    const owner = await ownerSession(site, browser, { name: 'Omar Audit', email: uniqueEmail('omar') });
    await uploadPdf(owner.page, 'Audit picker guide');
    await inviteLink(owner.page, { email: uniqueEmail('seen') });
    const other = await ownerSession(site, browser, { name: 'Nia Noise', email: uniqueEmail('nia') });
    await uploadPdf(other.page, 'Unrelated notes');
    await inviteLink(other.page, { email: uniqueEmail('noise') });

    const adminCtx = await site.open(browser, { viewport: { width: 1366, height: 900 } });
    const page = adminCtx.page;
    await logIn(page, admin.email);
    await page.goto('/admin/settings');
    await page.getByLabel('Link duration (minutes)').fill('4320');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Settings saved.').waitFor();

    await page.goto('/admin/audit');
    await page.getByRole('heading', { name: 'Audit log', level: 1 }).waitFor();
    const log = page.getByRole('table', { name: 'Audit log' });
    await log.getByText('Link duration: 24 h → 3 d').waitFor();
    await screenshot(page, 'polish-audit-log');

    // The media picker lists titles; choosing one shows only its entries.
    const picker = page.getByLabel('Media', { exact: true });
    await picker.selectOption({ label: 'Audit picker guide' });
    await log.getByRole('button', { name: 'Audit picker guide' }).first().waitFor();
    await expect.poll(() => log.getByText('Unrelated notes').count()).toBe(0);
    await expect.poll(() => log.getByText('Link duration: 24 h → 3 d').count()).toBe(0);
    expect(await page.locator('body').innerText()).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/);
    expect(site.problems()).toEqual([]);
  });

  it('expected refusals in the lobby and on guest pages are shown without "Failed to load resource" in the console', async () => {
    const owner = await ownerSession(site, browser, { name: 'Quinn Quiet', email: uniqueEmail('quinn') });
    await uploadPdf(owner.page, 'Quiet console guide');
    const guestEmail = uniqueEmail('gus');
    const link = await inviteLink(owner.page, { email: guestEmail, firstName: 'Gus' });
    const before = site.consoleLog().length;
    const failedLoads = () => site.consoleLog().slice(before).filter((l) => /Failed to load resource|status of 4\d\d/.test(l));

    // The lobby: a wrong email (403 email_mismatch), then the right one.
    const guest = await site.open(browser);
    await guest.page.goto(link);
    await guest.page.getByRole('heading', { name: 'Quiet console guide' }).waitFor();
    await submitLobbyEmail(guest.page, uniqueEmail('wrong'));
    await guest.page.getByText('Enter the same email that received the invite.', { exact: false }).waitFor();
    await submitLobbyEmail(guest.page, guestEmail);
    await guest.page.getByRole('heading', { name: 'Quiet console guide', level: 1 }).waitFor();

    // Outside their media (403 out_of_scope).
    await guest.page.goto('/');
    await guest.page.getByRole('heading', { name: 'Your invite gives you access only to “Quiet console guide”' }).waitFor();

    // Another device with the same link (403 device_mismatch), an unknown link (404 invalid_link, through the preload).
    const second = await site.open(browser);
    await second.page.goto(link);
    await submitLobbyEmail(second.page, guestEmail);
    await second.page.getByRole('region', { name: 'This link is tied to another device' }).waitFor();
    await second.page.goto('/i/this-is-not-a-real-link');
    await second.page.getByRole('heading', { name: 'This link isn’t valid' }).waitFor();

    // Revoked while viewing (410 invite_revoked).
    await owner.page.reload();
    await personRow(owner.page, guestEmail).getByRole('button', { name: 'Actions for Gus' }).click();
    await owner.page.getByRole('menuitem', { name: 'Revoke access' }).click();
    await owner.page.getByRole('alertdialog', { name: 'Revoke access for Gus?' }).getByRole('button', { name: 'Revoke' }).click();
    await owner.page.getByText(`Access revoked for ${guestEmail}.`).waitFor();
    await guest.page.goBack();
    await guest.page.reload();
    await guest.page.getByRole('heading', { name: 'This invite was removed' }).waitFor();

    expect(failedLoads()).toEqual([]);
    expect(site.problems()).toEqual([]);
  });

  it('/api/docs carries Foyer\'s name and logo and runs under Foyer\'s Content Security Policy', async () => {
    const { page } = await site.open(browser, { viewport: { width: 1366, height: 900 } });
    const before = site.consoleLog().length;
    const res = await page.goto('/api/docs');
    const siteCsp = (await page.request.get('/api/health')).headers()['content-security-policy'];
    expect(res!.headers()['content-security-policy']).toBe(siteCsp);
    await page.getByRole('heading', { name: /Foyer API/ }).first().waitFor();
    expect(await page.title()).toBe('Foyer API');
    const logo = page.getByRole('img', { name: 'Foyer' }).first();
    await logo.waitFor();
    expect(await logo.evaluate((img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth > 0)).toBe(true);
    await page.getByText('/api/media/{id}/invites', { exact: false }).first().waitFor();
    await screenshot(page, 'polish-api-docs');
    expect(site.consoleLog().slice(before).filter((l) => /Content Security Policy|Refused to/.test(l))).toEqual([]);
    expect(site.problems()).toEqual([]);
  });
});
