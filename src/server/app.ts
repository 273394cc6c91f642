import compress from '@fastify/compress';
import cookie from '@fastify/cookie';
import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import { registerApiDocs } from './http/api-docs.js';
import websocket from '@fastify/websocket';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifySchema } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fallbackRateLimitStore } from './adapters/rate-limit/fallback-store.js';
import { fileExists } from './adapters/storage/local-files.js';
import { AppError } from './errors.js';
import { registerErrorHandling } from './http/plugins/errors.js';
import { registerSecurityHeaders } from './http/plugins/security-headers.js';
import { cookieNames, registerSession } from './http/plugins/session.js';
import { scopeOfRoute } from './http/api-scopes.js';
import { tokenRoutes } from './http/routes/tokens/tokens.routes.js';
import { registerSpa } from './http/plugins/spa.js';
import { adminRoutes } from './http/routes/admin/admin.routes.js';
import { authRoutes } from './http/routes/auth/auth.routes.js';
import { ssoRoutes } from './http/routes/auth/sso.routes.js';
import { ssoProviderRoutes } from './http/routes/admin/sso-providers.routes.js';
import { eventRoutes } from './http/routes/events/events.routes.js';
import { healthRoutes } from './http/routes/health/health.routes.js';
import { deliveryRoutes } from './http/routes/media/delivery.routes.js';
import { mediaRoutes } from './http/routes/media/media.routes.js';
import { storageRoutes } from './http/routes/media/storage.routes.js';
import { inviteRoutes } from './http/routes/invites/invites.routes.js';
import { lobbyRoutes } from './http/routes/lobby/lobby.routes.js';
import { settingsRoutes } from './http/routes/settings/settings.routes.js';
import { playbackRoutes } from './http/routes/media/playback.routes.js';
import { quizRoutes } from './http/routes/media/quiz.routes.js';
import { viewingRoutes } from './http/routes/media/viewing.routes.js';
import { uploadsRoutes } from './http/routes/uploads/uploads.routes.js';
import { defaultRoomRateLimits, type RoomRateLimits } from './realtime/rate-limiter.js';
import { roomGateway } from './realtime/room-gateway.js';
import { ingestGateway } from './realtime/ingest-gateway.js';
import { liveRoutes } from './http/routes/events/live.routes.js';
import { ingestLimits } from '../contracts/live-video.js';
import { RoomProtocol } from './realtime/room-protocol.js';
import { createRuntime, type Runtime, type RuntimeOptions, type Services } from './runtime.js';

/** The HTTP edge's own options; the rest builds the runtime (or pass a built `runtime`). */
export type AppDeps = (RuntimeOptions | { runtime: Runtime }) & {
  /** Per-person rate limits in live rooms (benchmarks raise them). */
  roomRateLimits?: Partial<RoomRateLimits>;
  /** How often live-room sockets are pinged and presence refreshed (default 30 s). */
  roomHeartbeatMs?: number;
  /** Folder of the built web app; defaults to dist/web next to the build. */
  webRoot?: string;
};

/** One registered route as declared: its methods, path and request schemas. */
export interface RouteEntry {
  methods: string[];
  url: string;
  schema?: FastifySchema;
  websocket: boolean;
}

export interface App {
  app: FastifyInstance;
  services: Services;
  runtime: Runtime;
  /** Every route as registered, in order (the contract tests walk their schemas). */
  routes: readonly RouteEntry[];
}

const here = path.dirname(fileURLToPath(import.meta.url));
export const defaultWebRoot = path.resolve(here, '../../dist/web');

/**
 * Builds the web server around a runtime (the composition root, runtime.ts) without listening, so
 * tests can use inject(). Closing the app closes the runtime.
 */
