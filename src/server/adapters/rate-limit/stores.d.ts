// The stores that ship inside @fastify/rate-limit (CommonJS, no typings of their own), used by
// fallback-store.ts: the Redis store while Redis answers, the in-memory one while it does not.
declare module '@fastify/rate-limit/store/LocalStore.js' {
  import type { FastifyRateLimitStore } from '@fastify/rate-limit';
  interface LocalStoreCtor {
    new (continueExceeding: boolean, exponentialBackoff: boolean, cache?: number): FastifyRateLimitStore & RateLimitStoreRead;
  }
  const LocalStore: LocalStoreCtor;
  export default LocalStore;
}

declare module '@fastify/rate-limit/store/RedisStore.js' {
  import type { FastifyRateLimitStore } from '@fastify/rate-limit';
  import type { Redis } from 'ioredis';
  interface RedisStoreCtor {
    new (continueExceeding: boolean, exponentialBackoff: boolean, redis: Redis, key?: string): FastifyRateLimitStore & RateLimitStoreRead;
  }
  const RedisStore: RedisStoreCtor;
  export default RedisStore;
}

/** `read` (a peek without counting), which both stores have beside `incr`. */
interface RateLimitStoreRead {
  read(key: string, callback: (error: Error | null, result?: { current: number; ttl: number }) => void, timeWindow: number, max: number): void;
}
