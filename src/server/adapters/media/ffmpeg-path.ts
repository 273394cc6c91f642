import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';

let cached: string | undefined;

/** FFMPEG_PATH wins, then a system ffmpeg on PATH, then the binary bundled by @ffmpeg-installer/ffmpeg. */
export function resolveFfmpegPath(configured = process.env.FFMPEG_PATH): string {
  if (configured) return configured;
  if (cached) return cached;
  try {
    execFileSync('ffmpeg', ['-version'], { stdio: 'ignore' });
    cached = 'ffmpeg';
  } catch {
    const require = createRequire(import.meta.url);
    cached = (require('@ffmpeg-installer/ffmpeg') as { path: string }).path;
  }
  return cached;
}
