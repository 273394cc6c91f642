import { MemoryBus } from './adapters/bus/bus.js';
import { OutboxMailer, SmtpMailer, type Mailer } from './adapters/mail/mailer.js';
import { createJobQueue } from './adapters/jobs/index.js';
import { DiskStorage } from './adapters/storage/storage.js';
import { openRuntime } from './bootstrap.js';
import { ConfigError } from './config.js';
import { createLogger } from './logger.js';
import { createServices } from './services/index.js';

/**
 * `npm run worker`: runs background jobs (transcoding) without serving HTTP. Start as many as the
 * machines allow; they share the database queue (or Redis, with REDIS_URL). Set JOBS_IN_PROCESS=false
 * on the web servers when workers run separately.
 */
async function main() {
  const runtime = await openRuntime();
  const { config } = runtime;
  const logger = createLogger(config.logLevel).child({ process: 'worker' });
  const storage = new DiskStorage(config.mediaDir);
  const mailer: Mailer = config.smtpUrl ? new SmtpMailer(config.smtpUrl) : new OutboxMailer(logger);
  const jobs = createJobQueue({ config, db: runtime.database.db, logger });
  const services = createServices({ config, db: runtime.database.db, mailer, storage, clock: Date.now, logger, jobs, bus: new MemoryBus() });
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
      await jobs.close();
      services.uploads.close();
      await services.mail.stop();
      await mailer.close?.();
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
