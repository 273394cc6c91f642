import { spawn } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PermanentJobError, type JobContext } from '../../src/server/adapters/jobs/job-queue.js';
import { createQueueStore, queueKinds, type QueueStore } from '../factories/jobs.js';
import { waitFor } from '../factories/wait.js';

describe.each(queueKinds())('job queue on %s', (kind) => {
  let store: QueueStore;
  beforeEach(async () => {
    store = await createQueueStore(kind);
  });
  afterEach(async () => store?.dispose());

  it('runs an enqueued job with its data', async () => {
    const q = store.make();
    const seen: unknown[] = [];
    q.define<{ hello: string }>({ name: 'test-job', run: async (data) => void seen.push(data) });
    q.start();
    await q.enqueue('test-job', { hello: 'world' });
    await waitFor(() => seen.length === 1, { what: 'the job to run' });
    expect(seen).toEqual([{ hello: 'world' }]);
  });

  it('retries a failing job with backoff until it succeeds', async () => {
    const q = store.make();
    const attempts: number[] = [];
    q.define({
      name: 'test-job',
      maxAttempts: 3,
      run: async (_d, ctx: JobContext) => {
        attempts.push(ctx.attempt);
        if (ctx.attempt < 3) throw new Error(`flaky ${ctx.attempt}`);
      },
    });
    q.start();
    await q.enqueue('test-job', {});
    await waitFor(() => attempts.length === 3, { what: 'three attempts' });
    expect(attempts).toEqual([1, 2, 3]);
  });

  it('fails for good after the last attempt and reports the error once', async () => {
    const q = store.make();
    const failures: string[] = [];
    let runs = 0;
    q.define<{ id: string }>({
      name: 'test-job',
      maxAttempts: 2,
      run: async () => {
        runs++;
        throw new Error('always broken');
      },
      onFailed: async (data, err) => void failures.push(`${data.id}: ${err.message}`),
    });
    q.start();
    await q.enqueue('test-job', { id: 'x' });
    await waitFor(() => failures.length === 1, { what: 'the failure hook' });
    expect(failures).toEqual(['x: always broken']);
    expect(runs).toBe(2);
  });

  it('does not retry a permanent failure', async () => {
    const q = store.make();
    const failures: string[] = [];
    let runs = 0;
    q.define({
      name: 'test-job',
      maxAttempts: 5,
      run: async () => {
        runs++;
        throw new PermanentJobError('corrupt input');
      },
      onFailed: async (_d, err) => void failures.push(err.message),
    });
    q.start();
    await q.enqueue('test-job', {});
    await waitFor(() => failures.length === 1, { what: 'the failure hook' });
    expect(failures[0]).toContain('corrupt input');
    expect(runs).toBe(1);
  });

  it('hands a running job back on stop, and a new queue on the same store runs it again', async () => {
    const first = store.make();
    let started = false;
    first.define({
      name: 'test-job',
      run: (_d, ctx) =>
        new Promise<void>((_resolve, reject) => {
          started = true;
          ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason));
        }),
    });
    first.start();
    await first.enqueue('test-job', { n: 1 });
    await waitFor(() => started, { what: 'the job to start' });
    await first.stop();

    const second = store.make();
    const attempts: number[] = [];
    second.define({ name: 'test-job', run: async (_d, ctx) => void attempts.push(ctx.attempt) });
    second.start();
    await waitFor(() => attempts.length === 1, { what: 'the job to run again' });
    expect(attempts).toEqual([1]);
  });

  it('runs a job again after its worker process was killed mid-job', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/job-worker.ts'], {
      env: { ...process.env, ...store.childEnv, LEASE_MS: '1000' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const exited = new Promise((r) => child.on('exit', r));
    try {
      const producer = store.make({ leaseMs: 1000 });
      producer.define({ name: 'hang', run: async () => {} });
      await producer.enqueue('hang', { n: 7 });
      await producer.close();
      await waitFor(() => out.includes('started 7 attempt 1'), { what: 'the child worker to start the job', timeoutMs: 30_000 });
    } finally {
      child.kill('SIGKILL');
      await exited;
    }

    const restarted = store.make({ leaseMs: 1000 });
    const runs: Array<{ n: number; attempt: number }> = [];
    restarted.define<{ n: number }>({ name: 'hang', run: async (data, ctx) => void runs.push({ n: data.n, attempt: ctx.attempt }) });
    restarted.start();
    await waitFor(() => runs.length === 1, { what: 'the job to run again after the lease ran out', timeoutMs: 30_000 });
    expect(runs).toEqual([{ n: 7, attempt: 2 }]);
  });
});
