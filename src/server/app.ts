import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import websocket from '@fastify/websocket';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { existsSync } from 'node:fs';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { createLogger } from './logger.js';
import { MemoryBus, type Bus } from './adapters/bus/bus.js';
import { createJobQueue, type JobQueue } from './adapters/jobs/index.js';
import { RedisBus } from './adapters/bus/redis-bus.js';
import { OutboxMailer, SmtpMailer, type Mailer } from './adapters/mail/mailer.js';
import { DiskStorage, type Storage } from './adapters/storage/storage.js';
import type { Config } from './config.js';
import type { Database } from './db/database.js';
import { AppError } from './errors.js';
import { registerErrorHandling } from './http/plugins/errors.js';
import { registerSession } from './http/plugins/session.js';
import { registerSpa } from './http/plugins/spa.js';
import { adminRoutes } from './http/routes/admin/admin.routes.js';
import { authRoutes } from './http/routes/auth/auth.routes.js';
import { eventRoutes } from './http/routes/events/events.routes.js';
import { healthRoutes } from './http/routes/health/health.routes.js';
import { deliveryRoutes } from './http/routes/media/delivery.routes.js';
import { mediaRoutes } from './http/routes/media/media.routes.js';
import { inviteRoutes } from './http/routes/invites/invites.routes.js';
import { lobbyRoutes } from './http/routes/lobby/lobby.routes.js';
import { settingsRoutes } from './http/routes/settings/settings.routes.js';
import { playbackRoutes } from './http/routes/media/playback.routes.js';
import { quizRoutes } from './http/routes/media/quiz.routes.js';
import { viewingRoutes } from './http/routes/media/viewing.routes.js';
import { uploadsRoutes } from './http/routes/uploads/uploads.routes.js';
import { defaultRoomRateLimits, type RoomRateLimits } from './realtime/rate-limiter.js';
import { roomGateway } from './realtime/room-gateway.js';
import { RoomHub } from './realtime/room-hub.js';
import { createServices, type Services } from './services/index.js';

export interface AppDeps {
  config: Config;
  database: Database;
  /** Defaults to SMTP when SMTP_URL is set, else the development outbox. */
  mailer?: Mailer;
  storage?: Storage;
  /** Milliseconds since the epoch; tests pass a controllable clock. */
  clock?: () => number;
  logger?: Logger;
  redis?: Redis;
  /** Message bus between modules and processes; defaults to Redis pub/sub with REDIS_URL, else in-process. */
  bus?: Bus;
  /** Per-person rate limits in live rooms (benchmarks raise them). */
  roomRateLimits?: Partial<RoomRateLimits>;
  /** How often live-room sockets are pinged and presence refreshed (default 30 s). */
  roomHeartbeatMs?: number;
  /** Folder of the built web app; defaults to dist/web next to the build. */
  webRoot?: string;
  /** Defaults to BullMQ with REDIS_URL, else the database queue; runs in this process unless JOBS_IN_PROCESS=false. */
  jobs?: JobQueue;
}

export interface App {
  app: FastifyInstance;
  services: Services;
}

const here = path.dirname(fileURLToPath(import.meta.url));
export const defaultWebRoot = path.resolve(here, '../../dist/web');

