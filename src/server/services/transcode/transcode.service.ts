import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { PermanentJobError, errorMessage, type JobContext, type JobQueue } from '../../adapters/jobs/job-queue.js';
import { FfmpegError, probeFile, runFfmpeg } from '../../adapters/media/ffmpeg.js';
import type { ProbeResult } from '../../adapters/media/ffmpeg-output.js';
import type { Storage, Workspace } from '../../adapters/storage/storage.js';
import type { Media, User } from '../../db/schema.js';
import { AUDIO_CODECS, AUDIO_KBPS, VIDEO_CODECS, VIDEO_ONLY_CODECS, masterPlaylist, planLadder, thumbnailInterval } from '../../domain/hls-ladder.js';
import { needsProcessing } from '../../domain/processing.js';
import { mediaPrefix, playKey } from '../../domain/storage-keys.js';
import { AppError } from '../../errors.js';
import type { ProcessingRepository } from '../../repositories/processing.repository.js';
import type { DomainEvents } from '../domain-events.js';
import type { MediaService } from '../media.service.js';
import { audioHlsArgs, posterArgs, videoHlsArgs } from './ffmpeg-args.js';
import { transcodeMediaJob } from './transcode-media.job.js';

export const TRANSCODE_JOB = 'transcode-media';
export interface TranscodeJobData {
  mediaId: string;
}

export interface TranscodeDeps {
  repo: ProcessingRepository;
  media: MediaService;
  storage: Storage;
  jobs: JobQueue;
  events: DomainEvents;
  ffmpegPath: string;
  /** Transcodes at once per process (TRANSCODE_CONCURRENCY). */
  concurrency: number;
  clock: () => number;
  logger: Logger;
}

const PROGRESS_EVERY_MS = 1_000;
const THUMB_WIDTH = 160;

/**
 * Turns an uploaded video or audio file into HLS. ffmpeg writes into a scratch workspace, which is
 * published under `play/<run>/` only when every file is complete; the media row points at it
 * (hls_key) only after that, so nothing half-made is ever served. A file ffmpeg cannot read fails at
 * once with its reason. New uploads are queued on `media.created`; a deletion stops its ffmpeg.
 */
export class TranscodeService {
  readonly repo: ProcessingRepository;
  /** Transcodes running in this process, by media id, so deleting the media stops its ffmpeg at once. */
  private readonly running = new Map<string, AbortController>();

  constructor(private readonly deps: TranscodeDeps) {
    this.repo = deps.repo;
    deps.jobs.define(transcodeMediaJob(this, { concurrency: deps.concurrency }));
    deps.events.on('media.created', async ({ media }) => {
      if (needsProcessing(media.type)) await this.enqueue(media);
    });
    deps.events.on('media.deleting', ({ media }) => this.stopFor(media.id));
  }

  /** Queues processing of a new or re-submitted upload. */
  async enqueue(media: Media): Promise<void> {
    try {
      await this.deps.jobs.enqueue<TranscodeJobData>(TRANSCODE_JOB, { mediaId: media.id });
    } catch (err) {
      this.deps.logger.error({ err, mediaId: media.id }, 'could not queue transcoding');
      await this.repo.setState(media.id, { status: 'failed', failureReason: 'Processing could not be queued. Try again later.' }, this.deps.clock());
    }
  }

  /** The media was deleted: stop its transcode if it runs here (elsewhere, ffmpeg fails on its own). */
  stopFor(mediaId: string): void {
    this.running.get(mediaId)?.abort(new Error('media deleted'));
  }

  async run(mediaId: string, job: JobContext): Promise<void> {
    const local = new AbortController();
    const onStop = () => local.abort(job.signal.reason);
    job.signal.addEventListener('abort', onStop, { once: true });
    this.running.set(mediaId, local);
    try {
      await this.runOnce(mediaId, { ...job, signal: local.signal }, job.signal);
    } finally {
      job.signal.removeEventListener('abort', onStop);
      if (this.running.get(mediaId) === local) this.running.delete(mediaId);
    }
  }

  private async runOnce(mediaId: string, ctx: JobContext, stopping: AbortSignal): Promise<void> {
    const media = await this.repo.find(mediaId);
    if (!media || !media.storage_key) return;
    const log = this.deps.logger.child({ mediaId, jobId: ctx.id, attempt: ctx.attempt });
    await this.repo.setState(mediaId, { status: 'processing', progress: 0, failureReason: null }, this.deps.clock());
    // One job per media runs at a time, so the media id names its workspace (and a dead attempt's leftovers).
    const work = await this.deps.storage.workspace(`transcode-${mediaId}`);
    try {
      const started = performance.now();
      const output = await this.transcode(media, work, ctx);
      const runKey = `${playKey(mediaId)}/${randomBytes(6).toString('hex')}`;
      await this.deps.storage.publish(work, runKey);
      const published = await this.repo.markReady(
        mediaId,
        {
          hlsKey: runKey,
          posterKey: output.poster ? `${runKey}/poster.jpg` : null,
          thumbnailsJson: output.thumbnails ? JSON.stringify(output.thumbnails) : null,
          durationSeconds: output.durationSeconds,
          width: output.width,
          height: output.height,
        },
        this.deps.clock(),
      );
      if (!published) {
        await this.sweepDeleted(mediaId);
        return;
      }
      if (media.hls_key && media.hls_key !== runKey) await this.deps.storage.removePrefix(`${media.hls_key}/`);
      log.info({ ms: Math.round(performance.now() - started), duration: output.durationSeconds }, 'media processed');
    } catch (err) {
      await work.dispose();
      if (stopping.aborted) {
        await this.repo.setState(mediaId, { status: 'queued', progress: 0 }, this.deps.clock());
        throw err;
      }
      if (!(await this.repo.find(mediaId))) {
        await this.sweepDeleted(mediaId);
        return;
      }
      if (err instanceof FfmpegError) throw new PermanentJobError(err.reason);
      await this.repo.setState(mediaId, { status: 'queued', progress: 0 }, this.deps.clock());
      log.warn({ err: errorMessage(err) }, 'processing attempt failed');
      throw err;
    }
  }

