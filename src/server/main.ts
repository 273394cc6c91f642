import { buildApp } from './app.js';
import { ConfigError } from './config.js';
import { openRuntime } from './runtime.js';

async function main() {
  const started = performance.now();
  const runtime = await openRuntime();
  const { config, services } = runtime;
  const { app } = await buildApp({ runtime });
  services.mail.start();

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down: finishing open requests');
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    try {
      // Closing the app closes the runtime: jobs, mail, bus, then the database.
      await app.close();
      process.exit(0);
    } catch (err) {
      app.log.error({ err }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  await app.listen({ port: config.port, host: config.host });
  app.log.info(
    {
      publicUrl: config.publicUrl,
      database: runtime.database.dialect,
      mail: services.mail.mode,
      redis: Boolean(runtime.redis),
      startupMs: Math.round(performance.now() - started),
    },
    `Foyer is running at ${config.publicUrl}`,
  );
}

main().catch((err) => {
  if (err instanceof ConfigError) {
    console.error(err.message);
  } else {
    console.error('Foyer failed to start:', err);
  }
  process.exit(1);
});
