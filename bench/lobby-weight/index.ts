/**
 * bench/lobby-weight (P7) — not a test: prints figures, asserts nothing.
 *
 * What a phone downloads to open a personal invite: Chromium opens a real invite link (/i/<token>,
 * redirected to /lobby) on an emulated slow-4G phone (CDP Network.emulateNetworkConditions: 1.6 Mbps
 * down, 750 kbps up, 150 ms RTT; Emulation.setCPUThrottlingRate 4; a fresh browser context, so a
 * cold cache, every visit) and counts the bytes on the wire (CDP `encodedDataLength`: compressed,
 * headers included) per kind of response:
 *
 *  1. lobby: everything until the lobby is interactive (its email field is in the page and enabled,
 *     i.e. rendered by React with its handlers) — the P7 figure, and the time to get there, counted
 *     from the start of the navigation to the link (performance.now() in the lobby page);
 *  2. prefetch: what loads after that while the person would be typing (the next step's code);
 *  3. step 2: the invited email typed, "Continue" clicked, until the video player has mounted (its
 *     first playback request) on the media page.
 *
 * Baseline: the same measurement of the web app and server at an older commit (default: the last
 * commit before P7's work), extracted with `git archive`, built once into a temp folder, and served
 * by that commit's own server code. Rounds alternate between the two; medians are printed.
 *
 * Then, in-process, whether compressing JSON answers costs the server more than it saves on the
 * way to a phone (json.ts).
 *
 *   npm run bench:lobby -- [--rounds 5] [--baseline <commit>|none] [--only browser|json]
 */
import { execFileSync, fork, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium, type Browser, type CDPSession } from 'playwright-core';
import { buildIfStale, repoRoot } from '../../scripts/build-if-stale.mjs';
import { jsonBench } from './json.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({ options: { rounds: { type: 'string', default: '5' }, baseline: { type: 'string', default: '5515521' }, only: { type: 'string' } } });
const ROUNDS = Number(values.rounds);
const GOAL_JS_BYTES = 150 * 1024;
const GOAL_TTI_MS = 2000;
const SLOW_4G = { offline: false, latency: 150, downloadThroughput: 1_600_000 / 8, uploadThroughput: 750_000 / 8 };
const CPU_SLOWDOWN = 4;

// The whole run is bounded: whatever happens, it ends.
const children = new Set<ChildProcess>();
const hardStop = setTimeout(() => {
  console.error('lobby-weight: time limit reached, stopping');
  for (const c of children) c.kill('SIGKILL');
  process.exit(2);
}, 30 * 60_000);
hardStop.unref();

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');

type Kind = 'js' | 'css' | 'html' | 'json' | 'image' | 'other';
const KINDS: Kind[] = ['js', 'css', 'html', 'json', 'image', 'other'];
const kindOf = (mime: string, type: string): Kind => {
  if (/javascript|ecmascript/.test(mime) || type === 'Script') return 'js';
  if (mime.includes('css') || type === 'Stylesheet') return 'css';
  if (mime.includes('html') || type === 'Document') return 'html';
  if (mime.includes('json')) return 'json';
  if (mime.startsWith('image/') || type === 'Image') return 'image';
  return 'other';
};

type Tally = Record<Kind, { wire: number; body: number; count: number }>;
const emptyTally = (): Tally => Object.fromEntries(KINDS.map((k) => [k, { wire: 0, body: 0, count: 0 }])) as Tally;
const total = (t: Tally) => KINDS.reduce((s, k) => s + t[k].wire, 0);

/** Counts every response's bytes into whichever phase is current when it finishes. */
class WireCounter {
  phases: Record<string, Tally> = {};
  phase = 'lobby';
  inFlight = new Set<string>();
  lastActivity = Date.now();
  private reqs = new Map<string, { type: string; mime: string; body: number }>();