  /** Deleted while processing: whatever the job wrote after the delete removed the folder goes too. */
  private async sweepDeleted(mediaId: string): Promise<void> {
    await this.deps.storage.removePrefix(mediaPrefix(mediaId)).catch((err) => this.deps.logger.warn({ err, mediaId }, 'could not sweep a deleted media folder'));
  }

  /** The owner asks to process the upload again (after a failure, or to refresh the renditions). */
  async reprocess(user: User, mediaId: string): Promise<void> {
    const media = await this.deps.media.getManaged(user, mediaId);
    if (!needsProcessing(media.type)) throw new AppError('validation_failed', { message: 'Only video and audio are processed.' });
    if (media.status === 'queued' || media.status === 'processing') throw new AppError('conflict', { message: 'This media is already being processed.' });
    await this.repo.setState(media.id, { status: 'queued', progress: 0, failureReason: null }, this.deps.clock());
    await this.enqueue(media);
  }

  /** The job's last attempt failed: the owner sees ffmpeg's reason. */
  async markFailed(mediaId: string, error: Error): Promise<void> {
    await this.repo.setState(mediaId, { status: 'failed', progress: 0, failureReason: error.message }, this.deps.clock());
  }

  private async transcode(media: Media, work: Workspace, ctx: JobContext) {
    const input = await this.deps.storage.localFile(media.storage_key!, work);
    const paths: Array<[string, string]> = [[input, media.original_name], [work.dir, '']];
    const probe = await probeFile({ ffmpegPath: this.deps.ffmpegPath, file: input, signal: ctx.signal, displayName: media.original_name });
    const wantsVideo = media.type !== 'audio' && probe.video;
    if (!wantsVideo && !probe.audio) throw new FfmpegError('The file has no audio or video that ffmpeg can read.', null);

    let lastWrite = 0;
    let lastPercent = -1;
    let outSeconds = 0;
    const onProgress = (seconds: number) => {
      outSeconds = Math.max(outSeconds, seconds);
      if (!probe.durationSeconds) return;
      const percent = Math.min(99, Math.floor((seconds / probe.durationSeconds) * 100));
      const now = Date.now();
      if (percent === lastPercent || now - lastWrite < PROGRESS_EVERY_MS) return;
      lastWrite = now;
      lastPercent = percent;
      void this.repo.setProgress(media.id, percent).catch((err) => this.deps.logger.warn({ err }, 'could not store progress'));
    };
    const run = (args: string[]) => runFfmpeg({ ffmpegPath: this.deps.ffmpegPath, args, signal: ctx.signal, onProgress, paths });

    if (!wantsVideo) {
      await work.mkdir('audio');
      await run(audioHlsArgs({ input, outDir: work.dir }));
      await work.writeFile('master.m3u8', masterPlaylist([{ name: 'audio', bandwidthBps: AUDIO_KBPS * 1100, codecs: AUDIO_CODECS }]));
      return { durationSeconds: duration(probe, outSeconds), width: null, height: null, poster: false, thumbnails: null };
    }

    const video = probe.video!;
    const rungs = planLadder(video);
    const every = thumbnailInterval(probe.durationSeconds ?? 0);
    for (const r of rungs) await work.mkdir(r.name);
    await work.mkdir('thumbs');
    await run(videoHlsArgs({ input, outDir: work.dir, rungs, hasAudio: Boolean(probe.audio), thumbnails: { everySeconds: every, width: THUMB_WIDTH } }));
    const finalDuration = duration(probe, outSeconds);
    const posterAt = Math.min(5, (finalDuration ?? 0) * 0.1);
    await run(posterArgs({ input, output: work.path('poster.jpg'), atSeconds: posterAt, height: Math.min(720, rungs.at(-1)!.height) }));
    await work.writeFile(
      'master.m3u8',
      masterPlaylist(
        rungs.map((r) => ({
          name: r.name,
          bandwidthBps: (r.videoKbps * 1.07 + (probe.audio ? r.audioKbps : 0)) * 1000,
          width: r.width,
          height: r.height,
          codecs: probe.audio ? VIDEO_CODECS : VIDEO_ONLY_CODECS,
        })),
      ),
    );
    const count = (await work.list('thumbs')).filter((f) => f.endsWith('.jpg')).length;
    return {
      durationSeconds: finalDuration,
      width: video.width,
      height: video.height,
      poster: true,
      thumbnails: count ? { everySeconds: every, width: THUMB_WIDTH, count } : null,
    };
  }
}

/** The probed duration, or how much ffmpeg wrote when the container did not say (some WebM). */
const duration = (probe: ProbeResult, outSeconds: number): number | null => probe.durationSeconds ?? (outSeconds > 0 ? Math.round(outSeconds * 100) / 100 : null);
