/**
 * Foyer as it runs in production on one machine (SQLite, in-process bus), with one live event. Each
 * guest is let in the real way: the owner invites them (links shown once) and each passes the lobby,
 * holding a viewer session on the event. Child process of bench/room-fanout/index.ts.
 * Per-person rate limits are raised: the benchmark's single sender floods on purpose.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildApp } from '../../src/server/app.js';
import { loadConfig } from '../../src/server/config.js';
import { createDatabase } from '../../src/server/db/database.js';
import { migrateToLatest } from '../../src/server/db/migrate.js';
import { MAX_INVITES_PER_REQUEST } from '../../src/contracts/invites.js';
import { newToken } from '../../src/server/domain/tokens.js';
import { createLogger } from '../../src/server/logger.js';
import { memory } from './shared.js';

const dataDir = mkdtempSync(path.join(tmpdir(), 'foyer-bench-'));
const database = createDatabase({ kind: 'sqlite', file: path.join(dataDir, 'foyer.sqlite') });
await migrateToLatest(database.db);
const config = loadConfig({ DATA_DIR: dataDir, PUBLIC_URL: 'http://localhost:3000', SESSION_SECRET: 'bench-secret-bench-secret-bench-secret-01', LOG_LEVEL: 'silent' });
const unlimited = { burst: 1e9, refillMs: 1 };
const { app, services } = await buildApp({
  config,
  database,
  logger: createLogger('silent'),
  webRoot: path.join(dataDir, 'no-web'),
  roomRateLimits: { message: unlimited, frame: unlimited, reaction: unlimited, moderation: unlimited },
});

const { user } = await services.auth.createAdmin({ email: 'bench@example.com', name: 'Bench Owner', password: 'bench password 123' });
const now = Date.now();
const view = await services.liveEvents.create(user, {
  kind: 'webcast',
  title: 'Fan-out benchmark',
  startsAt: new Date(now - 60_000).toISOString(),
  endsAt: new Date(now + 6 * 3600_000).toISOString(),
  timeZone: 'UTC',
});
const eventId = view.media.id;
const owner = await services.auth.createSession({ userId: user.id });

/** A request as a browser sends it: cookies plus the CSRF double-submit token. */
const csrf = newToken();
const send = (method: 'POST', url: string, cookies: Record<string, string>, body: unknown) =>
  app.inject({
    method,
    url,
    headers: {
      cookie: Object.entries({ ...cookies, foyer_csrf: csrf }).map(([k, v]) => `${k}=${v}`).join('; '),
      'x-csrf-token': csrf,
      'content-type': 'application/json',
    },
    payload: JSON.stringify(body),
  });

let guestSeq = 0;
/** Session tokens of `count` new guests: the owner invites them, each redeems its own link in the lobby (a device of its own). */
async function guestSessions(count: number): Promise<string[]> {
  const tokens: string[] = [];
  while (tokens.length < count) {
    const people = Array.from({ length: Math.min(count - tokens.length, MAX_INVITES_PER_REQUEST) }, () => {
      const n = ++guestSeq;
      return { email: `guest-${n}@bench.example`, firstName: 'Guest', lastName: String(n) };
    });
    const invited = await send('POST', `/api/media/${eventId}/invites`, { foyer_session: owner.token }, { people, role: 'viewer', sendEmail: false });
    if (invited.statusCode !== 201) throw new Error(`invites refused: ${invited.statusCode} ${invited.body}`);
    for (const { email, link } of invited.json().created as Array<{ email: string; link: string }>) {
      const entered = await send('POST', '/api/lobby/enter', { foyer_invite: link.split('/i/')[1] }, { email });
      const session = entered.cookies.find((c) => c.name === 'foyer_session');
      if (entered.statusCode !== 200 || !session) throw new Error(`lobby refused: ${entered.statusCode} ${entered.body}`);
      tokens.push(session.value);
    }
  }
  return tokens;
}
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();

process.on('message', async (m: { type: string; count?: number }) => {
  if (m.type === 'sessions') {
    process.send!({ type: 'sessions', tokens: await guestSessions(m.count ?? 0) });
  }
  if (m.type === 'mem') process.send!({ type: 'mem', ...memory() });
  // BENCH_HEAPSNAP: heap snapshots on request, for finding what a connection keeps alive
  if (m.type === 'snap' && process.env.BENCH_HEAPSNAP) {
    (globalThis as { gc?: () => void }).gc?.();
    (await import('node:v8')).writeHeapSnapshot((m as { file?: string }).file);
    process.send!({ type: 'snap' });
  }
  if (m.type === 'stop') {
    await app.close();
    await database.destroy();
    rmSync(dataDir, { recursive: true, force: true });
    process.exit(0);
  }
});
process.send!({ type: 'ready', port: typeof address === 'object' && address ? address.port : 0, eventId, ownerToken: owner.token });
