import path from 'node:path';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { MemoryBus, type Bus } from './adapters/bus/bus.js';
import { RedisBus } from './adapters/bus/redis-bus.js';
import { openRedis, RedisMonitor } from './adapters/redis/redis.js';
import { createJobQueue, type JobQueue } from './adapters/jobs/index.js';
import { OutboxMailer, SmtpMailer, type Mailer } from './adapters/mail/mailer.js';
import { resolveFfmpegPath } from './adapters/media/ffmpeg-path.js';
import type { RtmpServer } from './adapters/rtmp/rtmp-server.js';
import { DiskStorage } from './adapters/storage/disk-storage.js';
import { parseS3Url, s3Client, S3Storage } from './adapters/storage/s3-storage.js';
import type { Storage } from './adapters/storage/storage.js';
import { diskUploadStore, type UploadStore } from './adapters/storage/upload-store.js';
import { loadConfig, type Config } from './config.js';
import { createDatabase, type Database } from './db/database.js';
import { migrateToLatest } from './db/migrate.js';
import { createLogger } from './logger.js';
import { createRepositories } from './repositories/index.js';
import { EventReportService } from './services/event-report.service.js';
import { AccessService } from './services/access.service.js';
import { ApiTokenService } from './services/api-token.service.js';
import { AuditService } from './services/audit.service.js';
import { AuthService } from './services/auth.service.js';
import { CaptionService } from './services/captions.service.js';
import { countPdfPages } from './adapters/media/pdf-pages.js';
import { DeliveryService } from './services/delivery.service.js';
import { DomainEvents } from './services/domain-events.js';
import { HealthService, type RedisHealth } from './services/health.service.js';
import { InviteAccessRule } from './services/invite-access.rule.js';
import { InviteService } from './services/invite.service.js';
import { LiveEventService } from './services/live-event.service.js';
import { StreamKeyService } from './services/live-video/stream-key.service.js';
import { LiveDeliveryService } from './services/live-video/live-delivery.service.js';
import { LiveRecorder } from './services/live-video/live-recording.js';
import { LiveStreamService } from './services/live-video/live-stream.service.js';
import { LobbyService } from './services/lobby.service.js';
import { MailService } from './services/mail.service.js';
import { MediaService } from './services/media.service.js';
import { QuotaService } from './services/quota.service.js';
import { QuizService } from './services/quiz.service.js';
import { RecordingAccessRule } from './services/recording-access.rule.js';
import { RoomService } from './services/room.service.js';
import { SettingsService } from './services/settings.service.js';
import { SsoService } from './services/sso.service.js';
import { TranscodeService } from './services/transcode/transcode.service.js';
import { ViewerDirectory } from './services/viewers.js';
import { ViewingService } from './services/viewing.service.js';

/** Every use case of Foyer, built once per process. */
export interface Services {
  auth: AuthService;
  mail: MailService;
  media: MediaService;
  quotas: QuotaService;
  access: AccessService;
  settings: SettingsService;
  audit: AuditService;
  invites: InviteService;
  lobby: LobbyService;
  liveEvents: LiveEventService;
  /** DIY live: the owner's RTMP stream key per event (the RTMP listener checks keys with it). */
  streamKeys: StreamKeyService;
  /** Live video: publishing, packaging, recording (services/live-video/). */
  liveStreams: LiveStreamService;
  liveDelivery: LiveDeliveryService;
  room: RoomService;
  /** After an event: attendance, transcript, poll results (and their CSVs). */
  eventReports: EventReportService;
  apiTokens: ApiTokenService;
  /** SSO with OpenID Connect: providers, sign-in, linking, the lobby's account types. */
  sso: SsoService;
  transcode: TranscodeService;
  delivery: DeliveryService;
  captions: CaptionService;
  quiz: QuizService;
  viewing: ViewingService;
  viewers: ViewerDirectory;
  health: HealthService;
}

