/**
 * Foyer for the live-video benchmarks, in a process of its own: the real app (buildApp) on SQLite
 * with the in-process bus, listening on 127.0.0.1:<port> with PUBLIC_URL = http://127.0.0.1:<port>, an
 * owner (site admin), with `--rtmp` the embedded RTMP listener on a free port, with `--web` the built web app.
 * Background jobs do not run here (JOBS_IN_PROCESS=false): the recording a finished broadcast queues
 * is not what these benchmarks measure.
 *
 * The parent drives it over IPC (bench/live-common/site.ts): make events, invite people, let guests
 * through the lobby (inject, the same requests a browser sends), hand out their signed playlists,
 * revoke invites, make a stream key, and count the SQL statements SQLite runs (every statement
 * execution, through better-sqlite3's Statement methods: the driver under Kysely).
 *
 *   node --import tsx bench/live-common/server.ts <port> [--rtmp] [--web]
 */
import SQLite from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MAX_INVITES_PER_REQUEST } from '../../src/contracts/invites.js';
import { buildApp } from '../../src/server/app.js';
import { loadConfig } from '../../src/server/config.js';
import { createDatabase } from '../../src/server/db/database.js';
import { migrateToLatest } from '../../src/server/db/migrate.js';
import { newToken } from '../../src/server/domain/tokens.js';
import { createLogger } from '../../src/server/logger.js';
import { startRtmpListener } from '../../src/server/runtime.js';

const port = Number(process.argv[2]);
const withRtmp = process.argv.includes('--rtmp');
/** Serve the built web app (dist/web): the lobby and room pages the latency bench drives. */
const withWeb = process.argv.includes('--web');
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// Never outlive the bench.
process.on('disconnect', () => process.exit(0));

// ---- every statement SQLite runs, counted by its SQL text
const queries = new Map<string, number>();
let counting = false;
{
  const probe = new SQLite(':memory:');
  const proto = Object.getPrototypeOf(probe.prepare('select 1')) as Record<string, (...a: unknown[]) => unknown>;
  probe.close();
  for (const method of ['run', 'all', 'get', 'iterate']) {
    const original = proto[method]!;
    proto[method] = function (this: { source: string }, ...args: unknown[]) {
      if (counting) queries.set(this.source, (queries.get(this.source) ?? 0) + 1);
      return original.apply(this, args);
    };
  }
}

const dataDir = mkdtempSync(path.join(tmpdir(), 'foyer-bench-live-'));
const publicUrl = `http://127.0.0.1:${port}`;
const config = loadConfig({
  DATA_DIR: dataDir,
  PUBLIC_URL: publicUrl,
  PORT: String(port),
  HOST: '127.0.0.1',
  SESSION_SECRET: 'bench-secret-bench-secret-bench-secret-live',
  LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'silent',
  JOBS_IN_PROCESS: 'false',
  LIVE_MAX_SESSIONS: '8',
  RTMP_PORT: '0',
  // the benches compare one ffmpeg command; LIVE_LOW_RENDITION=on measures with the 480p rendition too
  LIVE_LOW_RENDITION: process.env.LIVE_LOW_RENDITION ?? 'off',
});
const database = createDatabase(config.database);
await migrateToLatest(database.db);
const { app, services, runtime } = await buildApp({ config, database, logger: createLogger(process.env.BENCH_LOG_LEVEL ?? 'silent'), webRoot: withWeb ? path.join(repoRoot, 'dist/web') : path.join(dataDir, 'no-web') });

// The RTMP listener for DIY live, as main.ts starts it next to HTTP (here on a free port).
const rtmp = withRtmp ? await startRtmpListener(runtime, { port: 0, host: '127.0.0.1' }) : undefined;

const { user } = await services.auth.createAdmin({ email: 'owner@bench.example', name: 'Bench Owner', password: 'bench password 123' });
const owner = await services.auth.createSession({ userId: user.id });