/** Builds the whole application without listening, so tests can use inject(). */
export async function buildApp(deps: AppDeps): Promise<App> {
  const { config, database } = deps;
  const logger = deps.logger ?? createLogger(config.logLevel);
  const clock = deps.clock ?? Date.now;
  mkdirSync(config.mediaDir, { recursive: true });
  const storage = deps.storage ?? new DiskStorage(config.mediaDir);
  const mailer: Mailer = deps.mailer ?? (config.smtpUrl ? new SmtpMailer(config.smtpUrl) : new OutboxMailer(logger));
  const ownBus = deps.bus
    ? undefined
    : deps.redis || config.redisUrl
      ? new RedisBus({ publisher: deps.redis, url: config.redisUrl, logger })
      : new MemoryBus();
  const bus = deps.bus ?? ownBus!;
  const jobs = deps.jobs ?? createJobQueue({ config, db: database.db, logger });
  const services = createServices({ config, db: database.db, mailer, storage, clock, logger, bus, jobs });

  const app = Fastify({
    loggerInstance: logger as unknown as FastifyBaseLogger,
    trustProxy: config.trustProxy,
    bodyLimit: 1024 * 1024,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandling(app, { uploadLimitBytes: config.uploadLimitBytes });

  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        mediaSrc: ["'self'", 'blob:'],
        connectSrc: ["'self'"],
        workerSrc: ["'self'", 'blob:'],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        frameSrc: ["'self'"],
        frameAncestors: ["'self'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
      },
    },
    crossOriginEmbedderPolicy: false,
    referrerPolicy: { policy: 'same-origin' },
    strictTransportSecurity: config.secureCookies ? undefined : false,
  });
  await app.register(cookie);
  await app.register(multipart);
  await app.register(rateLimit, { global: false, ...(deps.redis ? { redis: deps.redis, nameSpace: 'foyer-rl-' } : {}) });
  await app.register(fastifyStatic, { root: config.mediaDir, serve: false });
  const hub = new RoomHub({ room: services.room, liveEvents: services.liveEvents, bus, logger, clock, heartbeatMs: deps.roomHeartbeatMs });
  await app.register(websocket, {
    options: { maxPayload: 64 * 1024 },
    // 1012 "service restart": browsers reconnect and resume from the last event they saw
    preClose(done) {
      void hub.close().finally(() => {
        for (const client of this.websocketServer.clients) client.close(1012, 'Server restarting');
        this.websocketServer.close();
        done();
      });
    },
  });

  await app.register(swagger, {
    openapi: {
      info: { title: 'Foyer API', version: '0.1.0', description: 'JSON API of Foyer. Errors are always { "error": { "code", "message", "details"? } }.' },
      servers: [{ url: config.publicUrl }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true });

  const cookies = registerSession(app, { auth: services.auth, secure: config.secureCookies, publicUrl: config.publicUrl, sessionTtlMs: config.sessionTtlMs });

  await app.register(
    async (api) => {
      await api.register(healthRoutes, { db: database.db, dialect: database.dialect });
      await api.register(authRoutes, { services, cookies, secure: config.secureCookies, sessionTtlMs: config.sessionTtlMs });
      await api.register(mediaRoutes, { services, uploadLimitBytes: config.uploadLimitBytes, mediaRoot: config.mediaDir });
      await api.register(playbackRoutes, { services });
      await api.register(quizRoutes, { services });
      await api.register(viewingRoutes, { services });
      await api.register(uploadsRoutes, { uploads: services.uploads });
      await api.register(deliveryRoutes, { delivery: services.delivery, mediaRoot: config.mediaDir, clock });
      await api.register(adminRoutes, { services });
      await api.register(inviteRoutes, { services });
      await api.register(settingsRoutes, { services });
      await api.register(eventRoutes, { services, storage, mediaRoot: config.mediaDir, clock });
      await api.register(roomGateway, {
        room: services.room,
        auth: services.auth,
        hub,
        publicUrl: config.publicUrl,
        clock,
        rateLimits: { ...defaultRoomRateLimits, ...deps.roomRateLimits },
        logger,
      });
      api.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
    },
    { prefix: '/api' },
  );

  await app.register(lobbyRoutes, { services, cookies, secure: config.secureCookies });

  const webRoot = deps.webRoot ?? defaultWebRoot;
  if (existsSync(path.join(webRoot, 'index.html'))) await registerSpa(app, webRoot);
  app.setNotFoundHandler((request) => {
    throw new AppError('not_found', { message: `No such address: ${request.method} ${request.url.split('?')[0]}` });
  });

  if (config.jobsInProcess) app.addHook('onReady', async () => jobs.start());
  app.addHook('onClose', async () => {
    await jobs.close();
    services.uploads.close();
    await services.mail.stop();
    await mailer.close?.();
    await ownBus?.close();
  });

  return { app, services };
}
