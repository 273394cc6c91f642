import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAudio, makePdf, makeVideo } from '../factories/media.js';
import { linkIn } from '../factories/smtp.js';
import { hasHorizontalScroll, launchBrowser, screenshot, startApp, type Site } from './harness.js';
import { uniqueEmail as email, PASSWORD } from './setup.js';

/** The sign-up form, filled in and sent: the flow this file tests (other e2e files use ownerSession). */
async function signUpThroughUi(page: Page, who: { name: string; email: string; password?: string }) {
  await page.goto('/signup');
  await page.getByLabel('Name').fill(who.name);
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password ?? PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
}

describe('foundation in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => browser?.close());

  describe('with a real SMTP server', () => {
    let site: Site;
    beforeAll(async () => {
      site = await startApp({ smtp: true });
    });
    afterAll(async () => site?.close());

    it('signs up, confirms the email from the real message, uploads, plays, edits and deletes a video', async () => {
      const ada = { name: 'Ada Lovelace', email: email('ada') };
      const { page } = await site.open(browser, { viewport: { width: 1280, height: 860 } });

      // Visitors without a session land on the login page.
      await page.goto('/');
      await page.waitForURL('**/login');
      await expect.poll(() => page.getByRole('heading', { name: 'Log in to Foyer' }).isVisible()).toBe(true);
      await screenshot(page, 'login');

      // Client-side checks use the same schema as the server.
      await page.goto('/signup');
      await page.getByRole('button', { name: 'Create account' }).click();
      await page.getByText('Enter your name.').waitFor();
      await page.getByText('Use at least 10 characters.').waitFor();
      await screenshot(page, 'signup-errors');

      await signUpThroughUi(page, ada);
      await page.waitForURL((u) => u.pathname === '/');
      const banner = page.getByRole('region', { name: 'Email confirmation' });
      await banner.getByText('Confirm your email.').waitFor();
      await page.getByRole('heading', { name: 'Your library is empty' }).waitFor();
      await screenshot(page, 'library-empty-unverified');

      // The same address cannot sign up twice; the server's message shows at the field.
      const other = await site.open(browser);
      await signUpThroughUi(other.page, { name: 'Ada Again', email: ada.email.toUpperCase() });
      await other.page.getByText('An account with this email already exists. Log in instead.').waitFor();
      await other.context.close();

      // Resend works and a second message arrives.
      await banner.getByRole('button', { name: 'Resend email' }).click();
      await banner.getByText('Sent. Check your inbox.').waitFor();
      await expect.poll(() => site.smtp!.to(ada.email).length, { timeout: 15_000 }).toBe(2);

      // Open the link from the real email.
      const mail = await site.smtp!.waitFor(ada.email, (m) => /Confirm your email/.test(m.subject));
      expect(mail.html).toContain('Confirm email address');
      const link = linkIn(mail.text, `${site.url}/verify-email?token=`);
      expect(link).toBeDefined();
      await page.goto(link!);
      await page.getByRole('heading', { name: 'Email confirmed' }).waitFor();
      await screenshot(page, 'verified');
      await page.getByRole('link', { name: 'Go to your library' }).click();
      await page.getByRole('heading', { name: 'Library', exact: true }).waitFor();
      expect(await page.title()).toBe('Library · Foyer');
      expect(await page.getByRole('region', { name: 'Email confirmation' }).count()).toBe(0);

      // A file that is not media is refused with the server's 415 message.
      const junk = path.join(tmpdir(), `foyer-e2e-notes-${process.pid}.txt`);
      writeFileSync(junk, 'just some text, not a video\n'.repeat(200));
      await page.getByRole('button', { name: 'Upload' }).click();
      const dialog = page.getByRole('dialog', { name: 'Upload media' });
      await dialog.locator('input[type=file]').setInputFiles(junk);
      await dialog.getByText('This type of file is not supported').waitFor();
      await dialog.getByText('This file is not a supported video, audio file or PDF document.').waitFor();
      await screenshot(page, 'upload-refused');

      // Keyboard: Escape closes the dialog and focus goes back to the button that opened it.
      await page.keyboard.press('Escape');
      expect(await dialog.isVisible()).toBe(false);
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Upload');
      await page.keyboard.press('Enter');
      await dialog.waitFor();

      // A PDF dropped on the drop zone uploads and opens in the page.
      const pdf = makePdf('Quarterly numbers');
      await dialog.locator('.dropzone').evaluate((zone, bytes) => {
        const dt = new DataTransfer();
        dt.items.add(new File([new Uint8Array(bytes)], 'Quarterly report.pdf', { type: 'application/pdf' }));
        zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
        zone.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
      }, [...pdf]);
      await page.getByText('“Quarterly report” is uploaded.').waitFor();
      await page.getByRole('link', { name: /Quarterly report/ }).click();
      // Documents are ready at once and open in the pdf.js viewer.
      await expect.poll(() => page.getByTestId('pdf-page').textContent()).toMatch(/of 1/);
      await screenshot(page, 'media-pdf');
      await page.getByRole('link', { name: 'Library', exact: true }).first().click();

      // An audio file is transcoded; its page shows the state and turns into the player by itself.
      const audio = makeAudio({ seconds: 2 });
      await page.getByRole('button', { name: 'Upload' }).click();
      await dialog.locator('input[type=file]').setInputFiles(audio.path);
      await page.getByText('“tone-2s” is uploaded.').waitFor();
      await page.getByRole('link', { name: /tone-2s/ }).click();
      // (an audio element without the browser's controls draws nothing: Foyer's controls are the player)
      await page.locator('audio[data-testid=player-media]').waitFor({ state: 'attached', timeout: 60_000 });
      await page.getByRole('region', { name: /^Player: tone-2s/ }).getByRole('button', { name: 'Play', exact: true }).waitFor();
      await page.waitForFunction(() => {
        const a = document.querySelector('audio');
        return a !== null && a.readyState >= 1 && Math.round(a.duration) === 2;
      });
      await page.getByRole('link', { name: 'Library', exact: true }).first().click();
      await page.getByRole('button', { name: 'Upload' }).click();

      // A real video uploads with a real progress bar. The upload is throttled (DevTools network
      // emulation) so the bar has time to show values between 0 and 100.
      const video = makeVideo({ seconds: 6, name: 'e2e-clip-6s.mp4' });
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: Math.ceil(video.bytes.length / 2) });
      const progress: number[] = [];
      await page.exposeFunction('__foyerProgress', (v: number) => progress.push(v));
      await page.evaluate(() => {
        new MutationObserver(() => {
          const bar = document.querySelector('[role=progressbar]');
          if (bar) (window as unknown as { __foyerProgress: (v: number) => void }).__foyerProgress(Number(bar.getAttribute('aria-valuenow')));
        }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['aria-valuenow'] });
      });
      await dialog.locator('input[type=file]').setInputFiles(video.path);
      await dialog.getByRole('progressbar', { name: 'Uploading e2e-clip-6s.mp4' }).waitFor();
      await screenshot(page, 'upload-progress');
      await page.getByText('“e2e-clip-6s” is uploaded.').waitFor();
      await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
      await cdp.detach();
      expect(await dialog.isVisible()).toBe(false);
      const between = new Set(progress.filter((v) => v > 0 && v < 100));
      expect(between.size).toBeGreaterThanOrEqual(2);
      expect(progress).toEqual([...progress].sort((a, b) => a - b));
      const card = page.getByRole('link', { name: /e2e-clip-6s/ });
      await card.waitFor();
      await screenshot(page, 'library-one-video');

      // At phone width the library does not scroll sideways.
      const phone = await site.open(browser, { viewport: { width: 375, height: 740 }, storageState: await page.context().storageState() });
      await phone.page.goto('/');
      await phone.page.getByRole('link', { name: /e2e-clip-6s/ }).waitFor();
      expect(await hasHorizontalScroll(phone.page)).toBe(false);
      await screenshot(phone.page, 'library-phone');

      // The media page plays the video: after a click on the player its time moves on.
      await card.click();
      await page.waitForURL('**/media/*');
      await page.getByRole('heading', { name: 'e2e-clip-6s' }).waitFor();
      const player = page.locator('video');
      await player.waitFor({ timeout: 60_000 });
      await page.waitForFunction(() => (document.querySelector('video')?.readyState ?? 0) >= 1);
      await player.click();
      await page.waitForFunction(() => {
        const v = document.querySelector('video');
        return v !== null && !v.paused && v.currentTime > 0.5;
      }, undefined, { timeout: 20_000 });
      await screenshot(page, 'media-page');

      // The media page fits a phone too.
      await phone.page.goto(new URL(page.url()).pathname);
      await phone.page.getByRole('heading', { name: 'e2e-clip-6s' }).waitFor();
      expect(await hasHorizontalScroll(phone.page)).toBe(false);
      await screenshot(phone.page, 'media-phone');
      await phone.context.close();

      // Edit title and description inline.
      await page.getByRole('button', { name: 'Edit details' }).click();
      const form = page.getByRole('form', { name: 'Edit details' });
      await form.getByLabel('Title').fill('');
      await form.getByRole('button', { name: 'Save changes' }).click();
      await form.getByText('Enter a title.').waitFor();
      await form.getByLabel('Title').fill('Launch teaser');
      await form.getByLabel('Description').fill('Thirty seconds, no spoilers.');
      await form.getByRole('button', { name: 'Save changes' }).click();
      await page.getByRole('heading', { name: 'Launch teaser' }).waitFor();
      await page.reload();
      await page.getByRole('heading', { name: 'Launch teaser' }).waitFor();
      await page.getByText('Thirty seconds, no spoilers.').waitFor();

      // Delete asks first; "Keep it" keeps it.
      await page.getByRole('button', { name: 'Delete' }).click();
      const confirm = page.getByRole('alertdialog', { name: 'Delete “Launch teaser”?' });
      await confirm.getByRole('button', { name: 'Keep it' }).click();
      expect(await confirm.isVisible()).toBe(false);
      await page.getByRole('button', { name: 'Delete' }).click();
      await confirm.waitFor();
      await screenshot(page, 'delete-confirm');
      await confirm.getByRole('button', { name: 'Delete' }).click();
      await page.waitForURL((u) => u.pathname === '/');
      await page.getByText('“Launch teaser” was deleted.').waitFor();
      await page.getByText('2 items').waitFor();
      expect(await page.getByRole('link', { name: /Launch teaser/ }).count()).toBe(0);
      await page.reload();
      await page.getByRole('link', { name: /Quarterly report/ }).waitFor();
      expect(await page.getByRole('link', { name: /Launch teaser/ }).count()).toBe(0);

      // Log out through the account menu, then back in.
      await page.getByRole('button', { name: /Account menu/ }).click();
      await screenshot(page, 'user-menu');
      await page.getByRole('button', { name: 'Log out' }).click();
      await page.waitForURL('**/login');
      await page.goto('/');
      await page.waitForURL('**/login');
      await page.getByLabel('Email').fill(ada.email);
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.getByRole('heading', { name: 'Library', exact: true }).waitFor();

      expect(site.problems()).toEqual([]);
    });

    it('says clearly when logins are rate limited', async () => {
      const { page } = await site.open(browser);
      await page.goto('/login');
      const who = email('nobody');
      await page.getByLabel('Email').fill(who);
      await page.getByLabel('Password').fill('wrong password');
      const submit = page.getByRole('button', { name: 'Log in' });
      await submit.click();
      await page.getByText('Email or password is incorrect.').waitFor();
      // The server allows a handful of attempts per address and client; keep trying until it says stop.
      for (let i = 0; i < 12 && !(await page.getByText('Too many attempts').isVisible()); i++) {
        const answered = page.waitForResponse((r) => r.url().endsWith('/api/auth/login'));
        await submit.click();
        await answered;
      }
      await page.getByText('Too many attempts').waitFor();
      await page.getByText(/Too many login attempts\. Try again in/).waitFor();
      await screenshot(page, 'login-rate-limited');
      expect(site.problems()).toEqual([]);
    });
  });

  describe('with the development outbox', () => {
    let site: Site;
    beforeAll(async () => {
      site = await startApp();
    });
    afterAll(async () => site?.close());

    it('shows the admin every email, readable with working links; others cannot open it', async () => {
      const admin = { name: 'Grace Hopper', email: email('grace') };
      const { page } = await site.open(browser, { viewport: { width: 1280, height: 860 } });
      await signUpThroughUi(page, admin);
      await page.getByRole('heading', { name: 'Library', exact: true }).waitFor();

      // The first account is the site admin and gets the Outbox in the navigation.
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Outbox' }).click();
      await page.getByRole('heading', { name: 'Email outbox' }).waitFor();
      await page.getByText('Outbox mode').waitFor();
      const row = page.getByRole('row', { name: new RegExp(admin.email.replace(/[.]/g, '\\.')) });
      await row.getByText('verify_email').waitFor();
      await row.getByText('In outbox').waitFor();
      await screenshot(page, 'outbox');

      await row.getByRole('link', { name: 'Confirm your email address for Foyer' }).click();
      await page.getByRole('heading', { name: 'Confirm your email address for Foyer' }).waitFor();
      const link = page.getByRole('link', { name: /\/verify-email\?token=/ });
      expect(await link.getAttribute('href')).toMatch(new RegExp(`^${site.url}/verify-email\\?token=[A-Za-z0-9_-]+$`));
      await screenshot(page, 'outbox-message');
      await link.click();
      await page.getByRole('heading', { name: 'Email confirmed' }).waitFor();

      // The outbox at phone width: no sideways scrolling.
      const phone = await site.open(browser, { viewport: { width: 375, height: 740 }, storageState: await page.context().storageState() });
      await phone.page.goto('/admin/outbox');
      await phone.page.getByRole('heading', { name: 'Email outbox' }).waitFor();
      expect(await hasHorizontalScroll(phone.page)).toBe(false);
      await screenshot(phone.page, 'outbox-phone');

      // A member sees neither the link nor the page.
      const member = await site.open(browser, { viewport: { width: 375, height: 740 } });
      await signUpThroughUi(member.page, { name: 'Member Person', email: email('member') });
      await member.page.getByRole('heading', { name: 'Library', exact: true }).waitFor();
      await member.page.getByRole('region', { name: 'Email confirmation' }).waitFor();
      expect(await hasHorizontalScroll(member.page)).toBe(false);
      await screenshot(member.page, 'library-phone-unverified');
      expect(await member.page.getByRole('link', { name: 'Outbox' }).count()).toBe(0);
      await member.page.goto('/admin/outbox');
      await member.page.getByRole('heading', { name: 'Admins only' }).waitFor();

      // A wrong or used confirmation link says so, and offers a fresh one to the unconfirmed account.
      await member.page.goto('/verify-email?token=not-a-real-token');
      await member.page.getByRole('heading', { name: 'This link does not work' }).waitFor();
      await member.page.getByText('This verification link is invalid or has expired.').waitFor();
      await member.page.getByRole('button', { name: 'Resend email' }).waitFor();

      // Unknown addresses get the not-found page.
      await member.page.goto('/no/such/page');
      await member.page.getByRole('heading', { name: 'Page not found' }).waitFor();

      expect(site.problems()).toEqual([]);
    });
  });
});
