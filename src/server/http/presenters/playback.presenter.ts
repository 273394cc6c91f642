import type { PlaybackDto } from '../../../contracts/pipeline.js';
import { iso } from '../../domain/time.js';
import type { PlaybackView } from '../../services/delivery.service.js';

export const presentPlayback = (v: PlaybackView): PlaybackDto => ({
  mediaId: v.media.id,
  type: v.media.type,
  status: v.media.status,
  progress: v.media.status === 'ready' ? 1 : v.media.processing_progress / 100,
  failureReason: v.media.failure_reason,
  durationSeconds: v.media.duration_seconds,
  hlsUrl: v.hlsUrl,
  posterUrl: v.posterUrl,
  thumbnails: v.thumbnails,
  captions: v.captions.map(({ caption, url }) => ({ id: caption.id, lang: caption.lang, label: caption.label, url })),
  fileUrl: v.fileUrl,
  downloadUrl: v.downloadUrl,
  blockDownload: v.media.block_download === 1,
  expiresAt: iso(v.expiresAt * 1000),
  refreshInSeconds: v.refreshInSeconds,
  resumeAtSeconds: v.resumeAtSeconds,
});
