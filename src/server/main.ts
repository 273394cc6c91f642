import { buildApp } from './app.js';
import { ConfigError } from './config.js';
import type { RtmpServer } from './adapters/rtmp/rtmp-server.js';
import { openRuntime, startRtmpListener } from './runtime.js';

async function main() {
  const started = performance.now();
  const runtime = await openRuntime();
  const { config, services } = runtime;
  const { app } = await buildApp({ runtime });
  services.mail.start();

  let rtmp: RtmpServer | undefined;
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down: finishing open requests');
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    try {
      // Closing the app closes the runtime: live streams (their encoders are told to reconnect), jobs, mail, bus, then the database.
      await app.close();
      await rtmp?.close();
      process.exit(0);
    } catch (err) {
      app.log.error({ err }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  await app.listen({ port: config.port, host: config.host });
  // DIY live: encoders (OBS) publish here; RTMP_PORT=0 turns it off.
  if (config.live.rtmpPort !== 0 && !closing) rtmp = await startRtmpListener(runtime, { port: config.live.rtmpPort });
  app.log.info(
    {
      publicUrl: config.publicUrl,
      database: runtime.database.dialect,
      mail: services.mail.mode,
      redis: Boolean(runtime.redis),
      rtmp: rtmp ? rtmp.port : 'off',
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
