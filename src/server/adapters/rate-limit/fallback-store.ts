import type { FastifyRateLimitOptions, FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import LocalStore from '@fastify/rate-limit/store/LocalStore.js';
import RedisStore from '@fastify/rate-limit/store/RedisStore.js';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { isConnectionError, type RedisMonitor } from '../redis/redis.js';

type Result = { current: number; ttl: number };
type Callback = (error: Error | null, result?: Result) => void;
type Store = FastifyRateLimitStore & RateLimitStoreRead;

export interface FallbackStoreOptions {
  /** The shared counters; without it every count is per process. */
  redis?: Redis;
  /** Key prefix in Redis. */
  nameSpace: string;
  /** How long one count may wait for Redis before the process counts it itself (default 500 ms). */
  timeoutMs?: number;
  /** Keys kept by the per-process store (default 5000, as @fastify/rate-limit's own). */
  cache?: number;
  monitor?: RedisMonitor;
  logger?: Pick<Logger, 'error'>;
}

/**
 * A @fastify/rate-limit store that counts in Redis (shared by every process) while Redis answers,
 * and in this process's memory while it does not: a Redis outage never turns a request into a 500
 * and never opens the door; limits then hold per process. The in-memory counts start from zero at
 * the outage and are left behind when Redis is back (its counters never stopped).
 * Both halves are @fastify/rate-limit's own stores.
 */
export function fallbackRateLimitStore(opts: FallbackStoreOptions): FastifyRateLimitStoreCtor {
  const timeoutMs = opts.timeoutMs ?? 500;

  class FallbackStore implements FastifyRateLimitStore {
    private readonly local: Store;
    private readonly remote?: Store;

    constructor(params: FastifyRateLimitOptions | { local: Store; remote?: Store }) {
      if ('local' in params) {
        this.local = params.local;
        this.remote = params.remote;
        return;
      }
      // the plugin's resolved options (its typings leave these two out)
      const { continueExceeding = false, exponentialBackoff = false } = params as { continueExceeding?: boolean; exponentialBackoff?: boolean };
      this.local = new LocalStore(continueExceeding, exponentialBackoff, opts.cache);
      this.remote = opts.redis ? new RedisStore(continueExceeding, exponentialBackoff, opts.redis, opts.nameSpace) : undefined;
    }

    private call(method: 'incr' | 'read', key: string, cb: Callback, timeWindow: number, max: number): void {
      const remote = this.remote;
      if (!remote || opts.redis!.status !== 'ready') return this.local[method](key, cb, timeWindow, max);
      let settled = false;
      const fallBack = (err: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (!opts.monitor?.noteError(err) && !isConnectionError(err)) opts.logger?.error({ err }, 'rate limit store failed; counting in this process');
        this.local[method](key, cb, timeWindow, max);
      };
      const timer = setTimeout(() => fallBack(new Error(`Command timed out: Redis gave no count within ${timeoutMs} ms`)), timeoutMs);
      remote[method](
        key,
        (err, result) => {
          if (err) return fallBack(err);
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          cb(null, result);
        },
        timeWindow,
        max,
      );
    }

    incr(key: string, cb: Callback, timeWindow: number, max: number): void {
      this.call('incr', key, cb, timeWindow, max);
    }

    read(key: string, cb: Callback, timeWindow: number, max: number): void {
      this.call('read', key, cb, timeWindow, max);
    }

    child(routeOptions: Parameters<FastifyRateLimitStore['child']>[0]): FastifyRateLimitStore {
      return new FallbackStore({ local: this.local.child(routeOptions) as Store, remote: this.remote?.child(routeOptions) as Store | undefined });
    }
  }

  return FallbackStore as unknown as FastifyRateLimitStoreCtor;
}
