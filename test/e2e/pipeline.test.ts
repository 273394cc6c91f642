import { mkdtempSync, rmSync } from 'node:fs';
import { freePort } from './harness.js';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signUp, type Agent, type TestApp } from '../factories/app.js';
import { invitedGuest } from '../factories/guests.js';
import { fileOf, makeAudio, makeSizedVideo, multipart } from '../factories/media.js';
import { waitFor } from '../factories/wait.js';
import { buildHarness } from './pipeline-harness/build.js';

const chromiumArgs = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--autoplay-policy=no-user-gesture-required'];

/** A PDF with one line of text per page. */
function makePdfPages(texts: string[]): Buffer {
  const n = texts.length;
  const objects: string[] = ['<< /Type /Catalog /Pages 2 0 R >>', `<< /Type /Pages /Kids [${texts.map((_, i) => `${3 + i * 2} 0 R`).join(' ')}] /Count ${n} >>`];
  texts.forEach((t, i) => {
    const stream = `BT /F1 18 Tf 20 70 Td (${t}) Tj ET`;
    objects.push(`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 144] /Contents ${4 + i * 2} 0 R /Resources << /Font << /F1 ${3 + n * 2} 0 R >> >> >>`);
    objects.push(`<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`);
  });
  objects.push('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>');
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

describe('media pipeline in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let webRoot: string;
  const problems: string[] = [];

  beforeAll(async () => {
    webRoot = mkdtempSync(path.join(tmpdir(), 'foyer-harness-'));
    await buildHarness(webRoot);
    // PUBLIC_URL is the address the browser uses: the CSRF Origin check trusts nothing else.
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    t = await createTestApp({ webRoot, env: { MEDIA_URL_TTL_SECONDS: '10', PUBLIC_URL: base } });
    await t.app.listen({ port, host: '127.0.0.1' });
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: chromiumArgs });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    rmSync(webRoot, { recursive: true, force: true });
  });

  /** A page for someone holding this session cookie, recording CSP violations and script errors. */
  async function open(sessionToken: string): Promise<Page> {
    const context = await browser.newContext({ baseURL: base });
    await context.addCookies([{ name: 'foyer_session', value: sessionToken, url: base }]);
    const page = await context.newPage();
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/.test(m.text())) problems.push(`csp: ${m.text()}`);
    });
    return page;
  }

  async function uploadReady(agent: Agent, name: string, bytes: Buffer): Promise<string> {
    const form = multipart(name, bytes);
    const id = (await agent.request('POST', '/api/media', form.body, form.headers)).json().media.id as string;
    const m = await waitFor(
      async () => {
        const media = (await agent.get(`/api/media/${id}`)).json().media;
        return media.status === 'ready' || media.status === 'failed' ? media : undefined;
      },
      { what: 'processing', timeoutMs: 90_000, everyMs: 100 },
    );
    expect(m.status).toBe('ready');
    return id;
  }

  const playing = (page: Page, beyond: number) =>
    page.waitForFunction((s) => {
      const el = document.querySelector<HTMLMediaElement>('[data-testid=player-media]');
      return Boolean(el && !el.paused && el.currentTime > s);
    }, beyond, { timeout: 60_000 });

  it('plays the HLS ladder with quality choice and poster, moves to refreshed signatures, and resumes where the viewer stopped', async () => {
    const owner = await signUp(t);
    const id = await uploadReady(owner.agent, 'talk.mp4', makeSizedVideo({ width: 1280, height: 720, seconds: 24 }).bytes);
    const vtt = 'WEBVTT\n\n00:00.000 --> 00:30.000\nWelcome to the talk\n';
    expect((await owner.agent.request('POST', `/api/media/${id}/captions?lang=en&label=English`, Buffer.from(vtt), { 'content-type': 'text/vtt' })).statusCode).toBe(201);
    const page = await open(owner.agent.cookies.get('foyer_session')!);
    const requests: string[] = [];
    const responses: Array<{ path: string; status: number }> = [];
    page.on('request', (r) => requests.push(new URL(r.url()).pathname));
    page.on('response', (r) => responses.push({ path: new URL(r.url()).pathname, status: r.status() }));
    await page.goto(`/?media=${id}`);

    const video = page.getByTestId('player-media');
    await expect.poll(() => video.getAttribute('poster')).toMatch(new RegExp(`^/api/media/${id}/stream/\\d+/[^/]+/[0-9a-f]{12}/poster\\.jpg$`));
    await page.getByTestId('player-quality').click();
    await expect.poll(() => page.getByRole('menu', { name: 'Quality' }).getByRole('menuitemradio').allTextContents()).toEqual([expect.stringMatching(/^Auto/), '720p', '360p']);
    await page.keyboard.press('Escape');

    await page.evaluate(() => void document.querySelector<HTMLMediaElement>('[data-testid=player-media]')!.play());
    await playing(page, 1.5);

    // Keyboard: C shows the owner's captions, Space pauses and plays, → seeks ahead.
    await page.getByRole('region', { name: /^Player:/ }).focus();
    await page.keyboard.press('c');
    await expect
      .poll(() => page.evaluate(() => {
        const track = document.querySelector<HTMLVideoElement>('[data-testid=player-media]')!.textTracks[0];
        return track && track.mode === 'showing' ? `${track.label}: ${track.cues?.[0] ? (track.cues[0] as VTTCue).text : ''}` : '';
      }))
      .toBe('English: Welcome to the talk');
    await page.keyboard.press(' ');
    await expect.poll(() => page.evaluate(() => document.querySelector<HTMLMediaElement>('[data-testid=player-media]')!.paused)).toBe(true);
    const at = await page.evaluate(() => document.querySelector<HTMLMediaElement>('[data-testid=player-media]')!.currentTime);
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.evaluate(() => document.querySelector<HTMLMediaElement>('[data-testid=player-media]')!.currentTime)).toBeGreaterThan(at + 4);
    await page.keyboard.press(' ');
    await playing(page, at + 5);

    // Every URL handed out so far expires. hls.js has buffered one rendition; switching to the other
    // needs new playlists and segments, which must carry the refreshed signature to be served.
    const firstSig = requests.find((r) => r.endsWith('master.m3u8'))!.split('/')[6];
    t.clock.advance(11_000);
    const before = responses.filter((r) => r.path.endsWith('/playback')).length;
    await expect.poll(() => responses.filter((r) => r.path.endsWith('/playback')).length, { timeout: 20_000 }).toBeGreaterThan(before);
    const other = requests.some((r) => r.includes('/720p/seg_')) ? '360p' : '720p';
    await page.getByTestId('player-quality').click();
    await page.getByRole('menu', { name: 'Quality' }).getByRole('menuitemradio', { name: other, exact: true }).click();
    const fresh = (r: { path: string; status: number }) => r.path.includes(`/${other}/seg_`) && r.status === 200 && r.path.split('/')[6] !== firstSig;
    await expect.poll(() => responses.some(fresh), { timeout: 30_000 }).toBe(true);
    expect(responses.filter((r) => r.status >= 400)).toEqual([]);
    await playing(page, 2.5);

    await page.evaluate(() => document.querySelector<HTMLMediaElement>('[data-testid=player-media]')!.pause());
    const stoppedAt = await page.evaluate(() => document.querySelector<HTMLMediaElement>('[data-testid=player-media]')!.currentTime);
    await waitFor(async () => {
      const row = await t.db.database.db.selectFrom('view_progress').selectAll().where('media_id', '=', id).where('viewer_key', '=', `user:${owner.user.id}`).executeTakeFirst();
      return row && Math.abs(row.position_seconds - stoppedAt) < 1 ? row : undefined;
    }, { what: 'the position report' });

    await page.reload();
    await page.waitForFunction((s) => {
      const el = document.querySelector<HTMLMediaElement>('[data-testid=player-media]');
      return Boolean(el && el.readyState >= 1 && Math.abs(el.currentTime - s) < 4.5);
    }, stoppedAt, { timeout: 30_000 });
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('plays transcoded audio for an invited guest', async () => {
    const owner = await signUp(t);
    const id = await uploadReady(owner.agent, 'tone.mp3', makeAudio({ seconds: 6 }).bytes);
    const g = await invitedGuest(t, owner.agent, id);
    const page = await open(g.agent.cookies.get('foyer_session')!);
    await page.goto(`/?media=${id}`);
    await expect.poll(() => page.locator('audio[data-testid=player-media]').count()).toBe(1);
    await page.evaluate(() => void document.querySelector<HTMLMediaElement>('[data-testid=player-media]')!.play());
    await playing(page, 1);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('shows a PDF with pages, zoom and search, and no download when the owner blocks it', async () => {
    const owner = await signUp(t);
    const form = multipart('guide.pdf', makePdfPages(['Welcome to Foyer', 'Chapter two: signed links', 'The end']));
    const id = (await owner.agent.request('POST', '/api/media', form.body, form.headers)).json().media.id as string;
    const g = await invitedGuest(t, owner.agent, id);
    const page = await open(g.agent.cookies.get('foyer_session')!);
    await page.goto(`/?media=${id}&mode=pdf`);
    await expect.poll(() => page.getByTestId('pdf-page').textContent()).toMatch(/of 3/);
    const inked = () =>
      page.evaluate(() => {
        const c = document.querySelector<HTMLCanvasElement>('[data-testid=pdf-canvas]')!;
        const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        let dark = 0;
        for (let i = 0; i < data.length; i += 4) if (data[i] < 128 && data[i + 3] > 0) dark++;
        return dark;
      });
    await expect.poll(inked).toBeGreaterThan(50);
    await expect.poll(() => page.getByRole('link', { name: 'Download' }).count()).toBe(1);

    await page.getByTestId('pdf-search').fill('signed');
    await page.getByTestId('pdf-search').press('Enter');
    await expect.poll(() => page.getByTestId('pdf-matches').textContent()).toBe('1 found, page 2');
    await expect.poll(() => page.locator('.textLayer .pdf-hit').count()).toBeGreaterThan(0);

    const width = () => page.evaluate(() => parseFloat(document.querySelector<HTMLCanvasElement>('[data-testid=pdf-canvas]')!.style.width));
    const before = await width();
    await page.getByRole('button', { name: 'Zoom in' }).click();
    await expect.poll(width).toBeGreaterThan(before * 1.2);

    await owner.agent.request('PUT', `/api/media/${id}/block-download`, { blockDownload: true });
    await page.reload();
    await expect.poll(inked).toBeGreaterThan(50);
    expect(await page.getByRole('link', { name: 'Download' }).count()).toBe(0);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('runs a quiz: the invited viewer answers as the video stops, sees the score, and the owner sees it too', async () => {
    const owner = await signUp(t, { name: 'Quiz Owner' });
    const id = await uploadReady(owner.agent, 'lesson.mp4', makeSizedVideo({ width: 320, height: 240, seconds: 6 }).bytes);
    const saved = await owner.agent.request('PUT', `/api/media/${id}/quiz`, {
      settings: { maxAttempts: 1, showCorrectAnswers: 'at_end', passingScorePercent: 50 },
      questions: [
        { id: 'first', kind: 'single', atSeconds: 1, prompt: 'Pick blue', points: 1, options: [{ id: 'r', text: 'Red' }, { id: 'b', text: 'Blue' }], correctOptionIds: ['b'] },
        { id: 'second', kind: 'true_false', atSeconds: 2, prompt: 'Two is even', points: 1, correct: true },
        { id: 'third', kind: 'open', atSeconds: 3, prompt: 'Say something', points: 1 },
        // At the very last frame: asked when the video ends.
        { id: 'last', kind: 'true_false', atSeconds: 6, prompt: 'This was the end', points: 1, correct: true },
      ],
    });
    expect(saved.statusCode).toBe(200);

    // The owner's results table shows the name from the invite.
    const g = await invitedGuest(t, owner.agent, id, { firstName: 'Invited', lastName: 'guest' });
    const page = await open(g.agent.cookies.get('foyer_session')!);
    await page.goto(`/?media=${id}&mode=quiz`);
    await page.getByTestId('quiz-start').click();
    await page.waitForSelector('[data-testid=player-media]');
    await page.evaluate(() => void document.querySelector<HTMLMediaElement>('[data-testid=player-media]')!.play());

    const card = page.getByTestId('quiz-question');
    await expect.poll(() => card.getAttribute('data-question-id'), { timeout: 30_000 }).toBe('first');
    expect(await page.evaluate(() => document.querySelector<HTMLMediaElement>('[data-testid=player-media]')!.paused)).toBe(true);
    await page.getByLabel('Blue', { exact: true }).check();
    await page.getByRole('button', { name: 'Answer' }).click();
    await expect.poll(() => card.getAttribute('data-question-id'), { timeout: 30_000 }).toBe('second');
    await page.getByLabel('True', { exact: true }).check();
    await page.getByRole('button', { name: 'Answer' }).click();
    await expect.poll(() => card.getAttribute('data-question-id'), { timeout: 30_000 }).toBe('third');
    await page.getByLabel('Your answer', { exact: true }).last().fill('Nice video');
    await page.getByRole('button', { name: 'Answer' }).click();
    await expect.poll(() => card.getAttribute('data-question-id'), { timeout: 30_000 }).toBe('last');
    await page.getByLabel('True', { exact: true }).check();
    await page.getByRole('button', { name: 'Answer' }).click();

    await expect.poll(() => page.getByTestId('quiz-score').textContent(), { timeout: 30_000 }).toContain('Your score: 3 of 3 (100%)');
    expect(await page.getByTestId('quiz-score').textContent()).toContain('You passed.');

    const ownerPage = await open(owner.agent.cookies.get('foyer_session')!);
    await ownerPage.goto(`/?media=${id}&mode=results`);
    const row = ownerPage.getByTestId('quiz-result-row');
    await expect.poll(() => row.textContent()).toMatch(/Invited guest100%Yes1/);
    await ownerPage.getByRole('button', { name: 'Answers' }).click();
    await expect.poll(() => ownerPage.getByTestId('quiz-results').textContent()).toContain('Say something — Nice video');
    await expect.poll(() => ownerPage.getByTestId('quiz-results').textContent()).toContain('Pick blue — Blue ✓');
    expect(problems).toEqual([]);
    await page.context().close();
    await ownerPage.context().close();
  });

  it('uploads from the browser through tus with progress, and the file arrives whole', async () => {
    const owner = await signUp(t);
    const page = await open(owner.agent.cookies.get('foyer_session')!);
    await page.goto('/?mode=upload');
    const file = makeSizedVideo({ width: 320, height: 240, seconds: 6 });
    await page.getByTestId('file').setInputFiles(file.path);
    const mediaId = await waitFor(async () => {
      const text = (await page.getByTestId('upload-result').textContent()) ?? '';
      return text ? text : undefined;
    }, { what: 'the upload to finish', timeoutMs: 30_000 });
    expect(mediaId).not.toMatch(/^error/);
    expect(await page.getByTestId('upload-progress').textContent()).toBe(`${file.bytes.length}/${file.bytes.length}`);
    const original = await fileOf(owner.agent, mediaId);
    expect(original.rawPayload.equals(file.bytes)).toBe(true);
    expect(problems).toEqual([]);
    await page.context().close();
  });
});
