import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../../src/server/db/database.js';
import { migrateToLatest } from '../../src/server/db/migrate.js';
import { createTestApp, signUp, type TestApp } from '../factories/app.js';
import { errorCode, invite, openLink } from '../factories/invites.js';
import { PostgresServer } from '../factories/postgres-server.js';
import { waitFor } from '../factories/wait.js';

/**
 * PostgreSQL goes away under a running Foyer and comes back (a private server the test starts, stops
 * and starts again; never the machine's shared one). Foyer must not crash (an idle pooled connection's
 * error used to be an unhandled 'error' event that killed the process), must say it is down, and must
 * serve again by itself once the database is back.
 */
describe.runIf(PostgresServer.available())('a PostgreSQL outage', () => {
  let pg: PostgresServer;
  let t: TestApp;
  const lost: Error[] = [];
  beforeAll(async () => {
    pg = await PostgresServer.start();
    const dataDir = mkdtempSync(path.join(tmpdir(), 'foyer-pgout-'));
    const database = createDatabase({ kind: 'postgres', url: pg.url }, { onConnectionError: (err) => lost.push(err) });
    await migrateToLatest(database.db);
    t = await createTestApp({ db: { database, dataDir, childEnv: {}, dispose: async () => { await database.destroy(); rmSync(dataDir, { recursive: true, force: true }); } } });
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await t?.db.dispose();
    pg?.dispose();
  });

  it('does not crash while the database is down, answers 503 health and clear errors, and recovers by itself', async () => {
    const owner = await signUp(t, { name: 'Dana Owner' });
    const media = (await owner.agent.post('/api/events', { kind: 'webcast', title: 'Town hall', startsAt: new Date(t.clock.now + 3600_000).toISOString(), endsAt: new Date(t.clock.now + 7200_000).toISOString(), timeZone: 'UTC' })).json().event.id as string;
    const inv = await invite(t, owner.agent, media);
    // Warm the pool: idle connections are what PostgreSQL's shutdown breaks.
    await Promise.all(Array.from({ length: 5 }, () => owner.agent.get('/api/media')));

    pg.stop();
    await waitFor(async () => lost.length > 0, { what: 'the pool to notice', timeoutMs: 10_000 });
    const health = await t.app.inject({ method: 'GET', url: '/api/health' });
    expect(health.statusCode).toBe(503);
    expect(health.json()).toMatchObject({ status: 'down', checks: { database: { state: 'down', dialect: 'postgres' } } });
    const library = await owner.agent.get('/api/media');
    expect(library.statusCode).toBe(500);
    expect(errorCode(library)).toBe('internal_error');
    expect(library.body).not.toMatch(/ECONNREFUSED|postgres|terminating/i);

    pg.start();
    await waitFor(async () => (await t.app.inject({ method: 'GET', url: '/api/health' })).statusCode === 200, { what: 'health to come back', timeoutMs: 20_000 });
    expect((await owner.agent.get('/api/media')).statusCode).toBe(200);
    // The same session and the invite work as before: nothing was lost.
    const guest = new (await import('../factories/app.js')).Agent(t.app);
    await openLink(guest, inv.link);
    expect((await guest.post('/api/lobby/enter', { email: inv.email })).statusCode).toBe(200);
  }, 90_000);
});
