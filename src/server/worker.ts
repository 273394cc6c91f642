import { ConfigError } from './config.js';
import { createLogger } from './logger.js';
import { openRuntime } from './runtime.js';

/**
 * `npm run worker`: runs background jobs (transcoding) without serving HTTP. Start as many as the
 * machines allow; they share the database queue (or Redis, with REDIS_URL). Set JOBS_IN_PROCESS=false
 * on the web servers when workers run separately. The same composition root as the web server.
 */
async function main() {
  const runtime = await openRuntime({ logger: (config) => createLogger(config.logLevel).child({ process: 'worker' }) });
  const { jobs, logger } = runtime;
  jobs.start();
  // The queue's timers do not hold the process open (the web server's listener does that there).
  const keepAlive = setInterval(() => undefined, 1 << 30);
  logger.info({ queue: jobs.kind, database: runtime.database.dialect }, 'Foyer worker is running');

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'worker stopping: running jobs go back to the queue');
    clearInterval(keepAlive);
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    try {
      await runtime.close();
      process.exit(0);
    } catch (err) {
      logger.error({ err }, 'worker shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err) => {
  if (err instanceof ConfigError) console.error(err.message);
  else console.error('Foyer worker failed to start:', err);
  process.exit(1);
});
