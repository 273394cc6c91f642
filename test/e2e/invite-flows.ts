/** Steps the invite e2e tests share: uploads and invites, all through the UI (accounts: see setup.ts). */
import type { Page } from 'playwright-core';
import { makePdf, makeVideo } from '../factories/media.js';

/** Uploads a short real video from the library and opens its page; returns the media id. */
export async function uploadVideo(page: Page, name: string): Promise<string> {
  await page.goto('/');
  await page.getByRole('button', { name: 'Upload' }).first().click();
  const video = makeVideo({ seconds: 4, name: `${name}.mp4` });
  await page.getByRole('dialog', { name: 'Upload media' }).locator('input[type=file]').setInputFiles(video.path);
  await page.getByText(`“${name}” is uploaded.`).waitFor();
  await page.getByRole('link', { name: new RegExp(name) }).click();
  await page.getByRole('heading', { name, level: 1 }).waitFor();
  // Transcoding runs after the upload; the page polls and swaps in the player when it is ready.
  await waitForPlayer(page);
  return new URL(page.url()).pathname.split('/').pop()!;
}

/** Uploads a one-page PDF from the library and opens its page (documents are ready at once); returns the media id. */
export async function uploadPdf(page: Page, name: string): Promise<string> {
  await page.goto('/');
  await page.getByRole('button', { name: 'Upload' }).first().click();
  await page
    .getByRole('dialog', { name: 'Upload media' })
    .locator('input[type=file]')
    .setInputFiles({ name: `${name}.pdf`, mimeType: 'application/pdf', buffer: makePdf(name) });
  await page.getByText(`“${name}” is uploaded.`).waitFor();
  await page.getByRole('link', { name: new RegExp(name) }).click();
  await page.getByRole('heading', { name, level: 1 }).waitFor();
  return new URL(page.url()).pathname.split('/').pop()!;
}

/** The media page shows the player (the transcode has finished). */
export async function waitForPlayer(page: Page) {
  await page.locator('[data-testid=player-media]').waitFor({ timeout: 90_000 });
}

/** The owner's "Invite people" dialog, one person. Leaves the dialog open on its result. */
export async function inviteOne(page: Page, person: { email: string; firstName?: string; lastName?: string; message?: string; sendEmail?: boolean }) {
  await page.getByRole('button', { name: 'Invite people' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'Invite people' });
  await dialog.getByLabel('Email', { exact: true }).fill(person.email);
  if (person.firstName) await dialog.getByLabel('First name').fill(person.firstName);
  if (person.lastName) await dialog.getByLabel('Last name').fill(person.lastName);
  if (person.message) await dialog.getByLabel('Personal message').fill(person.message);
  if (person.sendEmail === false) await dialog.getByLabel('Send link by email').uncheck();
  await dialog.getByRole('button', { name: person.sendEmail === false ? 'Create link' : 'Send invite' }).click();
  return dialog;
}

/** "Send link by email" off: the owner copies the link shown once and closes the dialog. */
export async function inviteLink(page: Page, person: { email: string; firstName?: string; lastName?: string }): Promise<string> {
  const dialog = await inviteOne(page, { ...person, sendEmail: false });
  const link = await dialog.getByRole('textbox', { name: `Invite link for ${person.email}` }).inputValue();
  await dialog.getByRole('button', { name: 'Done' }).click();
  return link;
}

/** The row of one person in "People with access". */
export const personRow = (page: Page, email: string) =>
  page.getByRole('table', { name: /^People with access/ }).locator('tr', { has: page.getByText(email, { exact: true }) });

/** Types the email in the lobby and presses Continue. */
export async function submitLobbyEmail(page: Page, email: string) {
  await page.getByLabel('Email address this invite was sent to').fill(email);
  await page.getByRole('button', { name: 'Continue' }).click();
}

/** The video on the page plays: after a click its time moves on (polling, no fixed wait). */
export async function expectVideoPlays(page: Page) {
  await waitForPlayer(page);
  await page.waitForFunction(() => (document.querySelector('video')?.readyState ?? 0) >= 1);
  await page.locator('video').click();
  await page.waitForFunction(
    () => {
      const v = document.querySelector('video');
      return v !== null && !v.paused && v.currentTime > 0.5;
    },
    undefined,
    { timeout: 20_000 },
  );
}
