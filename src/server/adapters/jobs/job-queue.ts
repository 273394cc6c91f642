/**
 * Background jobs behind one interface: the database queue (default, works in one process or across
 * worker processes sharing the database) or BullMQ on Redis. Both retry with backoff and re-run a
 * job whose worker died mid-way (its lease / lock runs out), so handlers must be safe to run again.
 */
export interface JobContext {
  id: string;
  /** 1 for the first run. */
  attempt: number;
  /** Aborted when the queue stops (shutdown) or loses the job; the handler should stop promptly. */
  signal: AbortSignal;
}

export interface JobDefinition<T = unknown> {
  name: string;
  run(data: T, ctx: JobContext): Promise<void>;
  /** Called once when the job has failed for good (last attempt, or a PermanentJobError). */
  onFailed?(data: T, error: Error): Promise<void>;
  /** Total runs allowed, including re-runs after a crash. Default 3. */
  maxAttempts?: number;
  /** Jobs of this name run at once per process. Default 1. */
  concurrency?: number;
}

export interface EnqueueOptions {
  /** Start no earlier than this many milliseconds from now. */
  delayMs?: number;
}

export interface JobQueue {
  readonly kind: 'database' | 'redis';
  /** Makes a job name known; needed both to enqueue it and to work on it. */
  define<T>(def: JobDefinition<T>): void;
  /** Stores the job; resolves once it is durable. Returns the job id. */
  enqueue<T>(name: string, data: T, opts?: EnqueueOptions): Promise<string>;
  /** Starts working on defined jobs in this process. */
  start(): void;
  /** Stops working: running jobs are aborted and handed back to the queue without using an attempt. */
  stop(): Promise<void>;
  /** Stops and releases connections. */
  close(): Promise<void>;
}

/** A failure that another attempt cannot fix (a corrupt file): the job fails at once. */
export class PermanentJobError extends Error {
  override readonly name = 'PermanentJobError';
}

/** Retry delay after the given failed attempt: 5 s, 10 s, 20 s ... capped at 5 minutes. */
export const defaultBackoffMs = (attempt: number): number => Math.min(5_000 * 2 ** (attempt - 1), 5 * 60_000);

export const errorMessage = (err: unknown): string => (err instanceof Error ? err.message : String(err));
