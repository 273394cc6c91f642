import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signUp, type TestApp } from '../factories/app.js';
import { testDialects } from '../factories/database.js';
import { makeSizedVideo, multipart } from '../factories/media.js';
import { waitFor } from '../factories/wait.js';

/**
 * A worker process (the real `worker` entry) is killed while ffmpeg runs; once its lease runs out the
 * job runs again in another worker and the media becomes ready, with nothing of the first run left.
 */
describe.each(testDialects())('restart during a transcode on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ dialect, env: { JOBS_IN_PROCESS: 'false', JOB_LEASE_SECONDS: '1' } });
  });
  afterAll(async () => t?.close());

  it('finishes the job after the worker was killed mid-transcode', async () => {
    const { agent } = await signUp(t);
    const form = multipart('long.mp4', makeSizedVideo({ width: 640, height: 360, seconds: 40 }).bytes);

    const worker = spawn(process.execPath, ['--import', 'tsx', 'src/server/worker.ts'], {
      env: { ...process.env, ...t.db.childEnv, SESSION_SECRET: t.config.sessionSecret, LOG_LEVEL: 'info', JOB_LEASE_SECONDS: '1' },
      stdio: ['ignore', 'pipe', 'inherit'],
      detached: true,
    });
    let workerExit: number | null | undefined;
    const exited = new Promise((r) => worker.on('exit', (code) => r((workerExit = code))));
    let log = '';
    worker.stdout!.on('data', (d) => (log += d));
    // The worker is idle first and must stay up to find the job queued after it started.
    await waitFor(() => log.includes('Foyer worker is running') || workerExit !== undefined, { what: 'the worker to start', timeoutMs: 30_000 });
    const up = await agent.request('POST', '/api/media', form.body, form.headers);
    const id = up.json().media.id as string;
    expect(up.json().media.status).toBe('queued');
    try {
      const mid = await waitFor(
        async () => {
          if (workerExit !== undefined) throw new Error(`the worker exited (${workerExit}) before the job ran`);
          const row = await t.services.transcode.repo.find(id);
          return row?.status === 'processing' && row.processing_progress > 0 ? row : undefined;
        },
        { what: 'the worker to report progress', timeoutMs: 60_000 },
      );
      expect(mid.processing_progress).toBeLessThan(100);
    } finally {
      // The whole process group, ffmpeg included, as when a container is killed.
      process.kill(-worker.pid!, 'SIGKILL');
      await exited;
    }
    expect((await t.services.transcode.repo.find(id))!.status).toBe('processing');

    t.runtime.jobs.start();
    const ready = await waitFor(
      async () => {
        const row = await t.services.transcode.repo.find(id);
        return row?.status === 'ready' || row?.status === 'failed' ? row : undefined;
      },
      { what: 'the job to finish after the restart', timeoutMs: 90_000, everyMs: 100 },
    );
    expect(ready).toMatchObject({ status: 'ready', failure_reason: null });
    const job = await t.db.database.db.selectFrom('jobs').selectAll().where('data_json', 'like', `%${id}%`).executeTakeFirstOrThrow();
    expect(job).toMatchObject({ status: 'done', attempts: 2 });
    const dir = path.join(t.config.mediaDir, ready.hls_key!);
    const playlist = readFileSync(path.join(dir, '360p', 'index.m3u8'), 'utf8');
    expect(playlist).toContain('#EXT-X-ENDLIST');
    expect(ready.duration_seconds).toBeCloseTo(40, 0);
    expect(existsSync(path.join(t.config.mediaDir, '.work', `transcode-${id}`))).toBe(false);
    expect(readdirSync(path.join(t.config.mediaDir, 'media', id, 'play'))).toEqual([path.basename(ready.hls_key!)]);
  });
});
