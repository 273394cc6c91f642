/**
 * Live HLS playlists, pure: reading what ffmpeg's HLS muxer writes, and writing what viewers get.
 *
 * ffmpeg packages one *run* (one publisher connection, or one packager restart) into numbered files
 * `seg-<n>.ts` with a short sliding playlist. Foyer renumbers every segment of the event into one
 * media sequence that keeps counting across runs, with a discontinuity where a run begins, so a
 * reconnect continues the same stream (and the same recording) instead of starting a second one.
 */

export interface FfmpegSegment {
  /** The number in ffmpeg's file name (seg-<n>.ts), counting from 0 within a run. */
  index: number;
  file: string;
  durationSec: number;
}

const SEGMENT_RE = /^seg-(\d{1,9})\.ts$/;

/** The segments listed in ffmpeg's playlist (complete files only: ffmpeg lists a segment once written). */
export function parseFfmpegPlaylist(text: string): { segments: FfmpegSegment[]; ended: boolean } {
  const segments: FfmpegSegment[] = [];
  let duration: number | undefined;
  let ended = false;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#EXTINF:')) {
      const d = Number.parseFloat(line.slice(8));
      duration = Number.isFinite(d) && d >= 0 ? d : undefined;
    } else if (line === '#EXT-X-ENDLIST') {
      ended = true;
    } else if (line && !line.startsWith('#')) {
      const m = SEGMENT_RE.exec(line);
      if (m && duration !== undefined) segments.push({ index: Number(m[1]), file: line, durationSec: duration });
      duration = undefined;
    }
  }
  return { segments, ended };
}

/** One segment of the event's stream as viewers see it. */
export interface LiveSegment {
  /** Media sequence number, counting across the whole event from 0. */
  msn: number;
  durationMs: number;
  /** The first segment of a run after the first: timestamps and codec settings may start over here. */
  discontinuity: boolean;
  /** Wall-clock time of the segment's first frame (epoch ms), from when it became available. */
  programDateTime: number;
  /** Its size in bytes (the master playlist's bandwidth is measured from these). */
  sizeBytes?: number;
  /** The lower rendition's segment of the same number, when there is one: its size. */
  lowSizeBytes?: number | null;
}

/** The lower rendition's media playlist lives one folder down: `lo/index.m3u8`, `lo/seg-<n>.ts`. */
export const LOW_RENDITION_DIR = 'lo';
/**
 * The lower rendition is made from the source's finished segments, so it comes a segment or two
 * later. Its playlist ends before the newest source segments that have no lower segment yet (at most
 * this many); an older one without (the rendition was stopped: the machine could not keep up) is
 * listed as the source's segment, so the lower playlist never stalls.
 */
export const LOW_RENDITION_LAG = 3;

/** The segments the lower rendition's playlist lists, each with its URI (relative to `lo/`). */
export function lowRenditionSegments(segments: readonly LiveSegment[], ended: boolean): Array<LiveSegment & { uri: string }> {
  let end = segments.length;
  if (!ended) {
    let missing = 0;
    while (missing < end && segments[end - 1 - missing]!.lowSizeBytes == null) missing++;
    if (missing <= LOW_RENDITION_LAG) end -= missing;
  }
  return segments.slice(0, end).map((s) => ({ ...s, uri: s.lowSizeBytes != null ? segmentName(s.msn) : `../${segmentName(s.msn)}` }));
}

/** Bits per second of a run of segments (their sizes over their durations), or undefined without sizes. */
export function measuredBandwidth(segments: readonly LiveSegment[], size: (s: LiveSegment) => number | null | undefined): number | undefined {
  let bytes = 0;
  let ms = 0;
  for (const s of segments) {
    const b = size(s);
    if (b == null) continue;
    bytes += b;
    ms += s.durationMs;
  }
  return ms > 0 ? (bytes * 8 * 1000) / ms : undefined;
}

export const segmentName = (msn: number) => `seg-${msn}.ts`;
export const SEGMENT_NAME_RE = /^seg-(\d{1,9})\.ts$/;

