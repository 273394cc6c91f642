import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedPrefix } from '../../src/server/domain/signed-url.js';
import { Agent, createTestApp, signUp, WallClock, type TestApp } from '../factories/app.js';
import { makeVideo, multipart } from '../factories/media.js';
import { freePort } from '../factories/redis-server.js';
import { waitFor } from '../factories/wait.js';

/**
 * nginx in front of Foyer, checking Foyer's signed media URLs in njs and serving the files itself
 * (docs/delivery.md, issue 13 item 3): the very files in deploy/nginx, run by a real nginx (Debian's
 * `nginx` and `libnginx-mod-http-js`, which .ci/run installs).
 */
const deployDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../deploy/nginx');
const SECRET = 'nginx-test-media-secret-0123456789abcdef';

function nginxMissing(): string | null {
  if (spawnSync('nginx', ['-v']).error) return 'nginx is not installed (apt-get install nginx libnginx-mod-http-js)';
  if (!findJsModule()) return 'the njs module is not installed (apt-get install libnginx-mod-http-js)';
  return null;
}

function findJsModule(): string | undefined {
  return ['/usr/lib/nginx/modules/ngx_http_js_module.so', '/usr/share/nginx/modules/ngx_http_js_module.so'].find((p) => existsSync(p));
}

/** A private nginx (own prefix, pid, logs, port) running deploy/nginx/foyer-site.conf with `secret`. */
async function startNginx(opts: { upstreamPort: number; mediaDir: string; secret: string }) {
  const dir = mkdtempSync(path.join(tmpdir(), 'foyer-nginx-'));
  mkdirSync(path.join(dir, 'logs'));
  const port = await freePort();
  const site = readFileSync(path.join(deployDir, 'foyer-site.conf'), 'utf8')
    .replaceAll('@FOYER_DEPLOY_DIR@', deployDir)
    .replaceAll('@FOYER_UPSTREAM@', `127.0.0.1:${opts.upstreamPort}`)
    .replaceAll('@FOYER_MEDIA_DIR@', opts.mediaDir)
    .replaceAll('@LISTEN@', `127.0.0.1:${port}`);
  writeFileSync(path.join(dir, 'foyer-site.conf'), site);
  writeFileSync(
    path.join(dir, 'nginx.conf'),
    [
      `load_module ${findJsModule()};`,
      'env FOYER_MEDIA_URL_SECRET;',
      // the test's DATA_DIR is private to this user; a real site gives nginx's user read access to DATA_DIR/media
      ...(process.getuid?.() === 0 ? ['user root;'] : []),
      'daemon off;',
      'master_process on;',
      'worker_processes 1;',
      `pid ${dir}/nginx.pid;`,
      `error_log ${dir}/logs/error.log warn;`,
      'events { worker_connections 256; }',
      'http {',
      `  access_log ${dir}/logs/access.log;`,
      `  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fcgi; uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;`,
      `  include ${dir}/foyer-site.conf;`,
      '}',
    ].join('\n'),
  );
  const check = spawnSync('nginx', ['-t', '-p', dir, '-c', path.join(dir, 'nginx.conf')], { env: { ...process.env, FOYER_MEDIA_URL_SECRET: opts.secret }, encoding: 'utf8' });
  if (check.status !== 0) throw new Error(`nginx -t failed: ${check.stderr}`);
  const proc = spawn('nginx', ['-p', dir, '-c', path.join(dir, 'nginx.conf')], { env: { ...process.env, FOYER_MEDIA_URL_SECRET: opts.secret }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => (stderr += String(d)));
  const url = `http://127.0.0.1:${port}`;
  await waitFor(async () => (await fetch(`${url}/api/health`).catch(() => null))?.status === 200, { what: `nginx on ${port} (${stderr})`, timeoutMs: 15_000, everyMs: 50 });
  return {
    url,
    async stop() {
      proc.kill('SIGQUIT');
      await new Promise((r) => (proc.exitCode !== null ? r(null) : proc.once('exit', r)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const missing = nginxMissing();
if (missing) console.warn(`[skipped] nginx signed media tests: ${missing}`);

describe.skipIf(missing !== null)('nginx checks signed media URLs and serves the files (deploy/nginx)', () => {
  let t: TestApp;
  let owner: Agent;
  let mediaId: string;
  let nginx: Awaited<ReturnType<typeof startNginx>>;
  let wrongKey: Awaited<ReturnType<typeof startNginx>>;
  let foyerUrl: string;
  beforeAll(async () => {
    // the wall clock: nginx checks expiry against real time
    t = await createTestApp({ clock: new WallClock(), env: { MEDIA_URL_SECRET: SECRET } });
    owner = (await signUp(t)).agent;
    const form = multipart('clip.mp4', makeVideo({ seconds: 2 }).bytes);
    mediaId = (await owner.request('POST', '/api/media', form.body, form.headers)).json().media.id;
    await waitFor(async () => (await owner.get(`/api/media/${mediaId}`)).json().media.status === 'ready', { what: 'processing', timeoutMs: 90_000, everyMs: 100 });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const port = (t.app.server.address() as { port: number }).port;
    foyerUrl = `http://127.0.0.1:${port}`;
    nginx = await startNginx({ upstreamPort: port, mediaDir: t.config.mediaDir, secret: SECRET });
    wrongKey = await startNginx({ upstreamPort: port, mediaDir: t.config.mediaDir, secret: 'a-different-secret-of-enough-length-000' });
  }, 120_000);
  afterAll(async () => {
    await nginx?.stop();
    await wrongKey?.stop();
    await t?.close();
  });

  const playback = async () => {
    const res = await owner.get(`/api/media/${mediaId}/playback`);
    expect(res.statusCode).toBe(200);
    return res.json() as { hlsUrl: string; posterUrl: string | null };
  };

  /** Master playlist → first variant → first segment, as a player follows them. */
  async function walk(base: string, hlsUrl: string) {
    const master = await fetch(base + hlsUrl);
    const masterText = await master.text();
    const variantPath = new URL(masterText.split('\n').find((l) => l.endsWith('.m3u8'))!, base + hlsUrl).pathname;
    const variant = await fetch(base + variantPath);
    const variantText = await variant.text();
    const segmentPath = new URL(variantText.split('\n').find((l) => l.endsWith('.ts'))!, base + variantPath).pathname;
    const segment = await fetch(base + segmentPath);
    return { master, masterText, variant, variantText, segment, segmentBytes: Buffer.from(await segment.arrayBuffer()), segmentPath };
  }

  it('serves playlists and segments itself for a valid signature, byte for byte what Foyer serves', async () => {
    const { hlsUrl } = await playback();
    const viaNginx = await walk(nginx.url, hlsUrl);
    const viaFoyer = await walk(foyerUrl, hlsUrl);
    for (const res of [viaNginx.master, viaNginx.variant, viaNginx.segment]) {
      expect(res.status).toBe(200);
      expect(res.headers.get('x-served-by')).toBe('nginx');
      expect(res.headers.get('cache-control')).toBe('private, max-age=600');
    }
    expect(viaNginx.master.headers.get('content-type')).toMatch(/mpegurl/);
    expect(viaNginx.segment.headers.get('content-type')).toBe('video/mp2t');
    expect(viaNginx.masterText).toBe(viaFoyer.masterText);
    expect(viaNginx.variantText).toBe(viaFoyer.variantText);
    expect(viaNginx.segmentBytes.length).toBeGreaterThan(1000);
    expect(viaNginx.segmentBytes.equals(viaFoyer.segmentBytes)).toBe(true);
    // Foyer itself never answers these through nginx
    expect(viaFoyer.segment.headers.get('x-served-by')).toBeNull();
  });

  it('passes the rest to Foyer: the app, the API with the session, the playback call', async () => {
    const health = await fetch(`${nginx.url}/api/health`);
    expect(health.status).toBe(200);
    expect(health.headers.get('x-served-by')).toBeNull();
    const pb = await fetch(`${nginx.url}/api/media/${mediaId}/playback`, { headers: { cookie: owner.cookieHeader } });
    expect(pb.status).toBe(200);
    expect((await pb.json()).hlsUrl).toMatch(/master\.m3u8$/);
    const anonymous = await fetch(`${nginx.url}/api/media/${mediaId}/playback`);
    expect(anonymous.status).toBe(401);
  });

  it('refuses a changed signature, another media id, an expired URL and path tricks, without serving a byte', async () => {
    const { hlsUrl } = await playback();
    const [, prefix, expires, sig, rest] = hlsUrl.match(/^(\/api\/media\/[^/]+\/stream\/)(\d+)\/([A-Za-z0-9_-]{43})\/(.+)$/)!;
    const flipped = sig!.slice(0, -1) + (sig!.endsWith('A') ? 'B' : 'A');
    const tampered = await fetch(`${nginx.url}${prefix}${expires}/${flipped}/${rest}`);
    expect(tampered.status).toBe(403);
    expect((await tampered.json()).error.code).toBe('signature_invalid');

    // a later expiry with the old signature
    const stretched = await fetch(`${nginx.url}${prefix}${Number(expires) + 3600}/${sig}/${rest}`);
    expect(stretched.status).toBe(403);

    // the signature of this media on another media's path
    const other = await fetch(`${nginx.url}/api/media/00000000-0000-4000-8000-000000000000/stream/${expires}/${sig}/${rest}`);
    expect(other.status).toBe(403);

    // correctly signed, but in the past
    const past = Math.floor(Date.now() / 1000) - 10;
    const expired = await fetch(`${nginx.url}${signedPrefix({ secret: SECRET, prefix: prefix!, expires: past })}${rest}`);
    expect(expired.status).toBe(403);
    expect((await expired.json()).error.code).toBe('signature_expired');

    // dot segments cannot climb out of the media's play folder (the original sits one level up)
    const climb = await fetch(`${nginx.url}${prefix}${expires}/${sig}/../original.mp4`);
    expect([400, 403, 404]).toContain(climb.status);
    const encoded = await fetch(`${nginx.url}${prefix}${expires}/${sig}/%2e%2e/original.mp4`);
    expect([400, 403, 404]).toContain(encoded.status);
    expect(encoded.headers.get('content-type')).not.toBe('video/mp4');
  });

  it('refuses every URL when nginx has another key: nothing is served unchecked', async () => {
    const { hlsUrl, posterUrl } = await playback();
    const master = await fetch(wrongKey.url + hlsUrl);
    expect(master.status).toBe(403);
    if (posterUrl) expect((await fetch(wrongKey.url + posterUrl)).status).toBe(403);
    // while the right key serves the same URL
    expect((await fetch(nginx.url + hlsUrl)).status).toBe(200);
  });
});
