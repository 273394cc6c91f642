/**
 * E2E harness: the real Foyer app on a free port, real Chromium, and optionally a real SMTP server.
 *
 *   const browser = await launchBrowser();               // once per file
 *   const site = await startApp({ smtp: true });         // per test (own temp DATA_DIR and SQLite)
 *   const { page } = await site.open(browser);           // new context (own cookies) + page
 *   await page.goto('/signup');                          // relative to site.url
 *   const mail = await site.smtp!.waitFor(email, (m) => /Confirm/.test(m.subject));
 *   ...
 *   expect(site.problems()).toEqual([]);                 // no page errors / CSP violations seen
 *   await site.close(); await browser.close();
 *
 * The app is built with buildApp() from src/server/app.ts (same code as main.ts), serving the built
 * SPA from dist/web (test/e2e/global-setup.ts builds it when stale). Nothing is mocked: the mailer is
 * SMTP (with `smtp: true`) or the development outbox.
 */
import { mkdirSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { buildApp, type App } from '../../src/server/app.js';
import type { Config } from '../../src/server/config.js';
import { loadConfig } from '../../src/server/config.js';
import { createLogger } from '../../src/server/logger.js';
import type { RtmpServer } from '../../src/server/adapters/rtmp/rtmp-server.js';
import { startRtmpListener } from '../../src/server/runtime.js';
import { repoRoot } from '../../scripts/build-if-stale.mjs';
import { createTestDatabase, type TestDatabase, type TestDialect } from '../factories/database.js';
import { SmtpCapture } from '../factories/smtp.js';

export const webRoot = path.join(repoRoot, 'dist/web');

export const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

/** Chromium from CHROMIUM_PATH, else /usr/bin/chromium. Close it in afterAll. */
export function launchBrowser(opts: { args?: string[] } = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [...chromiumArgs, ...(opts.args ?? [])],
  });
}

/** A TCP port nobody listens on right now (the OS picks it). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface StartAppOptions {
  /** Send mail through a real SMTP server started for this app (see `site.smtp`); default: development outbox. */
  smtp?: boolean;
  /** Database: SQLite in a temp folder by default; 'postgres' needs TEST_DATABASE_URL. */
  dialect?: TestDialect;
  /** Extra environment for loadConfig (e.g. { UPLOAD_LIMIT_MB: '1' }). */
  env?: Record<string, string>;
  /** Also run the RTMP listener for DIY live (as main.ts does) on a free port: `site.rtmpPort`. */
  rtmp?: boolean;
}

export interface OpenedPage {
  context: BrowserContext;
  page: Page;
}

export interface Site {
  /** http://127.0.0.1:<port>, also the app's PUBLIC_URL (links in emails point here). */
  url: string;
  config: Config;
  app: App['app'];
  services: App['services'];
  /** The site's database, for set-up that has no API. */
  db: TestDatabase;
  /** The SMTP server receiving the app's mail, when started with `smtp: true`. */
  smtp?: SmtpCapture;
  /** The RTMP listener's port, when started with `rtmp: true` (also the site's RTMP_PORT). */
  rtmpPort?: number;
  /** A fresh browser context (own cookies, like a separate person) with one page, its base URL set to `url`. */
  open(browser: Browser, opts?: BrowserContextOptions): Promise<OpenedPage>;
  /** Page errors and console errors (CSP violations included) seen in any context opened here. */
  problems(): string[];
  /** Every console error and warning seen, unfiltered (the 4xx "Failed to load resource" lines too). */
  consoleLog(): string[];
  close(): Promise<void>;
}

// A 4xx answer the page handles shows up as a console error in Chromium; that is not a problem.
const isExpectedNoise = (text: string) => /Failed to load resource: the server responded with a status of 4\d\d/.test(text);

/** Starts Foyer listening on 127.0.0.1 on a free port, with its own data folder and database. */
export async function startApp(opts: StartAppOptions = {}): Promise<Site> {
  const db = await createTestDatabase(opts.dialect ?? 'sqlite');
  const smtp = opts.smtp ? await SmtpCapture.start() : undefined;
  const port = await freePort();
  const rtmpPort = opts.rtmp ? await freePort() : undefined;
  const url = `http://127.0.0.1:${port}`;
  const config = loadConfig({
    DATA_DIR: db.dataDir,
    PUBLIC_URL: url,
    PORT: String(port),
    HOST: '127.0.0.1',
    SESSION_SECRET: 'e2e-secret-e2e-secret-e2e-secret-0123456',
    LOG_LEVEL: 'silent',
    // one ffmpeg per broadcast unless a test asks for the 480p rendition (auto would make one here)
    LIVE_LOW_RENDITION: 'off',
    ...(smtp ? { SMTP_URL: smtp.url } : {}),
    ...(rtmpPort ? { RTMP_PORT: String(rtmpPort) } : {}),
    ...opts.env,
  });
  const built = await buildApp({
    config,
    database: db.database,
    logger: createLogger(process.env.E2E_LOG_LEVEL ?? 'silent'),
    webRoot,
  });
  built.services.mail.start(1_000);
  await built.app.listen({ port, host: '127.0.0.1' });
  const rtmp: RtmpServer | undefined = rtmpPort ? await startRtmpListener(built.runtime, { port: rtmpPort, host: '127.0.0.1' }) : undefined;

  const contexts: BrowserContext[] = [];
  const problems: string[] = [];
  const consoleLines: string[] = [];
  return {
    url,
    config,
    app: built.app,
    services: built.services,
    db,
    smtp,
    rtmpPort,
    async open(browser, contextOpts = {}) {
      const context = await browser.newContext({ baseURL: url, ...contextOpts });
      contexts.push(context);
      context.on('weberror', (e) => problems.push(`page error: ${e.error().message}`));
      context.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') consoleLines.push(`${m.type()}: ${m.text()}`);
        if (m.type() === 'error' && !isExpectedNoise(m.text())) problems.push(`console: ${m.text()}`);
      });
      const page = await context.newPage();
      return { context, page };
    },
    problems: () => [...problems],
    consoleLog: () => [...consoleLines],
    async close() {
      await Promise.allSettled(contexts.map((c) => c.close()));
      await built.app.close();
      await rtmp?.close();
      await smtp?.close();
      await db.dispose();
    },
  };
}

/** Saves a full-page screenshot outside the repo (E2E_SCREENSHOT_DIR, default <tmp>/foyer-e2e-screenshots). */
export async function screenshot(page: Page, name: string): Promise<string> {
  const dir = process.env.E2E_SCREENSHOT_DIR ?? path.join(tmpdir(), 'foyer-e2e-screenshots');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true, animations: 'disabled' });
  return file;
}

/** True when the page can scroll sideways (content wider than the viewport). */
export function hasHorizontalScroll(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);
}