export async function buildApp(deps: AppDeps): Promise<App> {
  const runtime = 'runtime' in deps ? deps.runtime : createRuntime(deps);
  const { config, services, logger, clock, storage } = runtime;

  const app = Fastify({
    loggerInstance: logger as unknown as FastifyBaseLogger,
    trustProxy: config.trustProxy,
    bodyLimit: 1024 * 1024,
    // The router's own refusals (a broken percent-encoding, a path parameter over 100 characters)
    // leave in the one error shape too.
    frameworkErrors: (err, request, reply) => {
      const e = err.code === 'FST_ERR_BAD_URL' ? new AppError('validation_failed', { message: 'This address is not valid: it holds a broken percent-encoding.', cause: err }) : AppError.from(err);
      // A refused WebSocket upgrade (no route ran, so the socket plugin's hooks did not) must not keep its socket open.
      if (request.headers.upgrade) reply.raw.once('finish', () => request.raw.socket?.destroy());
      void (reply as FastifyReply).code(e.status).send(e.toWire());
    },
  });
  const routes: RouteEntry[] = [];
  // Every route says which API token scope it needs (http/api-scopes.ts), for the session hook and the OpenAPI document.
  app.addHook('onRoute', (r) => {
    const method = ([] as string[]).concat(r.method).find((m) => m !== 'HEAD') ?? 'GET';
    const apiScope = scopeOfRoute(method, r.url);
    r.config = { ...r.config, apiScope };
    if (apiScope !== 'public') {
      const security: Array<Record<string, string[]>> = apiScope ? [{ session: [] }, { apiToken: [apiScope] }] : [{ session: [] }];
      r.schema = { ...r.schema, security, ...(apiScope ? {} : { description: [r.schema?.description, 'Browser only: API tokens are not accepted here.'].filter(Boolean).join(' ') }) };
    }
  });
  app.addHook('onRoute', (r) => {
    routes.push({ methods: ([] as string[]).concat(r.method), url: r.url, schema: r.schema, websocket: Boolean((r as { websocket?: boolean }).websocket) });
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandling(app, { uploadLimitBytes: config.uploadLimitBytes });

  registerSecurityHeaders(app, {
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
  // JSON answers of 1 KB or more leave compressed, Brotli or gzip as the client accepts (docs/operations.md,
  // "Compression"). Static files come compressed from the build (spa.ts); media bytes never are (Range).
  await app.register(compress, { encodings: ['br', 'gzip'], threshold: 1024, customTypes: /^application\/json(?:;|$)/, globalDecompression: false });
  await app.register(cookie);
  await app.register(multipart);
  // shared through Redis while it answers, per process while it does not (never a 500, never unlimited)
  await app.register(rateLimit, { global: false, store: fallbackRateLimitStore({ redis: runtime.redis, nameSpace: 'foyer-rl-', monitor: runtime.redisMonitor, logger }) });
  const rooms = new RoomProtocol({
    room: services.room,
    auth: services.auth,
    liveEvents: services.liveEvents,
    bus: runtime.bus,
    clock,
    logger,
    rateLimits: { ...defaultRoomRateLimits, ...deps.roomRateLimits },
    heartbeatMs: deps.roomHeartbeatMs,
  });
  await app.register(websocket, {
    // room frames are limited by the room protocol (roomLimits.frameBytes); webcast chunks need more
    options: { maxPayload: ingestLimits.frameBytes + 1024 * 1024 },
    // 1012 "service restart": browsers reconnect and resume from the last event they saw
    preClose(done) {
      void rooms.close().finally(() => {
        for (const client of this.websocketServer.clients) client.close(1012, 'Server restarting');
        this.websocketServer.close();
        done();
      });
    },
  });

  // An upgrade to a route that is not a socket is refused before the upgrade with the one error
  // shape (the socket plugin would accept it and close at once without a reason, which a client
  // cannot tell from a dropped connection).
  const socketRoutes = new Set(routes.filter((r) => r.websocket).map((r) => r.url));
  app.addHook('onRoute', (r) => {
    if ((r as { websocket?: boolean }).websocket) socketRoutes.add(r.url);
  });
  app.addHook('onRequest', async (request, reply) => {
    if (!request.headers.upgrade || socketRoutes.has(request.routeOptions.url ?? '')) return;
    reply.raw.once('finish', () => request.raw.socket?.destroy());
    const e = new AppError('not_found', { message: 'There is no socket at this address.' });
    return reply.code(e.status).send(e.toWire());
  });

  await app.register(swagger, {
    openapi: {
      info: { title: 'Foyer API', version: '0.1.0', description: 'JSON API of Foyer. Errors are always { "error": { "code", "message", "details"? } }.' },
      servers: [{ url: config.publicUrl }],
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: cookieNames(config.secureCookies).session, description: 'The browser session (state-changing requests also need the X-CSRF-Token header).' },
          apiToken: { type: 'http', scheme: 'bearer', bearerFormat: 'fy_…', description: 'A personal API token (Account → API tokens). Each route lists the scope it needs; docs/api.md.' },
        },
      },
    },
    transform: jsonSchemaTransform,
  });
  await registerApiDocs(app);

  // Each API token has its own budget of requests per minute (shared through Redis like every limit).
  const tokenLimit = app.rateLimit({
    max: config.apiTokenRatePerMinute,
    timeWindow: 60_000,
    groupId: 'api-token',
    keyGenerator: (request) => `token:${request.auth.token?.id ?? ''}`,
    errorResponseBuilder: (_request, ctx) => new AppError('rate_limited', { message: `This API token made more than ${ctx.max} requests in a minute. Try again in ${Math.ceil(ctx.ttl / 1000)} s.` }),
  });
  const cookies = registerSession(app, {
    auth: services.auth,
    apiTokens: services.apiTokens,
    onBearer: async (request, reply) => {
      await tokenLimit.call(app, request, reply);
    },
    secure: config.secureCookies,
    publicUrl: config.publicUrl,
    sessionTtlMs: config.sessionTtlMs,
  });

  await app.register(
    async (api) => {
      await api.register(healthRoutes, { health: services.health });
      await api.register(authRoutes, { services, cookies, secure: config.secureCookies, sessionTtlMs: config.sessionTtlMs });
      await api.register(ssoRoutes, { services, cookies, secure: config.secureCookies, sessionTtlMs: config.sessionTtlMs });
      await api.register(ssoProviderRoutes, { services });
      await api.register(mediaRoutes, { services, uploadLimitBytes: config.uploadLimitBytes });
      await api.register(storageRoutes, { services });
      await api.register(playbackRoutes, { services });
      await api.register(quizRoutes, { services });
      await api.register(viewingRoutes, { services });
      await api.register(uploadsRoutes, { media: services.media, quotas: services.quotas, store: runtime.uploadStore, limitBytes: config.uploadLimitBytes, logger });
      await api.register(deliveryRoutes, { delivery: services.delivery, storage, clock, redirect: config.mediaDelivery === 'redirect' });
      await api.register(adminRoutes, { services });
      await api.register(inviteRoutes, { services });
      await api.register(settingsRoutes, { services });
      await api.register(tokenRoutes, { services });
      await api.register(eventRoutes, { services, storage, clock });
      await api.register(roomGateway, { protocol: rooms, publicUrl: config.publicUrl });
      await api.register(liveRoutes, { live: services.liveDelivery, storage, clock });
      await api.register(ingestGateway, { room: services.room, publishing: services.liveStreams, bus: runtime.bus, publicUrl: config.publicUrl, logger });
      api.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
    },
    { prefix: '/api' },
  );

  await app.register(lobbyRoutes, { services, cookies, secure: config.secureCookies });

  const webRoot = deps.webRoot ?? defaultWebRoot;
  if (fileExists(path.join(webRoot, 'index.html'))) await registerSpa(app, webRoot);
  app.setNotFoundHandler((request) => {
    throw new AppError('not_found', { message: `No such address: ${request.method} ${request.url.split('?')[0]}` });
  });

  if (config.jobsInProcess) app.addHook('onReady', async () => runtime.jobs.start());
  app.addHook('onClose', async () => runtime.close());

  return { app, services, runtime, routes };
}
