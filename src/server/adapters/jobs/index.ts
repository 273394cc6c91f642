import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Config } from '../../config.js';
import type { DB } from '../../db/schema.js';
import type { RedisMonitor } from '../redis/redis.js';
import { BullJobQueue } from './bull-job-queue.js';
import { DatabaseJobQueue } from './database-job-queue.js';
import type { JobQueue } from './job-queue.js';

export * from './job-queue.js';
export { BullJobQueue } from './bull-job-queue.js';
export { DatabaseJobQueue } from './database-job-queue.js';

/** BullMQ when REDIS_URL is set, else the database queue. */
export function createJobQueue(opts: { config: Config; db: Kysely<DB>; logger: Logger; monitor?: RedisMonitor }): JobQueue {
  const { config } = opts;
  if (config.redisUrl) return new BullJobQueue({ redisUrl: config.redisUrl, logger: opts.logger, leaseMs: config.jobLeaseMs, monitor: opts.monitor });
  return new DatabaseJobQueue({ db: opts.db, logger: opts.logger, leaseMs: config.jobLeaseMs });
}
