import type { Logger } from 'pino';
import { runFfmpeg } from '../../adapters/media/ffmpeg.js';
import type { Storage, Workspace } from '../../adapters/storage/storage.js';
import type { LiveSegmentRow } from '../../db/schema-live.js';
import type { LiveStreamRepository } from '../../repositories/live-stream.repository.js';
import type { LiveEventService } from '../live-event.service.js';
import type { MediaService } from '../media.service.js';

/** How long a recording run holds the making of it without renewing (it renews every third of this). */
const CLAIM_MS = 5 * 60_000;

/**
 * The recording of a broadcast: every segment viewers got, in order, joined into one MP4 — one video
 * however many times the publisher dropped and came back — then handed to the library like an upload
 * (the transcode pipeline makes its ladder, poster and thumbnails) and attached to the event.
 * A job (`live.recording`): safe to run again, it does nothing once the recording exists.
 */
export class LiveRecorder {
  constructor(
    private readonly deps: {
      repo: LiveStreamRepository;
      storage: Storage;
      media: MediaService;
      liveEvents: LiveEventService;
      ffmpegPath: string;
      logger: Logger;
      clock: () => number;
    },
  ) {}

  async make(mediaId: string): Promise<void> {
    const stream = await this.deps.repo.find(mediaId);
    if (!stream) return;
    const event = await this.deps.media.findById(mediaId);
    if (!event || event.deleted_at) return;
    if (stream.recording_media_id) {
      // made by an earlier run that failed after it (naming, attaching): finish that
      await this.settle(event, stream.recording_media_id);
      return;
    }
    const segments = await this.deps.repo.segments(mediaId);
    if (segments.length === 0) return;
    // One run at a time makes it (the end and the retry sweep may both have queued a job): the others leave it.
    const lease = () => this.deps.clock() + CLAIM_MS;
    if (!(await this.deps.repo.claimRecording(mediaId, this.deps.clock(), lease()))) {
      this.deps.logger.info({ mediaId }, 'live recording: another run is making it');
      return;
    }
    const renew = setInterval(() => void this.deps.repo.claimRecording(mediaId, Number.MAX_SAFE_INTEGER, lease()).catch(() => undefined), CLAIM_MS / 3);
    renew.unref();
    let made = false;
    const ws = await this.deps.storage.workspace(`live-recording-${mediaId}`);
    try {
      const list = await this.joinRuns(ws, segments);
      await ws.writeFile('list.txt', list.map((f) => `file '${ws.path(f)}'`).join('\n') + '\n');
      const out = ws.path('recording.mp4');
      const concat = ['-hide_banner', '-nostats', '-loglevel', 'error', '-y', '-f', 'concat', '-safe', '0', '-i', ws.path('list.txt'), '-map', '0:v:0?', '-map', '0:a:0?'];
      try {
        await runFfmpeg({ ffmpegPath: this.deps.ffmpegPath, args: [...concat, '-c', 'copy', '-movflags', '+faststart', out] });
      } catch (err) {
        // runs with different codec settings (a copied and an encoded one) cannot be joined without encoding
        this.deps.logger.info({ mediaId, err: (err as Error).message }, 'live recording: joining by copy failed; encoding');
        await runFfmpeg({ ffmpegPath: this.deps.ffmpegPath, args: [...concat, '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '21', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '128k', '-movflags', '+faststart', out] });
      }
      const video = await this.deps.media.upload({ id: event.owner_id }, { stream: ws.readStream('recording.mp4'), fileName: `${event.title}.mp4`, isTruncated: () => false, limitBytes: Number.MAX_SAFE_INTEGER });
      // noted at once: a run after a failure from here on finds it and makes no second video
      await this.deps.repo.update(mediaId, { recording_media_id: video.id, recording_claimed_until: null });
      made = true;
      await this.settle(event, video.id);
      this.deps.logger.info({ mediaId, recordingId: video.id, segments: segments.length }, 'live recording made');
    } finally {
      clearInterval(renew);
      if (!made) await this.deps.repo.releaseRecording(mediaId).catch(() => undefined);
      await ws.dispose();
    }
  }

  /**
   * The recording is made: named, and attached to the event (unless the owner chose one). The
   * segments stay a few minutes more for viewers behind live (LiveStreamService.upkeepEnded removes them).
   */
  private async settle(event: { id: string; title: string; description: string | undefined }, videoId: string): Promise<void> {
    await this.deps.media.updateRow(videoId, { title: `${event.title} (recording)`.slice(0, 200), description: event.description });
    await this.deps.liveEvents.attachBroadcastRecording(event.id, videoId);
  }

  /** One MPEG-TS file per packager run (a run's segments are one continuous stream; runs restart timestamps). */
  private async joinRuns(ws: Workspace, segments: LiveSegmentRow[]): Promise<string[]> {
    const files: string[] = [];
    let run = -1;
    for (const s of segments) {
      if (s.run !== run) {
        run = s.run;
        files.push(`run-${files.length + 1}.ts`);
      }
      const chunks: Buffer[] = [];
      for await (const c of this.deps.storage.get(s.storage_key)) chunks.push(c as Buffer);
      await ws.append(files.at(-1)!, Buffer.concat(chunks));
    }
    return files;
  }
}
