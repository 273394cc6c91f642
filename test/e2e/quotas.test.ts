import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatBytes } from '../../src/contracts/bytes.js';
import { makePdf } from '../factories/media.js';
import { launchBrowser, screenshot, startApp, type Site } from './harness.js';
import { ownerSession } from './setup.js';

const GB = 1024 ** 3;

/** Drops a PDF on the upload dialog's drop zone, as a person dragging a file would. */
async function dropPdf(page: Page, name: string, bytes: Buffer) {
  await page.getByRole('button', { name: 'Upload' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'Upload media' });
  await dialog.locator('.dropzone').evaluate(
    (zone, [fileName, data]) => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(data as number[])], fileName as string, { type: 'application/pdf' }));
      zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
      zone.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    },
    [name, [...bytes]] as const,
  );
  return dialog;
}

/** Storage quotas (issue 14, item 4) in the browser: the admin sets one, the library shows it, an upload over it is refused. */
describe('storage quotas in Chromium', () => {
  let browser: Browser;
  let site: Site;
  beforeAll(async () => {
    browser = await launchBrowser();
    site = await startApp();
  });
  afterAll(async () => {
    await site?.close();
    await browser?.close();
  });

  it('the admin limits storage per account; the library shows the use; an upload that does not fit is refused and nothing is lost', async () => {
    const admin = await ownerSession(site, browser, { name: 'Ada Admin' });
    const first = makePdf('The first handout');
    const second = makePdf('The second handout, a little longer');
    // room for the first file and half the second
    const quotaGb = ((first.length + second.length / 2) / GB).toFixed(9);

    await admin.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
    await admin.page.getByRole('heading', { name: 'Site settings' }).waitFor();
    const storage = admin.page.getByRole('region', { name: 'Storage' });
    await storage.getByRole('radio', { name: 'Limit each account' }).check();
    await storage.getByLabel('Storage per account (GB)').fill('0');
    await admin.page.getByRole('button', { name: 'Save settings' }).click();
    await storage.getByText('Enter a size in GB greater than 0, such as 5 or 0.5.').waitFor();
    await storage.getByLabel('Storage per account (GB)').fill(quotaGb);
    await admin.page.getByRole('button', { name: 'Save settings' }).click();
    await admin.page.getByText('Settings saved.').waitFor();
    const saved = (await site.services.settings.get()).defaultQuotaBytes!;
    expect(saved).toBeGreaterThan(first.length);
    expect(saved).toBeLessThan(first.length + second.length);

    const owner = await ownerSession(site, browser, { name: 'Quinn Quota' });
    const { page } = owner;
    const meter = page.getByLabel('Storage', { exact: true });
    await expect.poll(() => meter.textContent()).toBe(`0 B of ${formatBytes(saved)} used`);

    const dialog = await dropPdf(page, 'Handout.pdf', first);
    await page.getByText('“Handout” is uploaded.').waitFor();
    await expect.poll(() => meter.textContent()).toMatch(new RegExp(`^${formatBytes(first.length)} of ${formatBytes(saved)} used`));
    await expect.poll(() => page.getByRole('meter', { name: 'Storage used' }).getAttribute('aria-valuenow')).toBe(String(first.length));

    await dropPdf(page, 'Second handout.pdf', second);
    await dialog.getByText('Not enough storage').waitFor();
    await dialog.getByText(/does not fit: .* of your .* is left\. Nothing was saved/).waitFor();
    await screenshot(page, 'quota-refused');
    await page.keyboard.press('Escape');
    // nothing lost, nothing half-stored
    await expect.poll(() => page.locator('li.media-card').count()).toBe(1);
    expect((await site.services.quotas.storageOf(owner.user.id)).usedBytes).toBe(first.length);

    // the admin gives this account no limit: the same file now goes in
    const csrf = (await admin.context.cookies(site.url)).find((c) => c.name === 'foyer_csrf')!.value;
    const res = await admin.context.request.put(`${site.url}/api/admin/users/${owner.user.id}/quota`, { data: { quota: 'unlimited' }, headers: { 'x-csrf-token': csrf } });
    expect(res.status()).toBe(200);
    await page.reload();
    await expect.poll(() => meter.textContent()).toBe(`${formatBytes(first.length)} used`);
    await dropPdf(page, 'Second handout.pdf', second);
    await page.getByText('“Second handout” is uploaded.').waitFor();
    await expect.poll(() => page.locator('li.media-card').count()).toBe(2);
    expect(site.problems()).toEqual([]);
  });
});
