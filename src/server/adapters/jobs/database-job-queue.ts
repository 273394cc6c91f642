import { randomUUID } from 'node:crypto';
import type { Kysely, UpdateQueryBuilder, UpdateResult } from 'kysely';
import type { Logger } from 'pino';
import type { DB } from '../../db/schema.js';
import type { JobRow } from '../../db/schema-pipeline.js';
import {
  defaultBackoffMs,
  errorMessage,
  PermanentJobError,
  type EnqueueOptions,
  type JobDefinition,
  type JobQueue,
} from './job-queue.js';

export interface DatabaseJobQueueOptions {
  db: Kysely<DB>;
  logger: Logger;
  /** How long a claimed job stays ours without a heartbeat; a dead worker's job re-runs after it. */
  leaseMs?: number;
  /** How often idle workers look for due jobs (other processes, retries coming due). */
  pollMs?: number;
  backoffMs?: (attempt: number) => number;
  clock?: () => number;
}

interface Running {
  abort: AbortController;
  done: Promise<void>;
}

const DONE_RETENTION_MS = 7 * 24 * 3600_000;

/**
 * Jobs kept in the `jobs` table. A worker claims a due job by a compare-and-set on (status, attempts),
 * holds it with a lease it renews while running, and re-queues it with backoff on failure. When a
 * worker dies, its lease runs out and any worker (this process after a restart, or another) claims
 * the job again. Works on SQLite (one machine) and PostgreSQL (many).
 */
export class DatabaseJobQueue implements JobQueue {
  readonly kind = 'database' as const;
  private readonly defs = new Map<string, JobDefinition<unknown>>();
  private readonly running = new Map<string, Running>();
  private readonly leaseMs: number;
  private readonly pollMs: number;
  private readonly backoffMs: (attempt: number) => number;
  private readonly clock: () => number;
  private timer?: NodeJS.Timeout;
  private started = false;
  private ticking = false;
  private again = false;

  constructor(private readonly opts: DatabaseJobQueueOptions) {
    this.leaseMs = opts.leaseMs ?? 60_000;
    this.pollMs = opts.pollMs ?? 2_000;
    this.backoffMs = opts.backoffMs ?? defaultBackoffMs;
    this.clock = opts.clock ?? Date.now;
  }

  define<T>(def: JobDefinition<T>): void {
    this.defs.set(def.name, def);
  }

  async enqueue<T>(name: string, data: T, opts: EnqueueOptions = {}): Promise<string> {
    const def = this.defs.get(name);
    if (!def) throw new Error(`unknown job: ${name}`);
    const id = randomUUID();
    const now = this.clock();
    await this.opts.db
      .insertInto('jobs')
      .values({
        id,
        name,
        data_json: JSON.stringify(data),
        status: 'queued',
        attempts: 0,
        max_attempts: def.maxAttempts ?? 3,
        run_at: now + (opts.delayMs ?? 0),
        lease_until: null,
        last_error: null,
        created_at: now,
        updated_at: now,
        finished_at: null,
      })
      .execute();
    if (this.started) this.kick();
    return id;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.timer = setInterval(() => this.kick(), this.pollMs);
    this.timer.unref();
    void this.opts.db
      .deleteFrom('jobs')
      .where('status', '=', 'done')
      .where('finished_at', '<', this.clock() - DONE_RETENTION_MS)
      .execute()
      .catch((err) => this.opts.logger.warn({ err }, 'could not prune finished jobs'));
    this.kick();
  }

  async stop(): Promise<void> {
    this.started = false;
    if (this.timer) clearInterval(this.timer);
    const running = [...this.running.values()];
    for (const r of running) r.abort.abort(new Error('worker stopping'));
    await Promise.all(running.map((r) => r.done));
  }

  async close(): Promise<void> {
    await this.stop();
  }