/** A request as a browser sends it: cookies, the CSRF double-submit token, the site's Origin. */
const csrf = newToken();
const send = (method: 'GET' | 'POST' | 'DELETE', url: string, cookies: Record<string, string>, body?: unknown) =>
  app.inject({
    method,
    url,
    headers: {
      cookie: Object.entries({ ...cookies, foyer_csrf: csrf }).map(([k, v]) => `${k}=${v}`).join('; '),
      ...(method === 'GET' ? {} : { 'x-csrf-token': csrf, origin: publicUrl }),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
  });
const asOwner = { foyer_session: owner.token };

let seq = 0;
interface Invited {
  email: string;
  link: string;
  inviteId: string;
}
async function invite(eventId: string, role: string, count: number, prefix: string): Promise<Invited[]> {
  const out: Invited[] = [];
  while (out.length < count) {
    const people = Array.from({ length: Math.min(count - out.length, MAX_INVITES_PER_REQUEST) }, () => {
      const n = ++seq;
      return { email: `${prefix}-${n}@bench.example`, firstName: prefix, lastName: String(n) };
    });
    const res = await send('POST', `/api/media/${eventId}/invites`, asOwner, { people, role, sendEmail: false });
    if (res.statusCode !== 201) throw new Error(`invites refused: ${res.statusCode} ${res.body}`);
    for (const c of res.json().created as Array<{ id: string; email: string; link: string }>) out.push({ email: c.email, link: c.link, inviteId: c.id });
  }
  return out;
}

/** Guests let in the real way: each opens its own link (GET /i/<token>) on a device of its own and passes the lobby with the invited email. */
async function guests(eventId: string, role: string, count: number, prefix: string) {
  const out: Array<Invited & { session: string }> = [];
  for (const inv of await invite(eventId, role, count, prefix)) {
    const opened = await app.inject({ method: 'GET', url: new URL(inv.link).pathname });
    const cookies: Record<string, string> = {};
    for (const c of opened.cookies as Array<{ name: string; value: string }>) cookies[c.name] = c.value;
    const entered = await send('POST', '/api/lobby/enter', cookies, { email: inv.email });
    const session = (entered.cookies as Array<{ name: string; value: string }>).find((c) => c.name === 'foyer_session');
    if (entered.statusCode !== 200 || !session) throw new Error(`lobby refused: ${entered.statusCode} ${entered.body}`);
    out.push({ ...inv, session: session.value });
  }
  return out;
}

type Message =
  | { type: 'event'; kind: 'webcast' | 'diy_live'; title: string }
  | { type: 'invite'; eventId: string; role: string; count: number; prefix: string }
  | { type: 'guests'; eventId: string; role: string; count: number; prefix: string }
  | { type: 'playback'; eventId: string; sessions: string[] }
  | { type: 'revoke'; eventId: string; inviteIds: string[] }
  | { type: 'streamKey'; eventId: string }
  | { type: 'status'; eventId: string }
  | { type: 'segments'; eventId: string }
  | { type: 'queries'; start?: boolean }
  | { type: 'stop' };

async function handle(m: Message): Promise<unknown> {
  switch (m.type) {
    case 'event': {
      const now = Date.now();
      const view = await services.liveEvents.create(user, { kind: m.kind, title: m.title, startsAt: new Date(now - 60_000).toISOString(), endsAt: new Date(now + 6 * 3600_000).toISOString(), timeZone: 'UTC' });
      return { eventId: view.media.id };
    }
    case 'invite':
      return invite(m.eventId, m.role, m.count, m.prefix);
    case 'guests':
      return guests(m.eventId, m.role, m.count, m.prefix);
    case 'playback': {
      const urls: Array<string | null> = [];
      for (const s of m.sessions) {
        const res = await send('GET', `/api/events/${m.eventId}/live`, { foyer_session: s });
        if (res.statusCode !== 200) throw new Error(`playback refused: ${res.statusCode} ${res.body}`);
        urls.push(res.json().playlistUrl as string | null);
      }
      return urls;
    }
    case 'revoke':
      for (const id of m.inviteIds) {
        const res = await send('DELETE', `/api/media/${m.eventId}/invites/${id}`, asOwner);
        if (res.statusCode !== 200) throw new Error(`revoke refused: ${res.statusCode} ${res.body}`);
      }
      return null;
    case 'streamKey': {
      if (!rtmp) return null;
      const res = await send('POST', `/api/events/${m.eventId}/stream-key`, asOwner, {});
      if (res.statusCode !== 200 && res.statusCode !== 201) throw new Error(`stream key refused: ${res.statusCode} ${res.body}`);
      return { streamKey: res.json().streamKey as string, url: `rtmp://127.0.0.1:${rtmp.port}/live` };
    }
    case 'status':
      return services.liveStreams.status(m.eventId);
    case 'segments': {
      const rows = await database.db.selectFrom('live_segments').select(['msn', 'duration_ms', 'size_bytes']).where('media_id', '=', m.eventId).orderBy('msn').execute();
      return rows.map((r) => [r.msn, r.duration_ms, r.size_bytes]);
    }
    case 'queries': {
      const counts = [...queries].map(([sql, n]) => ({ sql, n })).sort((a, b) => b.n - a.n);
      queries.clear();
      counting = m.start ?? counting;
      return counts;
    }
    case 'stop':
      await rtmp?.close();
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
      process.exit(0);
  }
}

process.on('message', (m: Message & { id: number }) => {
  handle(m).then(
    (result) => process.send!({ id: m.id, result }),
    (err: Error) => process.send!({ id: m.id, error: err.stack ?? err.message }),
  );
});

await app.listen({ port, host: '127.0.0.1' });
process.send!({ type: 'ready', url: publicUrl, rtmp: withRtmp ? Boolean(rtmp) : null });
