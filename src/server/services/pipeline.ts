import type { JobQueue } from '../adapters/jobs/job-queue.js';
import type { AccessService } from './access.service.js';
import type { ServiceDeps } from './index.js';
import type { MediaService } from './media.service.js';

/** Services of the media pipeline: jobs, transcoding, signed delivery, quizzes, viewing analytics. */
export interface PipelineServices {
  jobs: JobQueue;
}

export function createPipelineServices(deps: ServiceDeps, core: { media: MediaService; access: AccessService }): PipelineServices {
  void core;
  return { jobs: deps.jobs };
}
