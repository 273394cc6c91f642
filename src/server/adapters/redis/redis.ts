import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';

/**
 * Options for every connection Foyer opens to Redis (except BullMQ's blocking worker connections,
 * which must wait). Nothing waits for Redis: while it is unreachable a command fails at once
 * (no offline queue, no retries), a command to a Redis that stopped answering fails after
 * `commandTimeout`, and the connection keeps trying to come back every 2 s at most.
 */
export const failFastRedisOptions = {
  enableOfflineQueue: false,
  maxRetriesPerRequest: 0,
  commandTimeout: 1_000,
  connectTimeout: 2_000,
  retryStrategy: (times: number) => Math.min(100 * 2 ** Math.min(times, 5), 2_000),
} satisfies RedisOptions;

/** A connection with `failFastRedisOptions` (plus `extra`); give it to a `RedisMonitor` before use. */
export function openRedis(url: string, extra: RedisOptions = {}): Redis {
  return new Redis(url, { ...failFastRedisOptions, ...extra });
}

/** The process's view of Redis: `connecting` until every connection was ready once, then `up` or `down`. */
export type RedisState = 'connecting' | 'up' | 'down';

interface Watched {
  name: string;
  ready: boolean;
  lost: boolean;
  /** A heartbeat PING is waiting for its answer. */
  pinging: boolean;
  off: () => void;
}

export interface RedisMonitorOptions {
  /**
   * How often each ready connection is pinged (default 5 s). A Redis that stops answering (a hung
   * process, a network that drops packets) closes no socket: a PING that gets no answer within
   * `pingTimeoutMs` (default 1 s) makes that connection reconnect, so the outage shows.
   */
  heartbeatMs?: number;
  pingTimeoutMs?: number;
}

const connectionErrorCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/** Whether an error only says that Redis cannot be reached (which the monitor reports once per outage). */
export function isConnectionError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: string }).code;
  if (code && connectionErrorCodes.has(code)) return true;
  return /Connection is closed|Stream isn't writeable|Command timed out|Socket timeout|connect ETIMEDOUT|MaxRetriesPerRequest|Reached the max retries/i.test(err.message);
}

/**
 * Watches every Redis connection of one process: each gets an `error` listener (so ioredis never
 * prints "Unhandled error event"), and the process logs ONE warning when Redis becomes unreachable
 * and one when it is back, however many connections and reconnection attempts there are. Errors
 * themselves are kept (`lastError`, for /api/health), not logged one by one.
 */
export class RedisMonitor {
  private readonly conns = new Map<Redis, Watched>();
  private readonly listeners = new Set<(state: RedisState) => void>();
  private current: RedisState = 'connecting';
  private downSince?: number;
  private closed = false;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly pingTimeoutMs: number;
  lastError?: string;

  constructor(
    private readonly logger?: Pick<Logger, 'warn'>,
    opts: RedisMonitorOptions = {},
  ) {
    this.pingTimeoutMs = opts.pingTimeoutMs ?? 1_000;
    this.heartbeat = setInterval(() => this.pingAll(), opts.heartbeatMs ?? 5_000);
    this.heartbeat.unref();
  }

  get state(): RedisState {
    return this.current;
  }

  /** Whether any connection is watched (Redis is configured for this process). */
  get configured(): boolean {
    return this.conns.size > 0;
  }

  /** Epoch ms since which Redis is unreachable, while it is. */
  get since(): number | undefined {
    return this.current === 'down' ? this.downSince : undefined;
  }

  onChange(listener: (state: RedisState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Starts watching a connection (idempotent); `unwatch` before closing it on purpose. */
  watch(name: string, conn: Redis): void {
    if (this.conns.has(conn)) return;
    const w: Watched = { name, ready: conn.status === 'ready', lost: false, pinging: false, off: () => undefined };
    const onError = (err: Error) => {
      this.lastError = err.message || (err as { code?: string }).code || String(err);
      if (!w.ready && !w.lost) {
        w.lost = true;
        this.update();
      }
    };
    const onReady = () => {
      w.ready = true;
      w.lost = false;
      this.update();
    };
    const onClose = () => {
      if (!w.ready && w.lost) return;
      this.lastError ??= 'connection closed';
      w.ready = false;
      w.lost = true;
      this.update();
    };
    conn.on('error', onError);
    conn.on('ready', onReady);
    conn.on('close', onClose);
    conn.on('end', onClose);
    w.off = () => {
      conn.off('ready', onReady);
      conn.off('close', onClose);
      conn.off('end', onClose);
      // keep a silent error listener: a connection being closed may still report a last error
      conn.off('error', onError);
      conn.on('error', () => undefined);
    };
    this.conns.set(conn, w);
    this.update();
  }

  unwatch(conn: Redis): void {
    const w = this.conns.get(conn);
    if (!w) return;
    w.off();
    this.conns.delete(conn);
    this.update();
  }

  /**
   * An error from a Redis client the monitor does not watch (BullMQ's). Connection errors are the
   * outage the monitor already reports; anything else is logged by the caller.
   */
  noteError(err: unknown): boolean {
    if (!isConnectionError(err)) return false;
    this.lastError = (err as Error).message;
    return true;
  }

  /** Pings every ready connection; one that does not answer in time reconnects (and so counts as lost). */
  private pingAll(): void {
    for (const [conn, w] of this.conns) {
      if (!w.ready || w.pinging || conn.status !== 'ready') continue;
      w.pinging = true;
      let timer: NodeJS.Timeout | undefined;
      const answered = conn.ping().then(
        () => true,
        (err: unknown) => !isConnectionError(err),
      );
      const late = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), this.pingTimeoutMs);
        timer.unref();
      });
      void Promise.race([answered, late]).then((ok) => {
        clearTimeout(timer);
        w.pinging = false;
        if (ok || this.closed || !this.conns.has(conn)) return;
        this.lastError = `no answer to PING within ${this.pingTimeoutMs} ms`;
        if (conn.status === 'ready') conn.disconnect(true);
      });
    }
  }

  /** Stops logging and telling listeners (the process is shutting down). */
  close(): void {
    this.closed = true;
    clearInterval(this.heartbeat);
    for (const conn of [...this.conns.keys()]) this.unwatch(conn);
    this.listeners.clear();
  }

  private update(): void {
    if (this.closed) return;
    const all = [...this.conns.values()];
    const next: RedisState = all.some((w) => w.lost) ? 'down' : all.length > 0 && all.every((w) => w.ready) ? 'up' : this.current === 'down' ? 'down' : 'connecting';
    if (next === this.current) return;
    const previous = this.current;
    this.current = next;
    if (next === 'down') {
      this.downSince = Date.now();
      this.logger?.warn(
        { redis: 'down', err: this.lastError, lost: all.filter((w) => !w.ready).map((w) => w.name) },
        'Redis unreachable: live rooms reach only the sockets of this server and rate limits count per process until it is back',
      );
    } else if (next === 'up' && previous === 'down') {
      this.logger?.warn({ redis: 'up', downMs: this.downSince ? Date.now() - this.downSince : undefined }, 'Redis reachable again: rooms catch up from the database, rate limits are shared again');
      this.downSince = undefined;
      this.lastError = undefined;
    }
    for (const l of this.listeners) l(next);
  }
}
