/**
 * Reading what ffmpeg prints. ffprobe is not bundled, so the source is probed from the header that
 * `ffmpeg -i FILE` prints, and progress comes from `-progress pipe:1` key=value blocks.
 */

export interface ProbeResult {
  durationSeconds: number | null;
  video: { width: number; height: number; codec: string } | null;
  audio: { codec: string } | null;
}

const parseClock = (h: string, m: string, s: string) => Number(h) * 3600 + Number(m) * 60 + Number(s);

/** The streams and duration in `ffmpeg -i` output; attached pictures (cover art) are not video. */
export function parseProbe(stderr: string): ProbeResult {
  const duration = /Duration:\s*(\d+):(\d{2}):(\d{2}(?:\.\d+)?)/.exec(stderr);
  let video: ProbeResult['video'] = null;
  let audio: ProbeResult['audio'] = null;
  const lines = stderr.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const stream = /^\s*Stream #\d+:\d+.*?: (Video|Audio): ([A-Za-z0-9_]+)(.*)$/.exec(line);
    if (!stream) continue;
    const [, kind, codec, rest] = stream;
    if (kind === 'Audio' && !audio) audio = { codec };
    if (kind === 'Video' && !video && !/\(attached pic\)/.test(rest)) {
      const size = /,\s*(\d{2,5})x(\d{2,5})/.exec(rest);
      if (!size) continue;
      let [width, height] = [Number(size[1]), Number(size[2])];
      // Phones store portrait video as landscape plus a rotation; ffmpeg applies it when transcoding.
      const rotation = rotationNear(lines, i);
      if (rotation % 180 !== 0) [width, height] = [height, width];
      video = { width, height, codec };
    }
  }
  return { durationSeconds: duration ? parseClock(duration[1], duration[2], duration[3]) : null, video, audio };
}

/** Rotation in degrees from the metadata lines that follow a stream line, until the next stream. */
function rotationNear(lines: string[], streamLine: number): number {
  for (let j = streamLine + 1; j < lines.length && !/^\s*Stream #/.test(lines[j]); j++) {
    const rotate = /^\s*rotate\s*:\s*(-?\d+)/.exec(lines[j]) ?? /rotation of (-?\d+(?:\.\d+)?) degrees/.exec(lines[j]);
    if (rotate) return Math.abs(Math.round(Number(rotate[1])));
  }
  return 0;
}

/** Seconds of output written so far, from one chunk of `-progress` output (the last value wins). */
export function parseProgressSeconds(chunk: string): number | undefined {
  let last: number | undefined;
  for (const m of chunk.matchAll(/^out_time_(?:us|ms)=(\d+)$/gm)) last = Number(m[1]) / 1e6;
  return last;
}

/**
 * ffmpeg's own explanation of a failure, for the owner: the last meaningful error lines, with the
 * server's file paths replaced by the upload's name and the "[demuxer @ 0x..]" prefixes dropped.
 */
export function failureReason(stderr: string, opts: { paths?: Array<[string, string]>; maxLength?: number } = {}): string {
  let text = stderr;
  for (const [path, name] of opts.paths ?? []) text = text.split(path).join(name);
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.replace(/^\[[^\]]+ @ 0x[0-9a-f]+\]\s*/, '').trim())
    .filter((l) => l && !/^(Cannot use rename on non file protocol|At least one output file must be specified)/.test(l))
    .filter((l) => !/^(Input #|Output #|Stream mapping|Press \[q\]|Metadata:|Duration:|Stream #|\w+\s*:)/.test(l));
  const unique = [...new Set(lines.slice(-4))];
  const reason = unique.join('; ') || 'ffmpeg stopped without saying why.';
  const max = opts.maxLength ?? 500;
  return reason.length > max ? `${reason.slice(0, max - 1)}…` : reason;
}
