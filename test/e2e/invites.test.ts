import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { defaultSiteSettings } from '../../src/contracts/invites.js';
import { linkIn } from '../factories/smtp.js';
import { hasHorizontalScroll, launchBrowser, screenshot, startApp, type Site } from './harness.js';
import { expectVideoPlays, inviteOne, personRow, submitLobbyEmail, uploadVideo } from './invite-flows.js';
import { logIn, ownerSession, PASSWORD, uniqueEmail } from './setup.js';

const started = Date.now();

describe('invite links in Chromium, with a real SMTP server', () => {
  let browser: Browser;
  let site: Site;
  const admin = { name: 'Ines Admin', email: uniqueEmail('admin') };

  beforeAll(async () => {
    [browser, site] = await Promise.all([launchBrowser(), startApp({ smtp: true })]);
    // The site's admin exists before anyone signs up, so the owners below are ordinary accounts.
    await site.services.auth.createAdmin({ ...admin, password: PASSWORD });
  });
  afterEach(async () => {
    await site.services.settings.update(defaultSiteSettings, 'e2e');
  });
  afterAll(async () => {
    await site?.close();
    await browser?.close();
    console.log(`invites e2e: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });

  it('owner invites by email; the invitee passes the lobby and watches; another device is refused; revoking ends the session', async () => {
    const owner = await ownerSession(site, browser, { name: 'Olga Owner', email: uniqueEmail('olga') });
    const mediaId = await uploadVideo(owner.page, 'Launch keynote');
    const guestEmail = uniqueEmail('gail');

    const dialog = await inviteOne(owner.page, { email: guestEmail, firstName: 'Gail', lastName: 'Guest', message: 'Please watch before Friday.' });
    await dialog.getByText('Invite sent', { exact: true }).waitFor();
    await screenshot(owner.page, 'invite-dialog-sent');
    await dialog.getByRole('button', { name: 'Done' }).click();
    await personRow(owner.page, guestEmail).getByText('Sent', { exact: true }).waitFor();

    // The invite email, read from the SMTP server.
    const mail = await site.smtp!.waitFor(guestEmail, (m) => /invited you to/.test(m.subject));
    expect(mail.subject).toBe('Olga Owner invited you to “Launch keynote”');
    expect(mail.text).toContain('Please watch before Friday.');
    const link = linkIn(mail.text, `${site.url}/i/`)!;
    const token = link.split('/i/')[1];
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);

    // A new browser opens the link: the token leaves the address bar; the lobby says what it is for, not whom.
    const guest = await site.open(browser, { viewport: { width: 1280, height: 860 } });
    await guest.page.goto(link);
    await guest.page.waitForURL(`${site.url}/lobby`);
    expect(guest.page.url()).not.toContain(token);
    await guest.page.getByRole('heading', { name: 'Launch keynote' }).waitFor();
    await guest.page.getByText('Video · shared by Olga Owner').waitFor();
    expect(await guest.page.locator('body').innerText()).not.toContain(guestEmail.split('@')[0]);
    await screenshot(guest.page, 'lobby');

    // Wrong email: the form says so, at the field.
    await submitLobbyEmail(guest.page, uniqueEmail('someone-else'));
    await guest.page.getByText('Enter the same email that received the invite.', { exact: false }).waitFor();
    expect(guest.page.url()).toBe(`${site.url}/lobby`);
    await screenshot(guest.page, 'lobby-email-mismatch');

    // Right email: the media page, as a guest, and the video plays.
    await submitLobbyEmail(guest.page, guestEmail.toUpperCase());
    await guest.page.waitForURL(`${site.url}/media/${mediaId}`);
    await guest.page.getByRole('heading', { name: 'Launch keynote', level: 1 }).waitFor();
    await guest.page.getByText('You’re viewing as a guest invited by').waitFor();
    expect(await guest.page.getByRole('button', { name: 'Invite people' }).count()).toBe(0);
    expect(await guest.page.getByRole('button', { name: 'Delete' }).count()).toBe(0);
    expect(await guest.page.getByRole('navigation', { name: 'Main' }).count()).toBe(0);
    await expectVideoPlays(guest.page);
    await screenshot(guest.page, 'guest-media');

    // Anywhere else, the guest hears that the invite covers this media only, with a way back.
    await guest.page.goto('/');
    const outOfScope = guest.page.getByRole('heading', { name: 'Your invite gives you access only to “Launch keynote”' });
    await outOfScope.waitFor();
    await screenshot(guest.page, 'guest-out-of-scope');
    await guest.page.getByRole('link', { name: 'Back to “Launch keynote”' }).click();
    await guest.page.getByRole('heading', { name: 'Launch keynote', level: 1 }).waitFor();

    // A second browser with the same link: the link is bound to the first device.
    const second = await site.open(browser, { viewport: { width: 1280, height: 860 } });
    await second.page.goto(link);
    await submitLobbyEmail(second.page, guestEmail);
    const mismatch = second.page.getByRole('region', { name: 'This link is tied to another device' });
    await mismatch.getByText('If you switch devices, you’ll need a new link.', { exact: false }).waitFor();
    await mismatch.getByRole('button', { name: 'Email me a new link' }).waitFor();
    await screenshot(second.page, 'outcome-device-mismatch');

    // The owner sees the person active on a bound device, then revokes them.
    await owner.page.reload();
    const row = personRow(owner.page, guestEmail);
    await row.getByText('Active', { exact: true }).waitFor();
    expect(await row.locator('td[data-label="Device bound"]').innerText()).toBe('Yes');
    await screenshot(owner.page, 'people-with-access');
    await row.getByRole('button', { name: 'Actions for Gail Guest' }).click();
    await owner.page.getByRole('menuitem', { name: 'Revoke access' }).click();
    const confirm = owner.page.getByRole('alertdialog', { name: 'Revoke access for Gail Guest?' });
    await confirm.getByRole('button', { name: 'Revoke' }).click();
    await owner.page.getByText(`Access revoked for ${guestEmail}.`).waitFor();
    await row.getByText('Revoked', { exact: true }).waitFor();

    // The guest's next navigation is refused with the reason.
    await guest.page.reload();
    await guest.page.getByRole('heading', { name: 'This invite was removed' }).waitFor();
    await guest.page.getByText('The link will no longer work.', { exact: false }).waitFor();
    expect(await guest.page.locator('video').count()).toBe(0);
    await screenshot(guest.page, 'outcome-invite-revoked');

    expect(site.problems()).toEqual([]);
  });

  it('a replaced link says it expired and emails a new one to the invited address; a broken link says check it', async () => {
    const owner = await ownerSession(site, browser, { name: 'Rita Resend', email: uniqueEmail('rita') });
    await uploadVideo(owner.page, 'Quarterly review');
    const guestEmail = uniqueEmail('pat');
    const dialog = await inviteOne(owner.page, { email: guestEmail, firstName: 'Pat' });
    await dialog.getByRole('button', { name: 'Done' }).click();
    const first = linkIn((await site.smtp!.waitFor(guestEmail, (m) => /invited you to/.test(m.subject))).text, `${site.url}/i/`)!;

    // "Resend by email" makes a fresh link; the old one stops working.
    await personRow(owner.page, guestEmail).getByRole('button', { name: 'Actions for Pat' }).click();
    await owner.page.getByRole('menuitem', { name: 'Resend by email' }).click();
    await owner.page.getByText(`A new link was emailed to ${guestEmail}. The previous link no longer works.`).waitFor();
    await expect.poll(() => site.smtp!.to(guestEmail).length).toBe(2);

    const guest = await site.open(browser);
    await guest.page.goto(first);
    await submitLobbyEmail(guest.page, guestEmail);
    await guest.page.getByRole('heading', { name: 'This link has expired' }).waitFor();
    await guest.page.getByText('Ask the media owner for a new link.').waitFor();
    await screenshot(guest.page, 'outcome-link-expired');
    await guest.page.getByRole('button', { name: 'Email me a new link' }).click();
    await guest.page.getByText('A new link is on its way').waitFor();
    const fresh = linkIn((await site.smtp!.waitFor(guestEmail, (m) => /Your new link/.test(m.subject))).text, `${site.url}/i/`)!;
    await guest.page.goto(fresh);
    await submitLobbyEmail(guest.page, guestEmail);
    await guest.page.getByRole('heading', { name: 'Quarterly review', level: 1 }).waitFor();

    const stranger = await site.open(browser);
    await stranger.page.goto('/i/this-is-not-a-real-link');
    await stranger.page.getByRole('heading', { name: 'This link isn’t valid' }).waitFor();
    await stranger.page.getByText('Check the link', { exact: false }).waitFor();
    await screenshot(stranger.page, 'outcome-invalid-link');

    // The owner's activity shows what happened, without links.
    await owner.page.reload();
    const activity = owner.page.getByRole('region', { name: 'Activity' });
    await activity.getByText('New link requested').waitFor();
    await activity.getByText('Refused', { exact: true }).first().waitFor();
    expect(await activity.innerText()).not.toContain('/i/');
    expect(site.problems()).toEqual([]);
  });

  it('the admin blocks a domain in site settings; an invite to it is refused at creation with the reason', async () => {
    const adminCtx = await site.open(browser, { viewport: { width: 1280, height: 900 } });
    await logIn(adminCtx.page, admin.email);
    await adminCtx.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
    await adminCtx.page.getByRole('heading', { name: 'Site settings' }).waitFor();
    expect(await adminCtx.page.getByLabel('Link duration (minutes)').inputValue()).toBe('1440');

    // Invalid values are refused at the field before anything is sent.
    await adminCtx.page.getByLabel('Lobby attempts').fill('0');
    await adminCtx.page.getByRole('button', { name: 'Save settings' }).click();
    await adminCtx.page.getByText('Enter a whole number from 1 to 100.').waitFor();
    await adminCtx.page.getByLabel('Lobby attempts').fill('5');
    // A bad domain comes back from the server and shows at its field.
    await adminCtx.page.getByLabel('Blocked email domains').fill('not a domain!');
    await adminCtx.page.getByRole('button', { name: 'Save settings' }).click();
    await adminCtx.page.getByText('Some settings are not valid').waitFor();
    await adminCtx.page.getByText('is not a domain name', { exact: false }).waitFor();
    await adminCtx.page.getByLabel('Blocked email domains').fill('Blocked.Example');
    await adminCtx.page.getByRole('button', { name: 'Save settings' }).click();
    await adminCtx.page.getByText('Settings saved.').waitFor();
    await adminCtx.page.reload();
    expect(await adminCtx.page.getByLabel('Blocked email domains').inputValue()).toBe('blocked.example');
    await screenshot(adminCtx.page, 'admin-settings');

    const owner = await ownerSession(site, browser, { name: 'Bea Blocked', email: uniqueEmail('bea') });
    await uploadVideo(owner.page, 'Board briefing');
    const refusedAddress = uniqueEmail('ceo', 'mail.blocked.example');
    const dialog = await inviteOne(owner.page, { email: refusedAddress });
    await dialog.getByText('Nobody was invited').waitFor();
    const refused = dialog.getByRole('region', { name: /Not invited/ });
    await refused.getByText(refusedAddress).waitFor();
    await refused.getByText('Domain blocked').waitFor();
    await refused.getByText('Invites to this email domain are blocked on this site.').waitFor();
    await screenshot(owner.page, 'invite-dialog-refused');

    // A pasted list: the allowed addresses go through, the rest are listed with their reason.
    await dialog.getByRole('button', { name: 'Invite more people' }).click();
    await dialog.getByRole('tab', { name: 'Paste a list' }).click();
    const ok = uniqueEmail('ok');
    await dialog.getByLabel('People to invite').fill(`${ok}\nZed Blocked <zed@blocked.example>\nnot-an-address\n${ok.toUpperCase()}`);
    await dialog.getByText('3 people', { exact: false }).waitFor();
    await dialog.getByRole('button', { name: 'Send 3 invites' }).click();
    await dialog.getByText('1 invite sent').waitFor();
    await dialog.getByText('Not invited (3)').waitFor();
    for (const reason of ['Domain blocked', 'Not an email address', 'Duplicate']) await dialog.getByText(reason, { exact: true }).waitFor();
    await screenshot(owner.page, 'invite-dialog-list-result');

    // A CSV of 1,200 people goes in batches of 500: the bar moves and the count runs; blocked rows are listed.
    const rows = Array.from({ length: 1_200 }, (_, i) => `${i % 400 === 7 ? `p${i}@blocked.example` : uniqueEmail(`p${i}`)},P${i},Person`);
    await dialog.getByRole('button', { name: 'Invite more people' }).click();
    await dialog.getByRole('tab', { name: 'Upload CSV' }).click();
    await dialog.locator('input[type=file]').setInputFiles({ name: 'attendees.csv', mimeType: 'text/csv', buffer: Buffer.from(`email,first name,last name\n${rows.join('\n')}\n`) });
    await dialog.getByText('header row found', { exact: false }).waitFor();
    await dialog.getByText('1,200 people').waitFor();
    await dialog.getByLabel('Send link by email').uncheck();
    const progress: number[] = [];
    await owner.page.exposeFunction('__inviteProgress', (v: number) => progress.push(v));
    await owner.page.evaluate(() => {
      new MutationObserver(() => {
        const bar = document.querySelector('[role=progressbar][aria-label="Inviting people"]');
        if (bar) (window as unknown as { __inviteProgress: (v: number) => void }).__inviteProgress(Number(bar.getAttribute('aria-valuenow')));
      }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['aria-valuenow'] });
    });
    await dialog.getByRole('button', { name: 'Create 1,200 links' }).click();
    await dialog.getByText('1,197 links created').waitFor();
    await dialog.getByText('Not invited (3)').waitFor();
    await dialog.getByRole('button', { name: 'Copy all 1,197' }).waitFor();
    expect(progress.filter((v) => v > 0 && v < 100).length).toBeGreaterThanOrEqual(1);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    await dialog.getByRole('button', { name: 'Done' }).click();
    await owner.page.getByRole('heading', { name: /People with access/ }).getByText('1,198').waitFor();
    await owner.page.getByRole('button', { name: 'Show 50 more' }).waitFor();

    // The audit log shows the settings change and the invites, filterable by action.
    await adminCtx.page.goto('/admin/audit');
    await adminCtx.page.getByRole('heading', { name: 'Audit log' }).waitFor();
    await adminCtx.page.getByLabel('Action').selectOption('settings.changed');
    await adminCtx.page.getByRole('button', { name: 'Apply' }).click();
    await adminCtx.page.getByText('Blocked email domains: none → blocked.example').first().waitFor();
    expect(await adminCtx.page.getByRole('table').getByText('Invite created').count()).toBe(0);
    await screenshot(adminCtx.page, 'admin-audit');

    // Both admin pages fit a phone; the admin links move into the account menu there.
    const phone = await site.open(browser, { viewport: { width: 375, height: 740 }, storageState: await adminCtx.context.storageState() });
    for (const [path, heading] of [['/admin/settings', 'Site settings'], ['/admin/audit', 'Audit log']]) {
      await phone.page.goto(path);
      await phone.page.getByRole('heading', { name: heading, level: 1 }).waitFor();
      await phone.page.getByRole('table').or(phone.page.getByLabel('Link duration (minutes)')).first().waitFor();
      expect(await hasHorizontalScroll(phone.page), path).toBe(false);
    }
    await screenshot(phone.page, 'admin-audit-phone');
    await phone.page.getByRole('button', { name: /Account menu/ }).click();
    await phone.page.getByRole('link', { name: 'Site settings' }).waitFor();
    expect(site.problems()).toEqual([]);
  });

  it('"send link by email" off shows the link once with copy; a logged-in verified invitee goes straight to the media', async () => {
    const member = await ownerSession(site, browser, { name: 'Mia Member', email: uniqueEmail('mia') });
    const owner = await ownerSession(site, browser, { name: 'Cleo Copy', email: uniqueEmail('cleo') });
    const mediaId = await uploadVideo(owner.page, 'Design review');
    const memberEmail = (await member.page.evaluate(() => fetch('/api/session').then((r) => r.json()))).user.email as string;

    const dialog = await inviteOne(owner.page, { email: memberEmail, sendEmail: false });
    await dialog.getByText('Link created', { exact: true }).waitFor();
    await dialog.getByText('This link is shown only once').waitFor();
    const field = dialog.getByRole('textbox', { name: `Invite link for ${memberEmail}` });
    const link = await field.inputValue();
    expect(link).toMatch(new RegExp(`^${site.url}/i/[A-Za-z0-9_-]{43}$`));
    // The clipboard only works in the focused page (several pages are open in this browser).
    await owner.page.bringToFront();
    await dialog.getByRole('button', { name: `Copy: Invite link for ${memberEmail}` }).click();
    await dialog.getByText('Copied to the clipboard.').waitFor();
    expect(await owner.page.evaluate(() => navigator.clipboard.readText())).toBe(link);
    await screenshot(owner.page, 'invite-dialog-link-once');
    await dialog.getByRole('button', { name: 'Done' }).click();
    await owner.page.getByRole('button', { name: 'Invite people' }).first().click();
    expect(await dialog.getByRole('textbox', { name: `Invite link for ${memberEmail}` }).count()).toBe(0);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(site.smtp!.to(memberEmail).filter((m) => /invited you to/.test(m.subject))).toEqual([]);

    // Logged in with the invited, verified address: no lobby form, straight in (the page posts no email).
    const entered = member.page.waitForRequest((r) => r.url().endsWith('/api/lobby/enter'));
    await member.page.goto(link);
    expect((await entered).postDataJSON()).toEqual({});
    await member.page.waitForURL(`${site.url}/media/${mediaId}`);
    await member.page.getByRole('heading', { name: 'Design review', level: 1 }).waitFor();
    await member.page.getByRole('navigation', { name: 'Main' }).waitFor();
    expect(await member.page.getByLabel('Email address this invite was sent to').count()).toBe(0);

    // A live event offers the event roles; the owner changes a role in the table and the person is told by email.
    const eventId = await owner.page.evaluate(async () => {
      const csrf = decodeURIComponent(/(?:^|; )foyer_csrf=([^;]+)/.exec(document.cookie)?.[1] ?? '');
      const startsAt = new Date(Date.now() + 86_400_000).toISOString();
      const endsAt = new Date(Date.now() + 90_000_000).toISOString();
      const res = await fetch('/api/events', { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': csrf }, body: JSON.stringify({ kind: 'webcast', title: 'All-hands', startsAt, endsAt, timeZone: 'UTC' }) });
      return ((await res.json()) as { event: { id: string } }).event.id;
    });
    await owner.page.goto(`/events/${eventId}`);
    const speakerEmail = uniqueEmail('sam');
    await owner.page.getByRole('button', { name: 'Invite people' }).first().click();
    expect(await dialog.getByLabel('Role').locator('option').allTextContents()).toEqual(['Viewer', 'Moderator', 'Speaker']);
    await dialog.getByLabel('Email', { exact: true }).fill(speakerEmail);
    await dialog.getByLabel('Role').selectOption('speaker');
    await dialog.getByRole('button', { name: 'Send invite' }).click();
    await dialog.getByText('Invite sent', { exact: true }).waitFor();
    await dialog.getByRole('button', { name: 'Done' }).click();
    const roleSelect = personRow(owner.page, speakerEmail).getByRole('combobox', { name: `Role for ${speakerEmail}` });
    expect(await roleSelect.inputValue()).toBe('speaker');
    await roleSelect.selectOption('moderator');
    await owner.page.getByText(`${speakerEmail} is now a moderator. We emailed them.`).waitFor();
    await site.smtp!.waitFor(speakerEmail, (m) => /You are now/.test(m.subject));

    // People with access at phone width: cards, no sideways scrolling.
    await owner.page.goto(`/media/${mediaId}`);
    await personRow(owner.page, memberEmail).getByText('Active', { exact: true }).waitFor();
    const phone = await site.open(browser, { viewport: { width: 375, height: 800 }, storageState: await owner.context.storageState() });
    await phone.page.goto(`/media/${mediaId}`);
    await phone.page.getByRole('heading', { name: 'People with access' }).waitFor();
    await personRow(phone.page, memberEmail).waitFor();
    expect(await hasHorizontalScroll(phone.page)).toBe(false);
    await screenshot(phone.page, 'people-with-access-phone');
    expect(site.problems()).toEqual([]);
  });

  it('email_code mode: after the email, the code read from the real message opens the invite (phone width)', async () => {
    const adminCtx = await site.open(browser);
    await logIn(adminCtx.page, admin.email);
    await adminCtx.page.goto('/admin/settings');
    await adminCtx.page.getByLabel('Email and a code').check();
    await adminCtx.page.getByRole('button', { name: 'Save settings' }).click();
    await adminCtx.page.getByText('Settings saved.').waitFor();

    const owner = await ownerSession(site, browser, { name: 'Cody Code', email: uniqueEmail('cody') });
    const mediaId = await uploadVideo(owner.page, 'Training module');
    const guestEmail = uniqueEmail('quinn');
    const dialog = await inviteOne(owner.page, { email: guestEmail });
    await dialog.getByRole('button', { name: 'Done' }).click();
    const link = linkIn((await site.smtp!.waitFor(guestEmail, (m) => /invited you to/.test(m.subject))).text, `${site.url}/i/`)!;

    const guest = await site.open(browser, { viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true });
    await guest.page.goto(link);
    await guest.page.getByRole('heading', { name: 'Training module' }).waitFor();
    expect(await hasHorizontalScroll(guest.page)).toBe(false);
    await screenshot(guest.page, 'lobby-phone');
    await submitLobbyEmail(guest.page, guestEmail);
    await guest.page.getByRole('heading', { name: 'Check your email' }).waitFor();
    const codeField = guest.page.getByLabel('6-digit code');
    expect(await codeField.getAttribute('inputmode')).toBe('numeric');
    expect(await codeField.getAttribute('autocomplete')).toBe('one-time-code');
    const code = /(\d{6}) is your Foyer code/.exec((await site.smtp!.waitFor(guestEmail, (m) => /is your Foyer code/.test(m.subject))).subject)![1];

    // A wrong code is refused at the field; the right one opens the media.
    await codeField.fill(code === '000000' ? '111111' : '000000');
    await guest.page.getByRole('button', { name: 'Continue' }).click();
    await guest.page.getByText('That code isn’t right', { exact: false }).waitFor();
    expect(await hasHorizontalScroll(guest.page)).toBe(false);
    await screenshot(guest.page, 'lobby-code-phone');
    await codeField.fill(`${code.slice(0, 3)} ${code.slice(3)}`);
    await guest.page.getByRole('button', { name: 'Continue' }).click();
    await guest.page.waitForURL(`${site.url}/media/${mediaId}`);
    await guest.page.getByRole('heading', { name: 'Training module', level: 1 }).waitFor();
    expect(await hasHorizontalScroll(guest.page)).toBe(false);
    await screenshot(guest.page, 'guest-media-phone');
    expect(site.problems()).toEqual([]);
  });
});
