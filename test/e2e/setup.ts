/**
 * Set-up the e2e tests share: people with accounts, ready in a browser. Signing up and confirming an
 * email through the UI is what test/e2e/foundation.test.ts tests; everyone else gets an account the
 * quick way (the same HTTP API the sign-up page calls, confirmed with the link from the real email).
 */
import type { APIRequestContext, Browser, BrowserContextOptions, Page } from 'playwright-core';
import { linkIn } from '../factories/smtp.js';
import type { Site } from './harness.js';

let seq = 0;
export const PASSWORD = 'correct horse battery';
export const uniqueEmail = (who: string, domain = 'example.com') => `${who}.${Date.now().toString(36)}.${++seq}@${domain}`;

/**
 * A verified account logged in in a fresh browser context (own cookies), its page on the library.
 * Signs up through POST /api/auth/signup from that context, so the session cookie is the browser's own;
 * confirms the address with the link from the confirmation email (the SMTP server's copy when the site
 * has one, else the outbox row in the database).
 */
export async function ownerSession(site: Site, browser: Browser, who: { name?: string; email?: string } = {}, contextOpts: BrowserContextOptions = {}) {
  const name = who.name ?? 'Olga Owner';
  const email = who.email ?? uniqueEmail('owner');
  const opened = await site.open(browser, { viewport: { width: 1280, height: 860 }, permissions: ['clipboard-read', 'clipboard-write'], ...contextOpts });
  const api = opened.context.request;
  await api.get(`${site.url}/api/health`);
  const csrf = (await opened.context.cookies(site.url)).find((c) => c.name === 'foyer_csrf')?.value;
  if (!csrf) throw new Error('no CSRF cookie from the site');
  const post = (path: string, data: unknown) => api.post(`${site.url}${path}`, { data, headers: { 'x-csrf-token': csrf } });

  const signedUp = await post('/api/auth/signup', { email, name, password: PASSWORD });
  if (signedUp.status() !== 201) throw new Error(`sign-up failed: ${signedUp.status()} ${await signedUp.text()}`);
  const user = (await signedUp.json()).user as { id: string; email: string; isAdmin: boolean };

  const mailText = site.smtp
    ? (await site.smtp.waitFor(email, (m) => /Confirm your email/.test(m.subject))).text
    : (await site.db.database.db.selectFrom('mail_messages').select('text_body').where('to_address', '=', email).where('kind', '=', 'verify_email').executeTakeFirstOrThrow()).text_body;
  const link = linkIn(mailText, `${site.url}/verify-email?token=`);
  if (!link) throw new Error(`no confirmation link in the email to ${email}`);
  const verified = await post('/api/auth/verify-email', { token: new URL(link).searchParams.get('token') });
  if (verified.status() !== 200) throw new Error(`email confirmation failed: ${verified.status()} ${await verified.text()}`);

  await opened.page.goto('/');
  await opened.page.getByRole('heading', { name: 'Library', exact: true }).waitFor();
  return { ...opened, name, email, user };
}

/** Logs in through the login page (for accounts made another way, e.g. the admin from the CLI). */
export async function logIn(page: Page, email: string) {
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('heading', { name: 'Library', exact: true }).waitFor();
}

/** A JSON POST as the browser context's own (its cookies and CSRF token), for set-up that the test does not click through. */
export async function apiPost(site: Site, api: APIRequestContext, path: string, data: unknown) {
  const csrf = (await api.storageState()).cookies.find((c) => c.name === 'foyer_csrf')?.value;
  if (!csrf) throw new Error('no CSRF cookie in this browser context');
  const res = await api.post(`${site.url}${path}`, { data, headers: { 'x-csrf-token': csrf } });
  if (!res.ok()) throw new Error(`POST ${path} failed: ${res.status()} ${await res.text()}`);
  return res.json();
}
