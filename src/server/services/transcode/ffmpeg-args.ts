import path from 'node:path';
import { AUDIO_KBPS, SEGMENT_SECONDS, type Rung } from '../../domain/hls-ladder.js';

/** ffmpeg command lines of a transcode, shared by the job and by bench/segments (the same commands run alone). */

const COMMON = ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'error', '-progress', 'pipe:1', '-y'];

const hlsOutput = (dir: string) => [
  '-f', 'hls',
  '-hls_time', String(SEGMENT_SECONDS),
  '-hls_playlist_type', 'vod',
  '-hls_segment_filename', path.join(dir, 'seg_%05d.ts'),
  path.join(dir, 'index.m3u8'),
];

const aac = ['-c:a', 'aac', '-b:a', `${AUDIO_KBPS}k`, '-ac', '2', '-ar', '48000'];

/**
 * One decode, every rendition: the video is split once and scaled per rung, each rung written as its
 * own HLS output (this ffmpeg's var_stream_map crashes writing a master playlist, so Foyer writes
 * that itself), plus seek-preview thumbnails from the same decode. Key frames are forced on the
 * segment grid so players switch renditions cleanly.
 */
export function videoHlsArgs(opts: {
  input: string;
  outDir: string;
  rungs: Rung[];
  hasAudio: boolean;
  thumbnails?: { everySeconds: number; width: number };
}): string[] {
  const { rungs } = opts;
  const branches = rungs.length + (opts.thumbnails ? 1 : 0);
  const splits = Array.from({ length: branches }, (_, i) => `[s${i}]`).join('');
  const filters = [`[0:v]split=${branches}${splits}`];
  rungs.forEach((r, i) => filters.push(`[s${i}]scale=${r.width}:${r.height},setsar=1[v${i}]`));
  if (opts.thumbnails) filters.push(`[s${rungs.length}]fps=1/${opts.thumbnails.everySeconds},scale=${opts.thumbnails.width}:-2[th]`);

  const args = [...COMMON, '-i', opts.input, '-filter_complex', filters.join(';')];
  rungs.forEach((r, i) => {
    args.push('-map', `[v${i}]`);
    if (opts.hasAudio) args.push('-map', '0:a:0');
    args.push(
      '-c:v', 'libx264', '-preset', 'veryfast', '-profile:v', 'main', '-level', '4.2', '-pix_fmt', 'yuv420p',
      '-b:v', `${r.videoKbps}k`, '-maxrate', `${Math.round(r.videoKbps * 1.07)}k`, '-bufsize', `${r.videoKbps * 2}k`,
      '-force_key_frames', `expr:gte(t,n_forced*${SEGMENT_SECONDS})`, '-sc_threshold', '0',
    );
    if (opts.hasAudio) args.push(...aac);
    args.push(...hlsOutput(path.join(opts.outDir, r.name)));
  });
  if (opts.thumbnails) args.push('-map', '[th]', '-q:v', '5', '-f', 'image2', path.join(opts.outDir, 'thumbs', '%04d.jpg'));
  return args;
}

/** Audio to AAC in HLS, so audio plays through the same signed delivery and player as video. */
export function audioHlsArgs(opts: { input: string; outDir: string }): string[] {
  return [...COMMON, '-i', opts.input, '-vn', '-map', '0:a:0', ...aac, ...hlsOutput(path.join(opts.outDir, 'audio'))];
}

/** One frame as the poster, seeking on the input (fast), at most 720 lines high. */
export function posterArgs(opts: { input: string; output: string; atSeconds: number; height: number }): string[] {
  return [
    '-hide_banner', '-nostdin', '-loglevel', 'error', '-y',
    '-ss', opts.atSeconds.toFixed(3), '-i', opts.input,
    '-frames:v', '1', '-vf', `scale=-2:${opts.height}`, '-q:v', '3', opts.output,
  ];
}
