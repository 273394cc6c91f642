import type { HlsConfig } from 'hls.js';

/**
 * hls.js tuned for Foyer's live HLS (1-second segments, blocking playlist reload): play about 1.5 s
 * behind the live edge, speed up slightly to close a gap, jump back to live when far behind, retry
 * fast. The live player and bench/live-latency both use exactly this.
 */
export const liveHlsConfig: Partial<HlsConfig> = {
  lowLatencyMode: true,
  liveSyncDuration: 1.5,
  liveMaxLatencyDuration: 6,
  maxLiveSyncPlaybackRate: 1.1,
  backBufferLength: 10,
  maxBufferLength: 6,
  enableWorker: true,
  manifestLoadPolicy: { default: { maxTimeToFirstByteMs: 8000, maxLoadTimeMs: 10000, timeoutRetry: { maxNumRetry: 6, retryDelayMs: 250, maxRetryDelayMs: 2000 }, errorRetry: { maxNumRetry: 6, retryDelayMs: 250, maxRetryDelayMs: 2000 } } },
  playlistLoadPolicy: { default: { maxTimeToFirstByteMs: 8000, maxLoadTimeMs: 10000, timeoutRetry: { maxNumRetry: 6, retryDelayMs: 250, maxRetryDelayMs: 2000 }, errorRetry: { maxNumRetry: 6, retryDelayMs: 250, maxRetryDelayMs: 2000 } } },
  fragLoadPolicy: { default: { maxTimeToFirstByteMs: 8000, maxLoadTimeMs: 20000, timeoutRetry: { maxNumRetry: 6, retryDelayMs: 250, maxRetryDelayMs: 2000 }, errorRetry: { maxNumRetry: 6, retryDelayMs: 250, maxRetryDelayMs: 2000 } } },
};
