/**
 * One server under test, in its own process so the load generator does not share its event loop:
 *   foyer  — the real app (buildApp), segment behind a signed URL (one HMAC check per request)
 *   static — plain Fastify + @fastify/static serving the same folder, no check
 * Prints "ready <port>" when listening.
 */
import fastifyStatic from '@fastify/static';
import Fastify from 'fastify';
import pino from 'pino';
import { buildApp } from '../../src/server/app.js';
import { loadConfig } from '../../src/server/config.js';
import { createDatabase } from '../../src/server/db/database.js';
import { migrateToLatest } from '../../src/server/db/migrate.js';

const [kind, dataDir] = process.argv.slice(2);

// The bench asks for this process's CPU time, a measure that holds up on a busy machine.
process.on('message', (m) => {
  if (m === 'cpu') process.send!(process.cpuUsage());
});

async function main() {
  if (kind === 'static') {
    const app = Fastify({ logger: false });
    await app.register(fastifyStatic, { root: `${dataDir}/media`, prefix: '/static/' });
    await app.listen({ port: 0, host: '127.0.0.1' });
    console.log(`ready ${(app.server.address() as { port: number }).port}`);
    return;
  }
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', SESSION_SECRET: 'bench-secret-bench-secret-bench-secret-00', JOBS_IN_PROCESS: 'false' });
  const database = createDatabase(config.database);
  await migrateToLatest(database.db);
  const { app } = await buildApp({ config, database, logger: pino({ level: 'silent' }), webRoot: `${dataDir}/no-web` });
  await app.listen({ port: 0, host: '127.0.0.1' });
  console.log(`ready ${(app.server.address() as { port: number }).port}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
