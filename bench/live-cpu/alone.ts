/**
 * The baseline of bench/live-cpu, in a process of its own: the same ffmpeg command Foyer's packager
 * runs (`liveFfmpegArgs`, pipe input, video copied), fed the same recorded webcast at real time on
 * its stdin, writing into a folder nobody reads. The parent reads this process's CPU time (its own
 * and ffmpeg's, once ffmpeg has exited and been waited for) around the run.
 *
 * IPC: → { type: 'ready' }; ← { type: 'go' }; → { type: 'done', segments, code, listed, fedAt, outDir };
 * with `watch`, `listed` is when each segment file appeared and the folder is left for the parent
 * (it reads the segments, then removes it), for the latency comparison.
 *
 *   node --import tsx bench/live-cpu/alone.ts <spec JSON>
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { liveFfmpegArgs } from '../../src/server/adapters/media/live-packager.js';
import { resolveFfmpegPath } from '../../src/server/adapters/media/ffmpeg-path.js';
import { chromiumWebcast, ffmpegWebcast, replay, type Webcast } from '../live-common/webcast-source.js';

process.on('disconnect', () => process.exit(0));
const spec = JSON.parse(process.argv[2]!) as { source: 'chromium' | 'ffmpeg'; seconds: number; width: number; height: number; fps: number; bitrate: number; siteUrl: string; watch: boolean };
// the recording is already made and kept by the parent: this only reads it
const webcast: Webcast = spec.source === 'chromium' ? await chromiumWebcast(spec) : await ffmpegWebcast(spec);
const ffmpegPath = resolveFfmpegPath();

process.once('message', async () => {
  const outDir = mkdtempSync(path.join(tmpdir(), 'foyer-bench-alone-'));
  const child = spawn(ffmpegPath, liveFfmpegArgs({ input: { kind: 'pipe' }, mode: 'copy', outDir }), { stdio: ['pipe', 'ignore', 'pipe'] });
  child.stdin.on('error', () => undefined);
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-2000)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  // with --watch: when each finished segment appears (ffmpeg renames it into place: temp_file)
  const listed: Array<[number, number]> = [];
  const seen = new Set<string>();
  const watcher = spec.watch
    ? setInterval(() => {
        for (const f of readdirSync(outDir)) {
          const m = /^seg-(\d+)\.ts$/.exec(f);
          if (m && !seen.has(f)) {
            seen.add(f);
            listed.push([Number(m[1]), Date.now()]);
          }
        }
      }, 5)
    : undefined;
  const fedAt: number[] = [];
  await replay(webcast, (chunk) => {
    fedAt.push(Date.now());
    child.stdin.write(chunk);
  });
  child.stdin.end();
  const code = await exited;
  clearInterval(watcher);
  const segments = readdirSync(outDir).filter((f) => f.endsWith('.ts')).length;
  if (!spec.watch) rmSync(outDir, { recursive: true, force: true });
  process.send!({ type: 'done', segments, code, stderr: code ? stderr : '', listed, fedAt, outDir });
});
process.send!({ type: 'ready' });
