import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import pino from 'pino';
import { BullJobQueue } from '../../src/server/adapters/jobs/bull-job-queue.js';
import { DatabaseJobQueue } from '../../src/server/adapters/jobs/database-job-queue.js';
import type { JobQueue } from '../../src/server/adapters/jobs/job-queue.js';
import { createTestDatabase, type TestDatabase } from './database.js';

export type QueueKind = 'database-sqlite' | 'database-postgres' | 'redis';

/** The database queue on SQLite always, on PostgreSQL with TEST_DATABASE_URL, BullMQ with TEST_REDIS_URL. */
export const queueKinds = (): QueueKind[] => [
  'database-sqlite',
  ...(process.env.TEST_DATABASE_URL ? (['database-postgres'] as const) : []),
  ...(process.env.TEST_REDIS_URL ? (['redis'] as const) : []),
];

/** One job store (a database, or a Redis prefix) from which several queues can be made, as after a restart. */
export interface QueueStore {
  kind: QueueKind;
  make(opts?: { leaseMs?: number }): JobQueue;
  /** Environment for a child process that opens a queue on the same store (test/fixtures/job-worker.ts). */
  childEnv: Record<string, string>;
  db?: TestDatabase;
  dispose(): Promise<void>;
}

const silent = pino({ level: 'silent' });

export async function createQueueStore(kind: QueueKind): Promise<QueueStore> {
  const made: JobQueue[] = [];
  const track = (q: JobQueue) => (made.push(q), q);
  if (kind === 'redis') {
    const prefix = `foyer-test-${randomBytes(4).toString('hex')}`;
    const redisUrl = process.env.TEST_REDIS_URL!;
    return {
      kind,
      make: (o = {}) => track(new BullJobQueue({ redisUrl, logger: silent, prefix, leaseMs: o.leaseMs ?? 30_000, backoffBaseMs: 20 })),
      childEnv: { QUEUE_KIND: 'redis', REDIS_URL: redisUrl, QUEUE_PREFIX: prefix },
      async dispose() {
        await Promise.all(made.map((q) => q.close()));
        for (const name of ['test-job', 'hang']) {
          const q = new Queue(name, { connection: { url: redisUrl }, prefix });
          await q.obliterate({ force: true });
          await q.close();
        }
      },
    };
  }
  const db = await createTestDatabase(kind === 'database-sqlite' ? 'sqlite' : 'postgres');
  return {
    kind,
    db,
    make: (o = {}) => track(new DatabaseJobQueue({ db: db.database.db, logger: silent, leaseMs: o.leaseMs ?? 30_000, pollMs: 50, backoffMs: (a) => 10 * a })),
    childEnv: { QUEUE_KIND: 'database', ...db.childEnv },
    async dispose() {
      await Promise.all(made.map((q) => q.close()));
      await db.dispose();
    },
  };
}