/** What a caller may supply instead of the defaults the configuration implies (tests, benchmarks). */
export interface RuntimeOptions {
  config: Config;
  database: Database;
  logger?: Logger;
  /** Milliseconds since the epoch; tests pass a controllable clock. */
  clock?: () => number;
  /** Defaults to SMTP when SMTP_URL is set, else the development outbox. */
  mailer?: Mailer;
  storage?: Storage;
  uploadStore?: UploadStore;
  /**
   * A Redis connection for rate limits across processes; opened from REDIS_URL when not given (the bus
   * and the queue open their own). Either way the runtime's Redis monitor watches it.
   */
  redis?: Redis;
  /** Message bus between modules and processes; defaults to Redis pub/sub with REDIS_URL or `redis`, else in-process. */
  bus?: Bus;
  /** Defaults to BullMQ with REDIS_URL, else the database queue. */
  jobs?: JobQueue;
  /**
   * Things the caller opened and hands over for the runtime to close last (the database of
   * `openRuntime`; a given `redis`). Redis opened from REDIS_URL by the runtime is always closed.
   */
  owns?: { database?: boolean; redis?: boolean };
}

/** One process's whole application without its edges (HTTP, sockets, CLI): the composition root. */
export interface Runtime {
  config: Config;
  database: Database;
  logger: Logger;
  clock: () => number;
  mailer: Mailer;
  storage: Storage;
  uploadStore: UploadStore;
  redis?: Redis;
  /** Every Redis connection of this process: one warning per outage, the state /api/health shows. */
  redisMonitor: RedisMonitor;
  bus: Bus;
  jobs: JobQueue;
  services: Services;
  /** Stops background work and closes what the runtime opened. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * Builds adapters, repositories and services, in dependency order, each getting what it needs in
 * its constructor. Cross-module reactions go through `DomainEvents` (subscribed by the reacting
 * module's own constructor) or explicit constructor arguments; nothing is wired afterwards.
 * Used by the web server (app.ts), the worker and the CLI.
 */
export function createRuntime(opts: RuntimeOptions): Runtime {
  const { config, database } = opts;
  const logger = opts.logger ?? createLogger(config.logLevel);
  const clock = opts.clock ?? Date.now;

  // adapters: the outside world
  const storage = opts.storage ?? openStorage(config);
  const uploadStore = opts.uploadStore ?? diskUploadStore(config.uploadsDir);
  const mailer: Mailer = opts.mailer ?? (config.smtpUrl ? new SmtpMailer(config.smtpUrl) : new OutboxMailer(logger));
  const redisMonitor = new RedisMonitor(logger);
  const ownsRedis = !opts.redis && Boolean(config.redisUrl);
  const redis = opts.redis ?? (config.redisUrl ? openRedis(config.redisUrl) : undefined);
  if (redis) redisMonitor.watch('rate limits', redis);
  const ownBus = opts.bus ? undefined : redis ? new RedisBus({ connection: redis, logger, monitor: redisMonitor }) : new MemoryBus();
  const bus = opts.bus ?? ownBus!;
  const jobs = opts.jobs ?? createJobQueue({ config, db: database.db, logger, monitor: redisMonitor });
  const events = new DomainEvents();

  const repos = createRepositories(database.db);
  const { tx } = repos;

  // accounts, mail, settings
  const mail = new MailService({ repo: repos.mail, mailer, from: config.mailFrom, clock, logger, policy: config.mailRetry, host: new URL(config.publicUrl).hostname });
  const auth = new AuthService({
    tx,
    users: repos.users,
    sessions: repos.sessions,
    emailTokens: repos.emailTokens,
    mail,
    clock,
    publicUrl: config.publicUrl,
    sessionTtlMs: config.sessionTtlMs,
  });
  const settings = new SettingsService({ repo: repos.settings, clock });
  const sso = new SsoService({ repo: repos.sso, tx, auth, clock, publicUrl: config.publicUrl, logger });

  // media and who may open it: ownership, then invite grants, then recordings of ended events
  const quotas = new QuotaService({ repo: repos.quotas, settings });
  const media = new MediaService({ repo: repos.media, userNames: (ids) => auth.describeUsers(ids), tx, storage, events, clock, countPages: countPdfPages, quota: quotas });
  const access = new AccessService({
    media,
    rules: [new InviteAccessRule({ grants: repos.grants, clock }), new RecordingAccessRule({ events: repos.liveEvents, settings, clock })],
  });
  const audit = new AuditService({ repo: repos.audit, media, clock });

  // live events, invites (the lobby is their other half), rooms
  const liveEvents = new LiveEventService({ repo: repos.liveEvents, streams: repos.liveStreams, tx, media, access, settings, storage, bus, events, clock, publicUrl: config.publicUrl, logger });
  const streamKeys = new StreamKeyService({ repo: repos.streamKeys, media, liveEvents, clock, serverUrl: config.live.rtmpPublicUrl });
  const invites = new InviteService({
    invites: repos.invites,
    grants: repos.grants,
    tx,
    mail,
    settings,
    audit,
    media,
    auth,
    liveEvents,
    bus,
    events,
    clock,
    publicUrl: config.publicUrl,
    sso,
  });
  const lobby = new LobbyService({
    links: repos.invites,
    grants: repos.grants,
    tx,
    invites,
    auth,
    sso,
    media,
    settings,
    audit,
    mail,
    clock,
    sessionTtlMs: config.sessionTtlMs,
  });
  const room = new RoomService({
    log: repos.roomLog,
    participants: repos.roomParticipants,
    content: repos.roomContent,
    tx,
    access,
    liveEvents,
    invitedPerson: (visitor, m) => invites.invitedPerson(visitor, m),
    bus,
    clock,
    logger,
  });

  const eventReports = new EventReportService({ repo: repos.eventReports, access, liveEvents, clock });
  const apiTokens = new ApiTokenService({ repo: repos.apiTokens, audit, clock });

  // the media pipeline: transcoding, captions, signed delivery, quizzes, viewing analytics
  const ffmpegPath = resolveFfmpegPath(config.ffmpegPath);
  const transcode = new TranscodeService({
    repo: repos.processing,
    media,
    storage,
    jobs,
    events,
    ffmpegPath,
    concurrency: config.transcodeConcurrency,
    clock,
    logger,
  });

  // live video: webcast and RTMP ingest feed one packager per broadcast; viewers get signed live HLS
  const liveStreams = new LiveStreamService({
    repo: repos.liveStreams,
    liveEvents,
    storage,
    bus,
    jobs,
    events,
    ffmpegPath,
    clock,
    logger,
    reconnectWindowMs: config.live.reconnectWindowMs,
    maxSessions: config.live.maxSessions,
    lowRendition: config.live.lowRendition,
    recorder: new LiveRecorder({ repo: repos.liveStreams, storage, media, liveEvents, ffmpegPath, logger, clock }),
  });
  liveStreams.start();
  const liveDelivery = new LiveDeliveryService({ access, liveEvents, streams: liveStreams, bus, secret: config.mediaUrlSecret, clock });
  const viewers = new ViewerDirectory({ users: (ids) => auth.describeUsers(ids), guests: (ids, mediaId) => invites.inviteesBySession(ids, mediaId),
    invitees: (emails, mediaId) => invites.inviteesByEmail(emails, mediaId),
  });
  const quiz = new QuizService({ repo: repos.quiz, tx, media, access, viewers, clock });
  const viewing = new ViewingService({ repo: repos.viewing, media, access, viewers, clock });
  const captions = new CaptionService({ media, repo: repos.captions, storage, clock });
  const delivery = new DeliveryService({
    access,
    captions: repos.captions,
    secret: config.mediaUrlSecret,
    ttlSeconds: config.mediaUrlTtlSeconds,
    clock,
    resumeAt: (visitor, m) => viewing.resumeAt(visitor, m.id, m.duration_seconds),
  });

  // operations: what /api/health reports
  const redisHealth = (): RedisHealth | undefined => {
    const remoteBus = !(bus instanceof MemoryBus);
    if (!redisMonitor.configured && !remoteBus) return undefined;
    const monitored = redisMonitor.configured ? redisMonitor.state : 'up';
    const state = monitored === 'down' || (remoteBus && bus.state === 'down') ? 'down' : monitored === 'up' && (!remoteBus || bus.state === 'up') ? 'up' : 'connecting';
    return { state, lastError: redisMonitor.lastError, since: redisMonitor.since };
  };
  const health = new HealthService({ repo: repos.health, dialect: database.dialect, storage, mail, redis: redisHealth, sso: () => sso.health(), clock });

  const services: Services = { auth, mail, media, quotas, access, settings, audit, invites, lobby, liveEvents, streamKeys, liveStreams, liveDelivery, room, eventReports, apiTokens, sso, transcode, delivery, captions, quiz, viewing, viewers, health };

  let closed: Promise<void> | undefined;
  return {
    config,
    database,
    logger,
    clock,
    mailer,
    storage,
    uploadStore,
    redis,
    redisMonitor,
    bus,
    jobs,
    services,
    close() {
      closed ??= (async () => {
        await liveStreams.close();
        await liveDelivery.stop();
        await jobs.close();
        await mail.stop();
        await mailer.close?.();
        await ownBus?.close();
        if (redis && (ownsRedis || opts.owns?.redis)) {
          redisMonitor.unwatch(redis);
          redis.disconnect();
        }
        redisMonitor.close();
        if (opts.owns?.database) await database.destroy();
      })();
      return closed;
    },
  };
}

/**
 * The RTMP listener for DIY live (docs/live-video.md) over this runtime's live stream service and
 * stream keys. An edge like HTTP, so not part of the runtime: main.ts starts it on RTMP_PORT next to
 * the HTTP listener; tests start one on port 0 (any free port, `RtmpServer.port`).
 */
export async function startRtmpListener(runtime: Runtime, opts: { port: number; host?: string; logger?: Logger }): Promise<RtmpServer> {
  // loaded here, so the worker and the CLI never load node-media-server
  const { startRtmpServer } = await import('./adapters/rtmp/rtmp-server.js');
  return startRtmpServer({
    port: opts.port,
    host: opts.host ?? runtime.config.host,
    publishing: runtime.services.liveStreams,
    eventForKey: (streamKey) => runtime.services.streamKeys.eventForKey(streamKey),
    logger: opts.logger ?? runtime.logger,
  });
}

/**
 * The runtime of a real process: config from the environment (refusing to start on a bad value),
 * the database (migrated) and Redis, all owned and closed by `close()`.
 */
export async function openRuntime(opts: { env?: NodeJS.ProcessEnv; logger?: (config: Config) => Logger } = {}): Promise<Runtime> {
  const config = loadConfig(opts.env ?? process.env);
  const logger = opts.logger?.(config) ?? createLogger(config.logLevel);
  let warnedAt = 0;
  const database = createDatabase(config.database, {
    // One warning a minute at most while PostgreSQL is away (each pooled connection reports its loss).
    onConnectionError: (err) => {
      if (Date.now() - warnedAt < 60_000) return;
      warnedAt = Date.now();
      logger.warn({ err: err.message }, 'database connection lost: requests fail (health says down) until PostgreSQL is back, then the pool reconnects by itself');
    },
  });
  await migrateToLatest(database.db);
  // Redis (REDIS_URL) is opened by createRuntime, which also closes it
  return createRuntime({ config, database, logger, owns: { database: true } });
}

/** Media storage as configured: S3-compatible object storage (STORAGE_URL), else DATA_DIR/media on disk. */
function openStorage(config: Config): Storage {
  if (!config.storageUrl) return new DiskStorage(config.mediaDir);
  const loc = parseS3Url(config.storageUrl);
  // ffmpeg and the live packager write into local scratch folders; only finished files go to the bucket
  return new S3Storage(s3Client(loc), loc, path.join(config.dataDir, 'work'));
}
