/**
 * Child process of bench/light-routes: bare Fastify answering constants (the baseline) or Foyer on
 * SQLite with one returning visitor (an account with a live session). Tells the parent its port and
 * the visitor's cookie over IPC.
 */
import Fastify from 'fastify';
import { buildApp } from '../../src/server/app.js';
import { loadConfig } from '../../src/server/config.js';
import { createLogger } from '../../src/server/logger.js';
import { createTestDatabase } from '../../test/factories/database.js';

const mode = process.argv[2] as 'bare' | 'foyer';
const send = (m: unknown) => process.send!(m);
// Never outlive the bench (a parent killed by a timeout leaves its IPC channel closed).
process.on('disconnect', () => process.exit(0));

if (mode === 'bare') {
  const app = Fastify();
  const session = { user: { id: 'u', email: 'owner@bench.example', name: 'Bench Owner', emailVerified: true, isAdmin: true }, guest: null, mail: { mode: 'outbox' } };
  app.get('/api/session', async () => session);
  app.get('/api/health', async () => ({ status: 'ok' }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  send({ port: (app.server.address() as { port: number }).port, cookie: '' });
} else {
  const db = await createTestDatabase('sqlite');
  const config = loadConfig({ DATA_DIR: db.dataDir, PUBLIC_URL: 'http://127.0.0.1:1', LOG_LEVEL: 'silent', SESSION_SECRET: 'bench-secret-bench-secret-bench-secret-1' });
  const { app, services } = await buildApp({ config, database: db.database, logger: createLogger('silent') });
  const { user } = await services.auth.createAdmin({ email: 'owner@bench.example', name: 'Bench Owner', password: 'bench password 1' });
  const { token } = await services.auth.createSession({ userId: user.id, deviceId: 'bench-device' });
  await app.listen({ port: 0, host: '127.0.0.1' });
  // A returning browser: its session, device and CSRF cookies are all set already.
  const device = 'd'.repeat(43);
  const csrf = 'c'.repeat(43);
  send({ port: (app.server.address() as { port: number }).port, cookie: `foyer_session=${token}; foyer_device=${device}; foyer_csrf=${csrf}` });
  process.on('SIGTERM', async () => {
    await app.close();
    await db.dispose();
    process.exit(0);
  });
}
