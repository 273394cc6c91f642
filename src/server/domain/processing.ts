import type { MediaType } from '../db/schema.js';

/** Video and audio are transcoded to HLS after upload; documents are served as uploaded. */
export const needsProcessing = (type: MediaType): boolean => type === 'video' || type === 'audio' || type === 'quiz';

/** Columns of a new media row that the pipeline owns, before any processing. */
export const pipelineDefaults = (type: MediaType) => ({
  status: needsProcessing(type) ? ('queued' as const) : ('ready' as const),
  processing_progress: 0,
  failure_reason: null,
  duration_seconds: null,
  width: null,
  height: null,
  hls_key: null,
  poster_key: null,
  thumbnails_json: null,
  block_download: 0,
  page_count: null,
});
