import { createHmac, randomBytes } from 'node:crypto';
import path from 'node:path';
import { ensureDir, readOrCreateSecret } from './adapters/storage/local-files.js';
import { z } from 'zod';

const emptyToUndefined = (v: unknown) => (v === '' ? undefined : v);

/**
 * Every setting Foyer reads from the environment, validated once at start.
 * Each field has one line of doc; README.md shows the same table.
 */
const envSchema = z.object({
  /** TCP port the HTTP server listens on. */
  PORT: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(65535).default(3000)),
  /** Address the server binds to. */
  HOST: z.preprocess(emptyToUndefined, z.string().default('0.0.0.0')),
  /** The site's public address; every link in an email is built from it, never from the Host header. */
  PUBLIC_URL: z.preprocess(
    emptyToUndefined,
    z
      .url({ protocol: /^https?$/, message: 'must be an http:// or https:// URL, e.g. https://media.example.com' })
      .optional(),
  ),
  /** Folder for the SQLite file, uploaded media and the generated session secret. */
  DATA_DIR: z.preprocess(emptyToUndefined, z.string().default('./data')),
  /** Database: empty for a SQLite file in DATA_DIR, or postgres://user:pass@host:5432/db. */
  DATABASE_URL: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .refine((v) => /^(postgres(ql)?:\/\/|sqlite:|file:)/.test(v), {
        message: 'must start with postgres://, postgresql://, sqlite: or file:',
      })
      .optional(),
  ),
  /** Redis for room fan-out, rate limits and jobs across processes; empty runs everything in-process. */
  REDIS_URL: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .refine((v) => /^rediss?:\/\//.test(v), { message: 'must start with redis:// or rediss://' })
      .optional(),
  ),
  /** SMTP server for outgoing mail, e.g. smtp://user:pass@mail.example.com:587; empty keeps mail in the dev outbox. */
  SMTP_URL: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .refine((v) => /^smtps?:\/\//.test(v), { message: 'must start with smtp:// or smtps://' })
      .optional(),
  ),
  /** Sender of every email Foyer sends. */
  MAIL_FROM: z.preprocess(emptyToUndefined, z.string().default('Foyer <no-reply@foyer.localhost>')),
  /** Seconds before the first retry of a failed email; each further failure doubles it (with jitter). */
  MAIL_RETRY_FIRST_SECONDS: z.preprocess(emptyToUndefined, z.coerce.number().positive().max(3600).default(5)),
  /** Longest wait between two tries of an email, and between two probes of a mail server that is down, in seconds. */
  MAIL_RETRY_MAX_SECONDS: z.preprocess(emptyToUndefined, z.coerce.number().positive().max(86_400).default(300)),
  /** Hours an email keeps being retried through an outage before it is marked failed. */
  MAIL_GIVE_UP_HOURS: z.preprocess(emptyToUndefined, z.coerce.number().positive().max(24 * 30).default(48)),
  /** Failed tries in a row (mail server down) before owners and admins see "Email delivery is failing". */
  MAIL_FAILING_AFTER_TRIES: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(100).default(3)),
  /** Secret for signing (at least 32 characters); generated and kept in DATA_DIR/session-secret on first start if unset. */
  SESSION_SECRET: z.preprocess(
    emptyToUndefined,
    z.string().min(32, { message: 'must be at least 32 characters long' }).optional(),
  ),
  /** Path to ffmpeg; empty uses the system ffmpeg when installed, else the bundled one. */
  FFMPEG_PATH: z.preprocess(emptyToUndefined, z.string().optional()),
  /**
   * Where media bytes live: empty for DATA_DIR/media on local disk, or S3-compatible object storage as
   * s3://bucket?endpoint=http://host:port&region=us-east-1&prefix=foyer/ (credentials from the usual
   * AWS variables). docs/operations.md, "Object storage".
   */
  STORAGE_URL: z.preprocess(
    emptyToUndefined,
    z.string().regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/|\?|$)/, { message: 'must be s3://bucket?endpoint=…&region=… (or empty for local disk)' }).optional(),
  ),
  /**
   * How signed media URLs reach the bytes: `proxy` Foyer streams them (from disk or S3, with Range);
   * `redirect` (object storage only) answers segments and files with a 302 to a short-lived presigned
   * URL of the bucket, so the bytes never pass through Foyer. docs/delivery.md.
   */
  MEDIA_DELIVERY: z.preprocess(emptyToUndefined, z.enum(['proxy', 'redirect']).default('proxy')),
  /** Largest upload accepted, in megabytes. */
  UPLOAD_LIMIT_MB: z.preprocess(emptyToUndefined, z.coerce.number().int().positive().default(2048)),
  /** Requests per minute one API token may make (docs/api.md, "API tokens"). */
  API_TOKEN_RATE_LIMIT: z.preprocess(emptyToUndefined, z.coerce.number().int().positive().default(600)),
  /** Lifetime of a login session, in hours. */
  SESSION_TTL_HOURS: z.preprocess(emptyToUndefined, z.coerce.number().int().positive().default(24 * 14)),
  /** Log level: fatal, error, warn, info, debug, trace or silent. */
  LOG_LEVEL: z.preprocess(
    emptyToUndefined,
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ),
  /** Set to "true" when behind a reverse proxy so client IPs come from X-Forwarded-For. */
  TRUST_PROXY: z.preprocess(emptyToUndefined, z.enum(['true', 'false']).default('false')),
  /** "false" when separate `npm run worker` processes run the jobs (transcoding); the web server then only queues them. */
  JOBS_IN_PROCESS: z.preprocess(emptyToUndefined, z.enum(['true', 'false']).default('true')),
  /** Seconds a running job is held without a heartbeat; a crashed worker's job runs again after this. */
  JOB_LEASE_SECONDS: z.preprocess(emptyToUndefined, z.coerce.number().positive().default(60)),
  /** Transcodes run at once per worker process (each ffmpeg uses every core). */
  TRANSCODE_CONCURRENCY: z.preprocess(emptyToUndefined, z.coerce.number().int().positive().default(1)),
  /** Lifetime of signed media URLs (playlists, segments, files), in seconds; also the longest a revoked viewer keeps streaming. */
  MEDIA_URL_TTL_SECONDS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(10).max(86_400).default(600)),
  /** Key for signed media URLs (share it with nginx or a CDN that checks them); empty derives one from SESSION_SECRET. */
  MEDIA_URL_SECRET: z.preprocess(
    emptyToUndefined,
    z.string().min(32, { message: 'must be at least 32 characters long' }).optional(),
  ),
  /** RTMP listener for DIY live (encoders such as OBS); 0 turns it off. */
  RTMP_PORT: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(65535).default(1935)),
  /** The RTMP address shown to owners, e.g. rtmp://live.example.org:1935/live; empty derives it from PUBLIC_URL's host and RTMP_PORT. */
  RTMP_PUBLIC_URL: z.preprocess(emptyToUndefined, z.string().regex(/^rtmps?:\/\/[^\s]+$/, 'must be an rtmp:// or rtmps:// URL').optional()),
  /** How long a dropped publisher may take to come back and continue the same stream and recording. */
  LIVE_RECONNECT_WINDOW_SECONDS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(5).max(3600).default(60)),
  /** Live broadcasts this instance packages at once (one ffmpeg each); one more is refused with live_capacity. */
  LIVE_MAX_SESSIONS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(1000).default(4)),
  /**
   * A 480p rendition beside the source, for viewers on slow connections, made only when the source is
   * taller than 480 lines: `auto` when the machine has the cores for it (2 per broadcast with one,
   * 4 when the source itself must be encoded), `on` whatever the cores, `off` never.
   */
  LIVE_LOW_RENDITION: z.preprocess(emptyToUndefined, z.enum(['auto', 'on', 'off']).default('auto')),
});