  constructor(cdp: CDPSession) {
    cdp.on('Network.requestWillBeSent', (e) => {
      if (e.redirectResponse) this.add(kindOf(e.redirectResponse.mimeType ?? '', e.type ?? ''), e.redirectResponse.encodedDataLength ?? 0, 0);
      this.reqs.set(e.requestId, { type: e.type ?? '', mime: '', body: 0 });
      this.inFlight.add(e.requestId);
      this.lastActivity = Date.now();
    });
    cdp.on('Network.responseReceived', (e) => {
      const r = this.reqs.get(e.requestId);
      if (r) r.mime = e.response.mimeType ?? '';
    });
    cdp.on('Network.dataReceived', (e) => {
      const r = this.reqs.get(e.requestId);
      if (r) r.body += e.dataLength;
    });
    cdp.on('Network.loadingFinished', (e) => {
      const r = this.reqs.get(e.requestId);
      if (r) this.add(kindOf(r.mime, r.type), e.encodedDataLength, r.body);
      this.done(e.requestId);
    });
    cdp.on('Network.loadingFailed', (e) => this.done(e.requestId));
  }

  private done(id: string) {
    this.inFlight.delete(id);
    this.lastActivity = Date.now();
  }

  private add(kind: Kind, wire: number, body: number) {
    const t = (this.phases[this.phase] ??= emptyTally());
    t[kind].wire += wire;
    t[kind].body += body;
    t[kind].count += 1;
  }

  /** Until nothing has been in flight for `quietMs` (or `maxMs` passed). */
  async idle(quietMs: number, maxMs: number) {
    const until = Date.now() + maxMs;
    while (Date.now() < until) {
      if (this.inFlight.size === 0 && Date.now() - this.lastActivity >= quietMs) return;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

interface Target {
  name: string;
  root: string;
  webRoot: string;
  child?: ChildProcess;
  url?: string;
  links?: Array<{ email: string; link: string }>;
  results: Array<{ tti: number; step2: number; phases: Record<string, Tally> }>;
}

function startServer(t: Target, count: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(here, 'server.ts'), [t.root, t.webRoot, String(count)], { execArgv: ['--import', 'tsx'], cwd: t.root, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    children.add(child);
    t.child = child;
    child.once('message', (m: { url: string; links: Array<{ email: string; link: string }> }) => {
      t.url = m.url;
      t.links = m.links;
      resolve();
    });
    child.once('exit', (code) => reject(new Error(`${t.name} server exited (${code})`)));
  });
}

/** The baseline commit's code and web build in a temp folder (kept between runs). */
function baselineCheckout(ref: string): string {
  const sha = execFileSync('git', ['rev-parse', '--verify', `${ref}^{commit}`], { cwd: repoRoot, encoding: 'utf8' }).trim();
  const dir = path.join(tmpdir(), `foyer-bench-lobby-${sha.slice(0, 12)}`);
  if (existsSync(path.join(dir, 'dist/web/index.html'))) return dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const tar = spawnSync('sh', ['-c', `git archive ${sha} | tar -x -C ${JSON.stringify(dir)}`], { cwd: repoRoot, stdio: 'inherit' });
  if (tar.status !== 0) throw new Error('git archive failed');
  symlinkSync(realpathSync(path.join(repoRoot, 'node_modules')), path.join(dir, 'node_modules'));
  console.log(`[bench] building the baseline's web app (${sha.slice(0, 12)}) in ${dir}`);
  const build = spawnSync('npm', ['run', '--silent', 'build:web'], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, NODE_ENV: 'production' } });
  if (build.status !== 0) throw new Error('baseline build failed');
  return dir;
}

const READY_SCRIPT = `(() => {
  const check = () => {
    if (window.__lobbyReady) return;
    const el = document.querySelector('input[name="email"]');
    if (el && !el.disabled) { window.__lobbyReady = performance.now(); obs.disconnect(); }
  };
  const obs = new MutationObserver(check);
  obs.observe(document, { childList: true, subtree: true, attributes: true });
})();`;

