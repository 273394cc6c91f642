import { DelayedError, Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Logger } from 'pino';
import { randomUUID } from 'node:crypto';
import { failFastRedisOptions, type RedisMonitor } from '../redis/redis.js';
import {
  defaultBackoffMs,
  errorMessage,
  PermanentJobError,
  type EnqueueOptions,
  type JobDefinition,
  type JobQueue,
} from './job-queue.js';

export interface BullJobQueueOptions {
  redisUrl: string;
  logger: Logger;
  /** Key prefix in Redis, so several sites (or test runs) can share one server. */
  prefix?: string;
  /** Lock time of a running job; a dead worker's job is picked up again after it (BullMQ's stalled check). */
  leaseMs?: number;
  /** Base of the exponential retry delay. */
  backoffBaseMs?: number;
  /** The process's Redis monitor: connection errors during an outage are its one warning, not a log line per retry. */
  monitor?: RedisMonitor;
  /** How long `enqueue` waits for Redis before it fails (default 5 s). */
  enqueueTimeoutMs?: number;
  /** How long stopping waits for a worker to close (default 3 s). */
  closeTimeoutMs?: number;
}

/**
 * BullMQ on Redis, one BullMQ queue per job name. BullMQ renews the lock of a running job; when a
 * worker dies the lock expires and the stalled check puts the job back (`maxStalledCount` counts
 * those re-runs). Retries use BullMQ's exponential backoff.
 */
export class BullJobQueue implements JobQueue {
  readonly kind = 'redis' as const;
  private readonly defs = new Map<string, JobDefinition<unknown>>();
  private readonly queues = new Map<string, Queue>();
  private readonly workers: Worker[] = [];
  private readonly connection: { url: string; maxRetriesPerRequest: null; retryStrategy: (times: number) => number };
  /** Producers fail fast while Redis is unreachable (the caller marks the job as not queued). */
  private readonly producerConnection: { url: string } & typeof failFastRedisOptions;
  private readonly prefix: string;
  private readonly leaseMs: number;

  constructor(private readonly opts: BullJobQueueOptions) {
    // BullMQ's blocking worker connections need maxRetriesPerRequest: null.
    // back within 2 s of Redis (BullMQ's own default waits up to 20 s between tries)
    this.connection = { url: opts.redisUrl, maxRetriesPerRequest: null, retryStrategy: failFastRedisOptions.retryStrategy };
    this.producerConnection = { url: opts.redisUrl, ...failFastRedisOptions };
    this.prefix = opts.prefix ?? 'foyer';
    this.leaseMs = opts.leaseMs ?? 60_000;
  }

  define<T>(def: JobDefinition<T>): void {
    this.defs.set(def.name, def);
  }

  private queue(name: string): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: this.producerConnection, prefix: this.prefix });
      q.on('error', (err) => this.onRedisError(err, 'job queue error'));
      this.queues.set(name, q);
    }
    return q;
  }

  async enqueue<T>(name: string, data: T, opts: EnqueueOptions = {}): Promise<string> {
    const def = this.defs.get(name);
    if (!def) throw new Error(`unknown job: ${name}`);
    const id = randomUUID();
    const added = this.queue(name).add(name, data, {
      jobId: id,
      attempts: def.maxAttempts ?? 3,
      backoff: { type: 'exponential', delay: this.opts.backoffBaseMs ?? defaultBackoffMs(1) },
      delay: opts.delayMs,
      removeOnComplete: { age: 7 * 24 * 3600, count: 10_000 },
      removeOnFail: { age: 30 * 24 * 3600 },
    });
    // A queue opened while Redis is unreachable waits for it to come back: bounded here.
    let timer: NodeJS.Timeout | undefined;
    const timeoutMs = this.opts.enqueueTimeoutMs ?? 5_000;
    try {
      await Promise.race([
        added,
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`Redis did not answer within ${timeoutMs} ms; the job was not queued`)), timeoutMs);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
    return id;
  }

  /** Connection errors are the outage the Redis monitor reports once; anything else is logged. */
  private onRedisError(err: Error, what: string): void {
    if (this.opts.monitor?.noteError(err)) return;
    this.opts.logger.error({ err }, what);
  }

  start(): void {
    if (this.workers.length) return;
    for (const def of this.defs.values()) {
      const worker = new Worker(def.name, (job: Job, token?: string, signal?: AbortSignal) => this.process(def, job, token, signal), {
        connection: this.connection,
        prefix: this.prefix,
        concurrency: def.concurrency ?? 1,
        lockDuration: this.leaseMs,
        stalledInterval: Math.max(1_000, Math.floor(this.leaseMs / 2)),
        maxStalledCount: Math.max(1, (def.maxAttempts ?? 3) - 1),
      });
      worker.on('failed', (job, err) => {
        if (!job) return;
        const last = err instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1) || /stalled more than allowable limit/.test(err.message);
        if (!last) {
          this.opts.logger.warn({ job: def.name, jobId: job.id, attempt: job.attemptsMade, err: err.message }, 'job failed; will retry');
          return;
        }
        this.opts.logger.error({ job: def.name, jobId: job.id, err: err.message }, 'job failed for good');
        void Promise.resolve(def.onFailed?.(job.data, err)).catch((hookErr) =>
          this.opts.logger.error({ err: hookErr, jobId: job.id }, 'job failure hook failed'),
        );
      });
      worker.on('error', (err) => this.onRedisError(err, 'job worker error'));
      this.workers.push(worker);
    }
  }

  private async process(def: JobDefinition<unknown>, job: Job, token: string | undefined, signal: AbortSignal | undefined): Promise<void> {
    const abort = new AbortController();
    signal?.addEventListener('abort', () => abort.abort(signal.reason), { once: true });
    try {
      // Crashes (stalls) count as attempts, as in the database queue; graceful hand-backs do not.
      await def.run(job.data, { id: job.id!, attempt: job.attemptsMade + job.stalledCounter + 1, signal: abort.signal });
    } catch (err) {
      if (abort.signal.aborted) {
        // Shutdown: hand the job back without using an attempt.
        await job.moveToDelayed(Date.now(), token);
        throw new DelayedError();
      }
      if (err instanceof PermanentJobError) throw new UnrecoverableError(errorMessage(err));
      throw err;
    }
  }

  async stop(): Promise<void> {
    const workers = this.workers.splice(0);
    for (const w of workers) w.cancelAllJobs('worker stopping');
    await Promise.all(workers.map((w) => this.closeWorker(w)));
  }

  /**
   * Closes a worker, waiting at most `closeTimeoutMs`. A worker whose blocking connection is waiting
   * to reconnect (just after a Redis outage) never finishes closing: ioredis's disconnect() emits no
   * 'end' in that state (redis/ioredis#1247, #1830) and BullMQ waits for it. The connection is
   * closed all the same; only the promise hangs.
   */
  private async closeWorker(w: Worker): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeoutMs = this.opts.closeTimeoutMs ?? 3_000;
    await Promise.race([w.close(), new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)).unref())]);
    clearTimeout(timer);
  }

  async close(): Promise<void> {
    await this.stop();
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    this.queues.clear();
  }
}
