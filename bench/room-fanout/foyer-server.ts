/**
 * Foyer as it runs in production on one machine (SQLite, in-process bus), with one live event whose
 * room every guest session may join as a viewer. Child process of bench/room-fanout/index.ts.
 * Per-person rate limits are raised: the benchmark's single sender floods on purpose.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildApp } from '../../src/server/app.js';
import { loadConfig } from '../../src/server/config.js';
import { createDatabase } from '../../src/server/db/database.js';
import { migrateToLatest } from '../../src/server/db/migrate.js';
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
// stands in for the invite module: every guest session is a viewer of the bench event
services.access.rules.push({ roleFor: async (auth, media) => (auth.session?.kind === 'guest' && media.id === eventId ? 'viewer' : undefined) });
const owner = await services.auth.createSession({ userId: user.id });
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();

process.on('message', async (m: { type: string; count?: number }) => {
  if (m.type === 'sessions') {
    const tokens: string[] = [];
    for (let i = 0; i < (m.count ?? 0); i++) tokens.push((await services.auth.createSession({ userId: null, kind: 'guest' })).token);
    process.send!({ type: 'sessions', tokens });
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