async function visit(browser: Browser, t: Target, invite: { email: string; link: string }) {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  try {
    const page = await context.newPage();
    await page.addInitScript(READY_SCRIPT);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', SLOW_4G);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });
    const wire = new WireCounter(cdp);

    await page.goto(invite.link, { waitUntil: 'commit', timeout: 60_000 });
    await page.waitForFunction(() => (window as unknown as { __lobbyReady?: number }).__lobbyReady, undefined, { timeout: 60_000, polling: 50 });
    const tti = await page.evaluate(() => (window as unknown as { __lobbyReady: number }).__lobbyReady);
    if (process.env.BENCH_TRACE) {
      const entries = await page.evaluate(() =>
        performance.getEntries().map((e) => ({
          name: e.entryType === 'long-animation-frame' ? JSON.stringify(((e as unknown as { scripts: Array<{ sourceURL: string; invoker: string; duration: number }> }).scripts ?? []).map((x) => `${x.invoker} ${x.sourceURL.split('/').pop()} ${x.duration.toFixed(0)}ms`)) : e.name,
          type: e.entryType,
          start: e.startTime,
          end: 'responseEnd' in e ? (e as PerformanceResourceTiming).responseEnd : e.startTime + e.duration,
        })),
      );
      for (const e of entries) console.log(`  ${t.name} ${e.type} ${e.start.toFixed(0)}–${e.end.toFixed(0)} ms ${e.name.replace(t.url!, '')}`);
      console.log(`  ${t.name} interactive at ${tti.toFixed(0)} ms`);
    }
    // Responses already under way when the form came up belong to the lobby too.
    await wire.idle(0, 100);
    wire.phase = 'prefetch';
    await wire.idle(1500, 20_000);

    wire.phase = 'step2';
    await page.locator('input[name="email"]').fill(invite.email);
    const playerMounted = page.waitForRequest((r) => r.url().includes('/playback'), { timeout: 60_000 });
    const clicked = Date.now();
    // BENCH_TRACE=1 prints when each request of step 2 starts and ends, in ms after the click.
    if (process.env.BENCH_TRACE) {
      page.on('request', (r) => console.log(`  ${t.name} +${Date.now() - clicked} ms → ${r.method()} ${new URL(r.url()).pathname}`));
      page.on('requestfinished', (r) => console.log(`  ${t.name} +${Date.now() - clicked} ms ← ${new URL(r.url()).pathname}`));
    }
    await page.getByRole('button', { name: 'Continue' }).click();
    await playerMounted;
    const step2 = Date.now() - clicked;
    await wire.idle(500, 10_000);
    return { tti, step2, phases: wire.phases };
  } finally {
    await context.close();
  }
}

async function main() {
  console.log(`lobby-weight: load average at start ${load()}`);
  if (values.only !== 'json') await browserBench();
  if (values.only !== 'browser') {
    await jsonBench({ batches: Math.max(5, ROUNDS * 2 + 1), perBatch: 50 });
    console.log(`\nload average at end ${load()}`);
  }
}