export type Env = z.infer<typeof envSchema>;

export interface Config {
  port: number;
  host: string;
  publicUrl: string;
  secureCookies: boolean;
  dataDir: string;
  mediaDir: string;
  /** Object storage for media (STORAGE_URL), or undefined for mediaDir on local disk. */
  storageUrl?: string;
  /** MEDIA_DELIVERY: Foyer streams the bytes, or redirects to presigned object storage URLs. */
  mediaDelivery: 'proxy' | 'redirect';
  database: { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };
  redisUrl?: string;
  smtpUrl?: string;
  mailFrom: string;
  /** Retries through an SMTP outage (domain/mail-delivery.ts). */
  mailRetry: { firstDelayMs: number; maxDelayMs: number; giveUpAfterMs: number; failingAfterTries: number };
  sessionSecret: string;
  ffmpegPath?: string;
  uploadLimitBytes: number;
  /** Requests per minute per API token. */
  apiTokenRatePerMinute: number;
  sessionTtlMs: number;
  logLevel: Env['LOG_LEVEL'];
  trustProxy: boolean;
  jobsInProcess: boolean;
  jobLeaseMs: number;
  transcodeConcurrency: number;
  mediaUrlTtlSeconds: number;
  mediaUrlSecret: string;
  /** Folder where resumable (tus) uploads collect their bytes before becoming media. */
  uploadsDir: string;
  /** Live video (docs/live-video.md). `rtmpPort` 0: no RTMP listener. */
  live: { rtmpPort: number; rtmpPublicUrl: string | null; reconnectWindowMs: number; maxSessions: number; lowRendition: 'auto' | 'on' | 'off' };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Foyer cannot start: the configuration is not valid.\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Reads, validates and completes the configuration. Throws ConfigError naming each bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => {
      const key = String(i.path[0]);
      return `${key}=${JSON.stringify(env[key] ?? '')}: ${i.message}`;
    });
    throw new ConfigError(problems);
  }
  const e = parsed.data;
  if (e.MEDIA_DELIVERY === 'redirect' && !e.STORAGE_URL) {
    throw new ConfigError(['MEDIA_DELIVERY="redirect": needs object storage (STORAGE_URL=s3://…); with media on local disk Foyer serves the files itself, or nginx does (docs/delivery.md)']);
  }
  const dataDir = path.resolve(e.DATA_DIR);
  ensureDir(dataDir);
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '');

  let database: Config['database'];
  if (!e.DATABASE_URL) database = { kind: 'sqlite', file: path.join(dataDir, 'foyer.sqlite') };
  else if (/^postgres/.test(e.DATABASE_URL)) database = { kind: 'postgres', url: e.DATABASE_URL };
  else database = { kind: 'sqlite', file: path.resolve(e.DATABASE_URL.replace(/^(sqlite:|file:)(\/\/)?/, '')) };

  const sessionSecret = e.SESSION_SECRET ?? readOrCreateSecret(path.join(dataDir, 'session-secret'), () => randomBytes(48).toString('base64url'));
  return {
    port: e.PORT,
    host: e.HOST,
    publicUrl,
    secureCookies: publicUrl.startsWith('https://'),
    dataDir,
    mediaDir: path.join(dataDir, 'media'),
    storageUrl: e.STORAGE_URL,
    mediaDelivery: e.MEDIA_DELIVERY,
    database,
    redisUrl: e.REDIS_URL,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    mailRetry: {
      firstDelayMs: Math.round(e.MAIL_RETRY_FIRST_SECONDS * 1000),
      maxDelayMs: Math.round(Math.max(e.MAIL_RETRY_MAX_SECONDS, e.MAIL_RETRY_FIRST_SECONDS) * 1000),
      giveUpAfterMs: Math.round(e.MAIL_GIVE_UP_HOURS * 3600_000),
      failingAfterTries: e.MAIL_FAILING_AFTER_TRIES,
    },
    sessionSecret,
    ffmpegPath: e.FFMPEG_PATH,
    uploadLimitBytes: e.UPLOAD_LIMIT_MB * 1024 * 1024,
    apiTokenRatePerMinute: e.API_TOKEN_RATE_LIMIT,
    sessionTtlMs: e.SESSION_TTL_HOURS * 3600_000,
    logLevel: e.LOG_LEVEL,
    trustProxy: e.TRUST_PROXY === 'true',
    jobsInProcess: e.JOBS_IN_PROCESS === 'true',
    jobLeaseMs: e.JOB_LEASE_SECONDS * 1000,
    transcodeConcurrency: e.TRANSCODE_CONCURRENCY,
    mediaUrlTtlSeconds: e.MEDIA_URL_TTL_SECONDS,
    // A separate key, so sharing it with a CDN never exposes the session secret.
    mediaUrlSecret: e.MEDIA_URL_SECRET ?? createHmac('sha256', sessionSecret).update('foyer media url key').digest('base64url'),
    uploadsDir: path.join(dataDir, 'uploads'),
    live: {
      rtmpPort: e.RTMP_PORT,
      rtmpPublicUrl: e.RTMP_PORT === 0 ? null : (e.RTMP_PUBLIC_URL ?? `rtmp://${new URL(publicUrl).hostname}:${e.RTMP_PORT}/live`).replace(/\/+$/, ''),
      reconnectWindowMs: e.LIVE_RECONNECT_WINDOW_SECONDS * 1000,
      maxSessions: e.LIVE_MAX_SESSIONS,
      lowRendition: e.LIVE_LOW_RENDITION,
    },
  };
}
