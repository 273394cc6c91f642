/** The HLS renditions made from a source, and the master playlist that lists them. */

export interface Rung {
  /** Folder and label, e.g. "720p". */
  name: string;
  width: number;
  height: number;
  videoKbps: number;
  audioKbps: number;
}

/** Candidate rungs by their short side ("720p" is 1280x720 landscape, 720x1280 portrait). */
const RUNGS = [
  { short: 360, videoKbps: 800 },
  { short: 720, videoKbps: 2800 },
  { short: 1080, videoKbps: 5000 },
] as const;

export const AUDIO_KBPS = 128;
/** Segment length in seconds; key frames are forced on this grid so every rendition switches cleanly. */
export const SEGMENT_SECONDS = 4;

const even = (n: number) => Math.max(2, Math.round(n / 2) * 2);

/**
 * The rungs fitted to the source: every standard rung not larger than the source's short side,
 * never upscaled; a source smaller than the lowest rung gets one rung at its own size.
 */
export function planLadder(source: { width: number; height: number }): Rung[] {
  const portrait = source.height > source.width;
  const short = Math.min(source.width, source.height);
  const long = Math.max(source.width, source.height);
  const fitting = RUNGS.filter((r) => r.short <= short);
  const chosen = fitting.length
    ? fitting.map((r) => ({ short: r.short, videoKbps: r.videoKbps }))
    : [{ short: even(short), videoKbps: Math.max(200, Math.round((RUNGS[0].videoKbps * short) / RUNGS[0].short)) }];
  return chosen.map(({ short: s, videoKbps }) => {
    const other = even((long * s) / short);
    return {
      name: `${s}p`,
      width: portrait ? s : other,
      height: portrait ? other : s,
      videoKbps,
      audioKbps: AUDIO_KBPS,
    };
  });
}

/** H.264 Main profile, level 4.2 (covers 1080p60), and AAC-LC, as the CODECS attribute spells them. */
export const VIDEO_CODECS = 'avc1.4d402a,mp4a.40.2';
export const VIDEO_ONLY_CODECS = 'avc1.4d402a';
export const AUDIO_CODECS = 'mp4a.40.2';

/** Master playlist over variant playlists at `<name>/index.m3u8`, relative so it works under any URL prefix. */
export function masterPlaylist(variants: Array<{ name: string; bandwidthBps: number; width?: number; height?: number; codecs: string }>): string {
  const lines = ['#EXTM3U', '#EXT-X-VERSION:3', '#EXT-X-INDEPENDENT-SEGMENTS'];
  for (const v of [...variants].sort((a, b) => a.bandwidthBps - b.bandwidthBps)) {
    const resolution = v.width && v.height ? `,RESOLUTION=${v.width}x${v.height}` : '';
    lines.push(`#EXT-X-STREAM-INF:BANDWIDTH=${Math.round(v.bandwidthBps)}${resolution},CODECS="${v.codecs}"`, `${v.name}/index.m3u8`);
  }
  return lines.join('\n') + '\n';
}

/** Spacing of seek-preview thumbnails: about 100 at most, never closer than 2 seconds. */
export const thumbnailInterval = (durationSeconds: number): number => Math.max(2, Math.ceil(durationSeconds / 100));
