import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot, startApp, type Site } from './harness.js';
import { inviteLink, personRow, submitLobbyEmail, uploadVideo, waitForPlayer } from './invite-flows.js';
import { ownerSession, uniqueEmail } from './setup.js';

const started = Date.now();

/** Fills the last question the editor added: its time, prompt and (for choices) the options. */
async function fillLast(page: import('playwright-core').Page, q: { at: string; prompt: string; choices?: string[]; right?: number }) {
  const editor = page.getByRole('region', { name: 'Quiz editor' });
  const card = editor.locator('.quiz-editor-question').last();
  const time = card.getByLabel('Time (m:ss)');
  await time.fill(q.at);
  await time.blur();
  await card.getByLabel('Question', { exact: true }).fill(q.prompt);
  for (const [i, text] of (q.choices ?? []).entries()) await card.getByLabel(`Choice ${i + 1}`, { exact: true }).fill(text);
  if (q.right !== undefined) await card.getByLabel('Right answer').nth(q.right).check();
}

describe('quiz in Chromium: the owner builds it, an invited guest takes it, the owner sees the score', () => {
  let browser: Browser;
  let site: Site;

  beforeAll(async () => {
    [browser, site] = await Promise.all([launchBrowser(), startApp({ smtp: true })]);
  });
  afterAll(async () => {
    await site?.close();
    await browser?.close();
    console.log(`quiz e2e: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });

  it('owner makes a quiz in the UI, the guest answers through the lobby, the owner sees answers and score', async () => {
    const owner = await ownerSession(site, browser, { name: 'Quinn Owner', email: uniqueEmail('quinn') });
    const mediaId = await uploadVideo(owner.page, 'Safety briefing');
    const page = owner.page;

    // The owner adds two questions at times of the video and saves: the video becomes a quiz.
    const editor = page.getByRole('region', { name: 'Quiz editor' });
    await editor.getByRole('button', { name: 'Add single choice' }).click();
    await fillLast(page, { at: '0:01', prompt: 'Which exit is closest?', choices: ['North', 'South'], right: 1 });
    await editor.getByRole('button', { name: 'Add true / false' }).click();
    await fillLast(page, { at: '0:02', prompt: 'Lifts are safe in a fire' });
    await editor.locator('.quiz-editor-question').last().getByLabel('Right answer').selectOption('false');
    await editor.getByLabel('Passing score %').fill('50');
    await screenshot(page, 'quiz-editor');
    await editor.getByRole('button', { name: 'Save quiz' }).click();
    await editor.getByText('Saved.').waitFor();
    await page.locator('.media-meta').getByText('Quiz', { exact: true }).waitFor();
    await page.getByTestId('quiz-start').waitFor();

    // Invite one person without email; the link is shown once.
    const guestEmail = uniqueEmail('gus');
    const link = await inviteLink(page, { email: guestEmail, firstName: 'Gus', lastName: 'Guest' });

    // The guest opens the link in another browser, passes the lobby and takes the quiz.
    const guest = await site.open(browser, { viewport: { width: 1280, height: 860 } });
    const g = guest.page;
    await g.goto(link);
    await g.waitForURL(`${site.url}/lobby`);
    await submitLobbyEmail(g, guestEmail);
    await g.waitForURL(`${site.url}/media/${mediaId}`);
    await g.getByRole('heading', { name: 'Safety briefing', level: 1 }).waitFor();
    await screenshot(g, 'quiz-guest-start');
    await g.getByTestId('quiz-start').click();
    await waitForPlayer(g);
    // Start playback only if it is not already running: a click on a playing video would pause it.
    await g.evaluate(async () => {
      const v = document.querySelector<HTMLVideoElement>('[data-testid=player-media]')!;
      v.muted = true;
      if (v.paused) await v.play();
    });

    // The player stops at each question; the guest answers.
    const card = g.getByTestId('quiz-question');
    await expect.poll(() => card.getAttribute('data-question-id'), { timeout: 30_000 }).not.toBeNull();
    expect(await g.evaluate(() => document.querySelector<HTMLMediaElement>('[data-testid=player-media]')!.paused)).toBe(true);
    await card.getByText('Which exit is closest?').waitFor();
    await screenshot(g, 'quiz-guest-question');
    await g.getByLabel('South', { exact: true }).check();
    await g.getByRole('button', { name: 'Answer' }).click();
    await card.getByText('Lifts are safe in a fire').waitFor({ timeout: 30_000 });
    await g.getByLabel('False', { exact: true }).check();
    await g.getByRole('button', { name: 'Answer' }).click();

    await expect.poll(() => g.getByTestId('quiz-score').textContent(), { timeout: 30_000 }).toContain('Your score: 2 of 2 (100%)');
    expect(await g.getByTestId('quiz-score').textContent()).toContain('You passed.');
    await screenshot(g, 'quiz-guest-score');

    // The owner sees the guest's score on their row of People with access, and their answers.
    await page.reload();
    const row = personRow(page, guestEmail);
    await expect.poll(() => row.getByTestId('person-score').textContent(), { timeout: 30_000 }).toContain('2 of 2 (100%)');
    expect(await row.getByTestId('person-score').textContent()).toContain('Passed');
    await expect.poll(() => row.getByTestId('person-watched').textContent(), { timeout: 30_000 }).toMatch(/\d+% seen/);
    const results = page.getByTestId('quiz-results');
    await expect.poll(() => results.getByTestId('quiz-result-row').textContent()).toContain('Gus Guest');
    await results.getByRole('button', { name: 'Answers' }).click();
    await expect.poll(() => results.textContent()).toContain('Which exit is closest? — South ✓');
    await page.getByRole('link', { name: 'Quiz results CSV' }).waitFor();
    const csv = await page.evaluate(async (id) => (await fetch(`/api/media/${id}/quiz/results.csv`)).text(), mediaId);
    expect(csv).toContain(guestEmail);
    await screenshot(page, 'quiz-owner-results');
    expect(site.problems()).toEqual([]);
    await guest.context.close();
  });
});
