import type { JobDefinition } from '../../adapters/jobs/job-queue.js';
import { TRANSCODE_JOB, type TranscodeJobData, type TranscodeService } from './transcode.service.js';

/** The background job that transcodes one upload; ffmpeg failures are permanent, others retry. */
export function transcodeMediaJob(service: TranscodeService, opts: { concurrency: number }): JobDefinition<TranscodeJobData> {
  return {
    name: TRANSCODE_JOB,
    maxAttempts: 3,
    concurrency: opts.concurrency,
    run: (data, ctx) => service.run(data.mediaId, ctx),
    onFailed: (data, error) => service.markFailed(data.mediaId, error),
  };
}
