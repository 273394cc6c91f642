/**
 * Chromium for the live benchmarks: launched with the flags the brief names; people who enter a room
 * through a real invite and the real lobby page; the bench's measuring scripts as init scripts; and
 * the bench's own pages (a publisher without the Go live panel, a viewer without the room) as
 * documents of the site itself.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { clockBlocksFile } from './clock-blocks.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../..');

export const chromiumFlags = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--autoplay-policy=no-user-gesture-required',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: chromiumFlags });
}

const files: Record<string, string> = {
  'clock-blocks.js': clockBlocksFile,
  'clock-camera.js': path.join(here, 'page/clock-camera.js'),
  'camera-override.js': path.join(here, 'page/camera-override.js'),
  'publisher.js': path.join(here, 'page/publisher.js'),
  'viewer.js': path.join(here, 'page/viewer.js'),
  'watch.js': path.join(here, 'page/watch.js'),
  'hls.js': path.join(repoRoot, 'node_modules/hls.js/dist/hls.min.js'),
};
const source = (name: string) => readFileSync(files[name]!, 'utf8');

/** Init script: the publisher's camera and microphone are the bench's clock camera and tone. */
export const cameraInit = (bench: Record<string, unknown>) => `window.BENCH = ${JSON.stringify(bench)};\n${source('clock-blocks.js')}\n${source('clock-camera.js')}\n${source('camera-override.js')}`;
/** Init script: the viewer's measurement of the live player. */
export const watchInit = () => `${source('clock-blocks.js')}\n${source('watch.js')}`;

export const evaluate = <T>(page: Page, expr: string) => page.evaluate(expr) as Promise<T>;

/**
 * A person in a browser context of their own who opens their invite link, passes the real lobby
 * page with the invited email and lands in the event's room. `init` scripts run in every document
 * of the context before the page's own.
 */
export async function enterRoom(browser: Browser, siteUrl: string, invite: { link: string; email: string }, eventId: string, init: string[] = []): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  for (const content of init) await context.addInitScript({ content });
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' && process.env.BENCH_VERBOSE) console.error(`[browser] ${m.text()}`);
  });
  await page.goto(invite.link);
  await page.waitForURL((u) => u.pathname === '/lobby');
  await page.getByLabel('Email address this invite was sent to').fill(invite.email);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.waitForURL(`${siteUrl}/events/${eventId}`);
  await page.getByRole('tablist', { name: 'Room panels' }).waitFor();
  return { context, page };
}

/**
 * One of the bench's own pages (`publisher` or `viewer`) with `window.BENCH = bench`, as a document
 * of the site itself: the page navigates to a real answer of the site (GET /api/health) and its
 * content is replaced by the bench's, so it keeps the site's origin, address space and
 * Content-Security-Policy (a page fulfilled by playwright alone is not on the loopback address space,
 * and Chromium's local network access checks then block its ingest socket). /bench/*.js are answered
 * by the bench; everything else (the API, the ingest socket, the live playlists) goes to Foyer.
 */
export async function openBenchPage(context: BrowserContext, siteUrl: string, name: 'publisher' | 'viewer', bench: Record<string, unknown>): Promise<Page> {
  const page = await context.newPage();
  await page.route(`${siteUrl}/bench/**`, (route) => {
    const file = new URL(route.request().url()).pathname.replace('/bench/', '');
    // the CSP allows scripts from the site only, not inline ones: the settings come as a script too
    if (file === 'settings.js') return route.fulfill({ status: 200, contentType: 'text/javascript; charset=utf-8', body: `window.BENCH = ${JSON.stringify(bench)};` });
    if (!files[file]) return route.fulfill({ status: 404, body: 'not a bench file' });
    return route.fulfill({ status: 200, contentType: 'text/javascript; charset=utf-8', body: source(file) });
  });
  page.on('console', (m) => {
    if (m.type() === 'error' && process.env.BENCH_VERBOSE) console.error(`[${name}] ${m.text()}`);
  });
  await page.goto(`${siteUrl}/api/health`);
  const libs = ['settings.js', ...(name === 'viewer' ? ['hls.js', 'clock-blocks.js', 'watch.js', 'viewer.js'] : ['clock-blocks.js', 'clock-camera.js', 'publisher.js'])];
  await page.setContent(`<!doctype html><html><head><meta charset="utf-8"><title>bench ${name}</title></head><body>${libs.map((l) => `<script src="/bench/${l}"></script>`).join('')}</body></html>`);
  return page;
}

/** A browser context let in through its invite by the lobby's API (the same requests the lobby page sends), for the bench's own pages. */
export async function contextThroughLobby(browser: Browser, siteUrl: string, invite: { link: string; email: string }): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const api = context.request;
  const opened = await api.get(invite.link, { maxRedirects: 0 });
  if (opened.status() >= 400) throw new Error(`invite link refused: ${opened.status()}`);
  await api.get(`${siteUrl}/api/lobby`);
  const csrf = (await context.cookies(siteUrl)).find((c) => c.name === 'foyer_csrf')?.value;
  if (!csrf) throw new Error('no CSRF cookie from the site');
  const entered = await api.post(`${siteUrl}/api/lobby/enter`, { data: { email: invite.email }, headers: { 'x-csrf-token': csrf, origin: siteUrl } });
  const body = (await entered.json()) as { next?: string };
  if (entered.status() !== 200 || body.next !== 'enter') throw new Error(`lobby refused: ${entered.status()} ${JSON.stringify(body)}`);
  return context;
}
