import type { LivePlaybackDto, LiveStreamState } from '../../../contracts/live-video.js';

/**
 * Rules of the live player that need no browser: when to ask the playback answer again, how a
 * refreshed signature reaches hls.js's later requests, and when the viewer counts as behind live.
 */

/** Ask this often while the stream is live but its first segment is not there yet. */
export const FIRST_SEGMENT_POLL_MS = 1_000;
/** "Behind live — go to live" shows past this many seconds behind the live edge. */
export const BEHIND_LIVE_SECONDS = 3;

const broadcasting = (state: LiveStreamState) => state === 'live' || state === 'paused' || state === 'reconnecting';

/**
 * Milliseconds until the playback answer should be asked again, or false for "only when the status
 * changes": every second while live without a playlist yet, and well before the signature expires
 * (a quarter of the time left, at least 3 s and at most 30 s early).
 */
export function nextPlaybackRefreshMs(data: LivePlaybackDto | undefined, state: LiveStreamState, serverNowMs: number): number | false {
  if (!data || state === 'ended') return false;
  if (!data.playlistUrl) return broadcasting(state) ? FIRST_SEGMENT_POLL_MS : false;
  const left = Date.parse(data.expiresAt) - serverNowMs;
  if (!Number.isFinite(left)) return false;
  const early = Math.min(30_000, Math.max(3_000, left / 4));
  return Math.max(1_000, left - early);
}

/** The folder a playlist URL sits in, absolute, with its trailing slash: the signature is part of it, and relative segment URIs inherit it. */
export function playlistBase(url: string, base: string): string {
  const u = new URL(url, base);
  u.search = '';
  u.hash = '';
  return u.href.slice(0, u.href.lastIndexOf('/') + 1);
}

/**
 * A request URL moved from an older signed folder to the newest: after a refresh, every later
 * playlist and segment request carries the fresh signature without reloading the stream. URLs
 * outside those folders are left as they are.
 */
export function withLatestBase(url: string, olderBases: readonly string[], latest: string | undefined): string {
  if (!latest || url.startsWith(latest)) return url;
  const old = olderBases.find((b) => b !== latest && url.startsWith(b));
  return old ? latest + url.slice(old.length) : url;
}

/** Seconds behind the live edge from a native player's seekable range (Safari), or null when unknown. */
export function nativeLatency(seekableEnd: number | undefined, currentTime: number): number | null {
  if (seekableEnd === undefined || !Number.isFinite(seekableEnd)) return null;
  return Math.max(0, seekableEnd - currentTime);
}

/** HTTP statuses of a playlist or segment request that mean "you may not watch any more" (revoked, deleted, expired). */
export const isRefusalStatus = (status: number | undefined) => status === 401 || status === 403 || status === 410;
