import type { JobQueue } from '../adapters/jobs/job-queue.js';
import { resolveFfmpegPath } from '../adapters/media/ffmpeg-path.js';
import { needsProcessing } from '../domain/processing.js';
import { CaptionRepository } from '../repositories/caption.repository.js';
import type { AccessService } from './access.service.js';
import { CaptionService } from './captions.service.js';
import { DeliveryService } from './delivery.service.js';
import { QuizService } from './quiz.service.js';
import { UploadService } from './uploads.service.js';
import { ViewerDirectory } from './viewers.js';
import { ViewingService } from './viewing.service.js';
import type { ServiceDeps } from './index.js';
import type { MediaService } from './media.service.js';
import { transcodeMediaJob } from './transcode/transcode-media.job.js';
import { TranscodeService } from './transcode/transcode.service.js';

/** Services of the media pipeline: jobs, transcoding, signed delivery, captions, quizzes, viewing analytics. */
export interface PipelineServices {
  jobs: JobQueue;
  transcode: TranscodeService;
  delivery: DeliveryService;
  captions: CaptionService;
  uploads: UploadService;
  quiz: QuizService;
  viewing: ViewingService;
  /** Names viewers in quiz results and analytics; the invite module adds a labeler for guests. */
  viewers: ViewerDirectory;
}

export function createPipelineServices(deps: ServiceDeps, core: { media: MediaService; access: AccessService }): PipelineServices {
  const { jobs } = deps;
  const transcode = new TranscodeService({
    db: deps.db,
    storage: deps.storage,
    ffmpegPath: resolveFfmpegPath(deps.config.ffmpegPath),
    clock: deps.clock,
    logger: deps.logger,
  });
  jobs.define(transcodeMediaJob(transcode, { concurrency: deps.config.transcodeConcurrency }));
  core.media.hooks.push({
    onCreated: async (media) => {
      if (needsProcessing(media.type)) await transcode.enqueue(jobs, media);
    },
    onDeleted: async (media) => transcode.stopFor(media.id),
  });
  const viewers = new ViewerDirectory(deps.db);
  const quiz = new QuizService({ db: deps.db, media: core.media, access: core.access, viewers, clock: deps.clock });
  const viewing = new ViewingService({ db: deps.db, media: core.media, access: core.access, viewers, clock: deps.clock });
  const captionRepo = new CaptionRepository(deps.db);
  const delivery = new DeliveryService({
    access: core.access,
    captions: captionRepo,
    secret: deps.config.mediaUrlSecret,
    ttlSeconds: deps.config.mediaUrlTtlSeconds,
    clock: deps.clock,
    resumeAt: (auth, media) => viewing.resumeAt(auth, media.id, media.duration_seconds),
  });
  const captions = new CaptionService({ media: core.media, repo: captionRepo, storage: deps.storage, clock: deps.clock });
  const uploads = new UploadService({
    media: core.media,
    directory: deps.config.uploadsDir,
    limitBytes: deps.config.uploadLimitBytes,
    logger: deps.logger,
    path: '/api/uploads',
  });
  return { jobs, transcode, delivery, captions, uploads, quiz, viewing, viewers };
}