/** Segments listed in the live playlist: enough to ride out a slow fetch, few enough to stay near the edge. */
export const LIVE_WINDOW_SEGMENTS = 6;

/**
 * The media playlist. `segments` is the stream's tail, oldest first (at most the window is used);
 * `discontinuitiesBefore` counts the discontinuities of earlier segments not passed in (the
 * EXT-X-DISCONTINUITY-SEQUENCE is computed from it). Blocking reload is advertised (CAN-BLOCK-RELOAD), so players ask for
 * the next segment's playlist (`_HLS_msn`) and get it the moment it exists, instead of polling.
 */
export function renderMediaPlaylist(opts: { segments: ReadonlyArray<LiveSegment & { uri?: string }>; discontinuitiesBefore: number; ended: boolean; window?: number }): string {
  const window = opts.window ?? LIVE_WINDOW_SEGMENTS;
  const listed = opts.segments.slice(-window);
  const dropped = opts.segments.length - listed.length;
  let discontinuitySeq = opts.discontinuitiesBefore;
  // The sequence number of the first listed segment: every discontinuity up to and including it.
  for (let i = 0; i <= dropped && i < opts.segments.length; i++) if (opts.segments[i]!.discontinuity) discontinuitySeq++;
  const maxMs = listed.reduce((m, s) => Math.max(m, s.durationMs), 1000);
  const target = Math.max(1, Math.ceil(maxMs / 1000 - 0.001));
  const lines = [
    '#EXTM3U',
    '#EXT-X-VERSION:6',
    `#EXT-X-TARGETDURATION:${target}`,
    // HOLD-BACK: where a player without our tuning (Safari) starts, 3 target durations as the spec requires.
    ...(opts.ended ? [] : [`#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,HOLD-BACK=${(target * 3).toFixed(1)}`]),
    `#EXT-X-MEDIA-SEQUENCE:${listed[0]?.msn ?? 0}`,
    `#EXT-X-DISCONTINUITY-SEQUENCE:${discontinuitySeq}`,
    '#EXT-X-INDEPENDENT-SEGMENTS',
  ];
  listed.forEach((s, i) => {
    // The first listed segment's discontinuity is already counted in the sequence above.
    if (s.discontinuity && i > 0) lines.push('#EXT-X-DISCONTINUITY');
    lines.push(`#EXT-X-PROGRAM-DATE-TIME:${new Date(s.programDateTime).toISOString()}`);
    lines.push(`#EXTINF:${(s.durationMs / 1000).toFixed(3)},`);
    lines.push(s.uri ?? segmentName(s.msn));
  });
  if (opts.ended) lines.push('#EXT-X-ENDLIST');
  return lines.join('\n') + '\n';
}

/** The master playlist: one variant (the source), or the source and a lower rendition. */
export function renderMasterPlaylist(variants: ReadonlyArray<{ uri: string; bandwidth: number; resolution?: string; codecs?: string }>): string {
  const lines = ['#EXTM3U', '#EXT-X-VERSION:6', '#EXT-X-INDEPENDENT-SEGMENTS'];
  for (const v of variants) {
    const attrs = [`BANDWIDTH=${Math.max(1, Math.round(v.bandwidth))}`];
    if (v.resolution) attrs.push(`RESOLUTION=${v.resolution}`);
    if (v.codecs) attrs.push(`CODECS="${v.codecs}"`);
    lines.push(`#EXT-X-STREAM-INF:${attrs.join(',')}`, v.uri);
  }
  return lines.join('\n') + '\n';
}

/**
 * A blocking playlist request's `_HLS_msn` (RFC 8216bis 6.2.5.2): the segment the player waits for.
 * Undefined when absent; 'invalid' when not a number (answer 400).
 */
export function parseBlockingMsn(value: unknown): number | undefined | 'invalid' {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^\d{1,9}$/.test(value)) return 'invalid';
  return Number(value);
}
