import type { HlsConfig } from 'hls.js';

/**
 * hls.js tuned for Foyer's live HLS (1-second segments, blocking playlist reload): play about 1.5 s
 * behind the live edge, speed up slightly (up to 1.1×) to close a gap, jump back to live past 6 s,
 * keep little buffer. The room's live player (LivePlayer.tsx, which adds its retry policies and URL
 * refresh) and bench/live-latency both use exactly this, so the benchmark measures what viewers get.
 */
export const liveLatencyConfig = {
  lowLatencyMode: true,
  liveSyncDuration: 1.5,
  liveMaxLatencyDuration: 6,
  maxLiveSyncPlaybackRate: 1.1,
  liveDurationInfinity: true,
  backBufferLength: 4,
  maxBufferLength: 8,
  // the first guess of the viewer's bandwidth: start on the source rendition unless the link proves slow
  // (hls.js then moves to the 480p rendition, when the stream has one)
  abrEwmaDefaultEstimate: 3_000_000,
} satisfies Partial<HlsConfig>;
