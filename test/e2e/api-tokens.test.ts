import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasHorizontalScroll, launchBrowser, screenshot, startApp, type Site } from './harness.js';
import { ownerSession } from './setup.js';

/** Issue 14 item 5 in the browser: Account → API tokens; a token shown once works by API until revoked. */
describe('API tokens in Chromium', () => {
  let browser: Browser;
  let site: Site;
  beforeAll(async () => {
    [browser, site] = await Promise.all([launchBrowser(), startApp()]);
  });
  afterAll(async () => {
    await site?.close();
    await browser?.close();
  });

  it('an owner creates a token from the account menu, copies it once, uses it by API, and revokes it after a confirmation', async () => {
    const owner = await ownerSession(site, browser, { name: 'Ines Integrator' }, { viewport: { width: 1366, height: 900 } });
    const p = owner.page;
    await p.getByRole('button', { name: 'Account menu for Ines Integrator' }).click();
    await p.getByRole('link', { name: 'API tokens' }).click();
    await p.getByRole('heading', { name: 'API tokens', level: 1 }).waitFor();
    await p.getByText('No API tokens yet').waitFor();

    // bad input keeps the dialog and says what is wrong
    await p.getByRole('button', { name: 'Create token' }).first().click();
    const dialog = p.getByRole('dialog', { name: 'Create API token' });
    await dialog.getByRole('checkbox', { name: /media:read/ }).uncheck();
    await dialog.getByRole('button', { name: 'Create token' }).click();
    await dialog.getByText('Give the token a name, e.g. the system that will use it.').waitFor();
    await dialog.getByText('Choose at least one scope.').waitFor();

    await dialog.getByLabel('Name').fill('Moodle import');
    await dialog.getByRole('checkbox', { name: /media:read/ }).check();
    await dialog.getByRole('checkbox', { name: /invites:write/ }).check();
    await dialog.getByLabel('Expires after').selectOption({ label: '30 days' });
    await dialog.getByRole('button', { name: 'Create token' }).click();
    await dialog.waitFor({ state: 'hidden' });

    // shown once, with a copy button
    const secret = await p.getByRole('textbox', { name: 'API token Moodle import' }).inputValue();
    expect(secret).toMatch(/^fy_[A-Za-z0-9_-]{43}$/);
    await p.getByRole('button', { name: 'Copy' }).click();
    expect(await p.evaluate(() => navigator.clipboard.readText())).toBe(secret);
    const row = p.getByRole('row', { name: /Moodle import/ });
    await row.getByText(`fy_…${secret.slice(-4)}`).waitFor();
    expect(await row.textContent()).toContain('media:read, invites:write');
    await screenshot(p, 'api-tokens-1366');
    await p.getByRole('button', { name: 'Done' }).click();
    expect(await p.getByRole('textbox', { name: 'API token Moodle import' }).count()).toBe(0);
    // a reload never shows it again
    await p.reload();
    await row.waitFor();
    expect(await p.content()).not.toContain(secret);

    // the token works by API, without the browser's cookies
    const api = await browser.newContext();
    const listed = await api.request.get(`${site.url}/api/media`, { headers: { authorization: `Bearer ${secret}` } });
    expect(listed.status()).toBe(200);
    await p.reload();
    await expect.poll(() => row.locator('td[data-label="Last used"]').textContent()).not.toBe('Never');

    // revoking asks first; afterwards the token is refused
    await row.getByRole('button', { name: 'Revoke Moodle import' }).click();
    const confirm = p.getByRole('alertdialog', { name: 'Revoke “Moodle import”?' });
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    expect((await api.request.get(`${site.url}/api/media`, { headers: { authorization: `Bearer ${secret}` } })).status()).toBe(200);
    await row.getByRole('button', { name: 'Revoke Moodle import' }).click();
    await confirm.getByRole('button', { name: 'Revoke token' }).click();
    await row.getByText('Revoked', { exact: true }).waitFor();
    const refused = await api.request.get(`${site.url}/api/media`, { headers: { authorization: `Bearer ${secret}` } });
    expect(refused.status()).toBe(401);
    expect((await refused.json()).error.code).toBe('invalid_token');
    await api.close();

    // the page holds on a phone
    await p.setViewportSize({ width: 390, height: 844 });
    expect(await hasHorizontalScroll(p)).toBe(false);
    await screenshot(p, 'api-tokens-390');
    expect(site.problems()).toEqual([]);
  });
});