  /** Looks for due jobs now. Overlapping calls fold into one more pass. */
  private kick(): void {
    if (!this.started) return;
    if (this.ticking) {
      this.again = true;
      return;
    }
    this.ticking = true;
    void this.claimDue()
      .catch((err) => this.opts.logger.error({ err }, 'job queue poll failed'))
      .finally(() => {
        this.ticking = false;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  private async claimDue(): Promise<void> {
    for (const def of this.defs.values()) {
      let free = (def.concurrency ?? 1) - this.runningCount(def.name);
      while (free > 0 && this.started) {
        const job = await this.claimNext(def.name);
        if (!job) break;
        free--;
        this.launch(def, job);
      }
    }
  }

  private runningCount(name: string): number {
    let n = 0;
    for (const key of this.running.keys()) if (key.startsWith(`${name}\0`)) n++;
    return n;
  }

  private async claimNext(name: string): Promise<JobRow | undefined> {
    const now = this.clock();
    const candidates = await this.opts.db
      .selectFrom('jobs')
      .selectAll()
      .where('name', '=', name)
      .where((eb) =>
        eb.or([
          eb.and([eb('status', '=', 'queued'), eb('run_at', '<=', now)]),
          eb.and([eb('status', '=', 'running'), eb('lease_until', '<', now)]),
        ]),
      )
      .orderBy('run_at')
      .limit(5)
      .execute();
    for (const job of candidates) {
      if (job.status === 'running' && job.attempts >= job.max_attempts) {
        await this.failForGood(job, new Error('The worker stopped during the last attempt.'));
        continue;
      }
      const res = await this.opts.db
        .updateTable('jobs')
        .set({ status: 'running', attempts: job.attempts + 1, lease_until: now + this.leaseMs, updated_at: now })
        .where('id', '=', job.id)
        .where('status', '=', job.status)
        .where('attempts', '=', job.attempts)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) === 1) return { ...job, status: 'running', attempts: job.attempts + 1 };
    }
    return undefined;
  }

  private launch(def: JobDefinition<unknown>, job: JobRow): void {
    // Claimed while stopping: leave it; its lease runs out and another run picks it up.
    if (!this.started) return;
    const abort = new AbortController();
    const key = `${def.name}\0${job.id}`;
    const heartbeat = setInterval(() => {
      void this.renew(job).then((held) => {
        if (!held) abort.abort(new Error('lost the job lease'));
      });
    }, Math.max(50, Math.floor(this.leaseMs / 3)));
    heartbeat.unref();
    // A run's bookkeeping can fail (database gone during shutdown): log it; the lease brings the job back.
    const done = this.execute(def, job, abort.signal)
      .catch((err: unknown) => this.opts.logger.error({ err, jobId: job.id }, 'job bookkeeping failed; the lease will hand it back'))
      .finally(() => {
        clearInterval(heartbeat);
        this.running.delete(key);
        this.kick();
      });
    this.running.set(key, { abort, done });
  }

  private async renew(job: JobRow): Promise<boolean> {
    try {
      const now = this.clock();
      const res = await this.owned(this.opts.db.updateTable('jobs').set({ lease_until: now + this.leaseMs, updated_at: now }), job).executeTakeFirst();
      return Number(res.numUpdatedRows) === 1;
    } catch (err) {
      this.opts.logger.warn({ err, jobId: job.id }, 'could not renew job lease');
      return true;
    }
  }

  /** Restricts an update to the run we hold, so a worker that lost its lease cannot overwrite a newer run. */
  private owned(q: UpdateQueryBuilder<DB, 'jobs', 'jobs', UpdateResult>, job: JobRow) {
    return q.where('id', '=', job.id).where('status', '=', 'running').where('attempts', '=', job.attempts);
  }

  private async execute(def: JobDefinition<unknown>, job: JobRow, signal: AbortSignal): Promise<void> {
    const log = this.opts.logger.child({ job: def.name, jobId: job.id, attempt: job.attempts });
    const data = JSON.parse(job.data_json);
    try {
      await def.run(data, { id: job.id, attempt: job.attempts, signal });
      const now = this.clock();
      await this.owned(this.opts.db.updateTable('jobs').set({ status: 'done', lease_until: null, finished_at: now, updated_at: now }), job).execute();
    } catch (err) {
      const now = this.clock();
      if (signal.aborted) {
        // Shutdown or lost lease: hand the job back without using up an attempt.
        log.info({ reason: errorMessage(signal.reason) }, 'job interrupted; it will run again');
        await this.owned(
          this.opts.db.updateTable('jobs').set({ status: 'queued', attempts: job.attempts - 1, lease_until: null, run_at: now, updated_at: now }),
          job,
        )
          .execute()
          .catch((e: unknown) => log.warn({ err: e }, 'could not hand back an interrupted job'));
        return;
      }
      const permanent = err instanceof PermanentJobError;
      if (permanent || job.attempts >= job.max_attempts) {
        await this.failForGood(job, err as Error);
        return;
      }
      log.warn({ err: errorMessage(err) }, 'job failed; will retry');
      await this.owned(
        this.opts.db
          .updateTable('jobs')
          .set({ status: 'queued', lease_until: null, last_error: errorMessage(err), run_at: now + this.backoffMs(job.attempts), updated_at: now }),
        job,
      ).execute();
    }
  }

  private async failForGood(job: JobRow, err: Error): Promise<void> {
    const now = this.clock();
    const res = await this.opts.db
      .updateTable('jobs')
      .set({ status: 'failed', lease_until: null, last_error: errorMessage(err), finished_at: now, updated_at: now })
      .where('id', '=', job.id)
      .where('status', '=', job.status)
      .where('attempts', '=', job.attempts)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) return;
    this.opts.logger.error({ job: job.name, jobId: job.id, err: errorMessage(err) }, 'job failed for good');
    const def = this.defs.get(job.name);
    try {
      await def?.onFailed?.(JSON.parse(job.data_json), err);
    } catch (hookErr) {
      this.opts.logger.error({ err: hookErr, jobId: job.id }, 'job failure hook failed');
    }
  }
}