async function browserBench() {
  await buildIfStale({ only: ['web'], log: (l: string) => console.log(l) });
  const targets: Target[] = [];
  if (values.baseline !== 'none') {
    const root = baselineCheckout(values.baseline!);
    targets.push({ name: `baseline (${values.baseline})`, root, webRoot: path.join(root, 'dist/web'), results: [] });
  }
  targets.push({ name: 'Foyer (this checkout)', root: repoRoot, webRoot: path.join(repoRoot, 'dist/web'), results: [] });

  const visits = ROUNDS + 1;
  await Promise.all(targets.map((t) => startServer(t, visits)));
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  try {
    // One warm-up visit each (server JIT, Chromium start-up), not counted.
    for (const t of targets) await visit(browser, t, t.links![0]);
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? targets : [...targets].reverse();
      for (const t of order) {
        const r = await visit(browser, t, t.links![round + 1]);
        t.results.push(r);
        console.log(`round ${round + 1}, ${t.name}: lobby JS ${kb(r.phases.lobby?.js.wire ?? 0)}, all ${kb(total(r.phases.lobby ?? emptyTally()))}, interactive ${r.tti.toFixed(0)} ms, step 2 ${r.step2} ms (load ${load()})`);
      }
    }
  } finally {
    await browser.close();
    await Promise.all(targets.map((t) => new Promise((resolve) => (t.child!.exitCode !== null ? resolve(null) : (t.child!.once('exit', resolve), t.child!.send('stop'))))));
  }

  const med = (t: Target, phase: string, kind: Kind | 'total', field: 'wire' | 'body' | 'count' = 'wire') =>
    median(t.results.map((r) => {
      const tally = r.phases[phase] ?? emptyTally();
      return kind === 'total' ? (field === 'wire' ? total(tally) : KINDS.reduce((s, k) => s + tally[k][field], 0)) : tally[kind][field];
    }));
  console.log(`\nLobby of a video invite, slow 4G (1.6 Mbps, 150 ms RTT), CPU ×${CPU_SLOWDOWN}, cold cache; median of ${ROUNDS} rounds; load average at end ${load()}\n`);
  const cols = targets.map((t) => t.name);
  const ratio = targets.length === 2;
  console.log(`| figure | ${cols.join(' | ')} |${ratio ? ' Foyer / baseline |' : ''}`);
  console.log(`| --- |${cols.map(() => ' ---: |').join('')}${ratio ? ' ---: |' : ''}`);
  const row = (label: string, f: (t: Target) => number, show: (n: number) => string) => {
    const xs = targets.map(f);
    console.log(`| ${label} | ${xs.map(show).join(' | ')} |${ratio ? ` ${xs[0] ? (xs[1] / xs[0]).toFixed(3) : '—'} |` : ''}`);
  };
  for (const k of KINDS) row(`lobby: ${k} on the wire`, (t) => med(t, 'lobby', k), kb);
  row('lobby: JavaScript, uncompressed body', (t) => med(t, 'lobby', 'js', 'body'), kb);
  row('lobby: JavaScript requests', (t) => med(t, 'lobby', 'js', 'count'), (n) => String(n));
  row('**lobby: all bytes on the wire**', (t) => med(t, 'lobby', 'total'), kb);
  row('**lobby interactive (email field enabled)**', (t) => median(t.results.map((r) => r.tti)), (n) => `${n.toFixed(0)} ms`);
  row('prefetched after interactive: JavaScript', (t) => med(t, 'prefetch', 'js'), kb);
  row('prefetched after interactive: all', (t) => med(t, 'prefetch', 'total'), kb);
  row('step 2: "Continue" to player mounted', (t) => median(t.results.map((r) => r.step2)), (n) => `${n.toFixed(0)} ms`);
  row('step 2: JavaScript on the wire', (t) => med(t, 'step2', 'js'), kb);
  row('step 2: all bytes on the wire', (t) => med(t, 'step2', 'total'), kb);
  for (const t of targets) {
    console.log(`\n${t.name}: lobby JS per round ${t.results.map((r) => kb(r.phases.lobby?.js.wire ?? 0)).join(', ')}; interactive ${t.results.map((r) => `${r.tti.toFixed(0)} ms`).join(', ')}; step 2 ${t.results.map((r) => `${r.step2} ms`).join(', ')}`);
  }
  const foyer = targets[targets.length - 1];
  const js = med(foyer, 'lobby', 'js');
  const tti = median(foyer.results.map((r) => r.tti));
  console.log(`\nP7 goal, Foyer: lobby JavaScript ${kb(js)} (goal ≤ ${kb(GOAL_JS_BYTES)}: ${js <= GOAL_JS_BYTES ? 'met' : 'not met'}); interactive ${tti.toFixed(0)} ms (goal ≤ ${GOAL_TTI_MS} ms: ${tti <= GOAL_TTI_MS ? 'met' : 'not met'})`);
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    for (const c of children) c.kill('SIGKILL');
    process.exit(1);
  },
);
