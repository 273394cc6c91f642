/**
 * The simulated viewers of bench/live-delivery, in a process of their own (so they do not share an
 * event loop with the servers or the bench): each viewer polls its media playlist about once a second
 * and fetches every segment that is new since its last look, one request after the other, on its own
 * keep-alive connection, as a player does.
 *
 * - `blocking`: after its first look, a viewer asks `index.m3u8?_HLS_msn=<next>` (RFC 8216bis
 *   blocking reload, as hls.js does in low-latency mode) again as soon as an answer brought a new
 *   segment: Foyer holds each answer until that segment exists, so the looks come once a second,
 *   all viewers together when a segment appears. An answer without a new segment (a server that
 *   ignores the query answers at once) is followed by the next look a second after the previous one.
 * - `plain`: `index.m3u8` every second.
 * A viewer starts at the live edge (the newest segment) at a random moment within the first second.
 * Requests that complete inside the measured window (after `warmupMs`) are counted.
 *
 * IPC: ← { urls, mode, warmupMs, seconds } → { stats }
 */
import http from 'node:http';

interface Job {
  urls: string[];
  mode: 'blocking' | 'plain';
  warmupMs: number;
  seconds: number;
}

process.on('disconnect', () => process.exit(0));
process.once('message', async (job: Job) => process.send!(await run(job)));

function get(agent: http.Agent, url: string): Promise<{ status: number; body: Buffer | null; bytes: number; ms: number; error?: string }> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const req = http.get(url, { agent }, (res) => {
      const keep = /m3u8/.test(url);
      const parts: Buffer[] = [];
      let bytes = 0;
      res.on('data', (c: Buffer) => {
        bytes += c.length;
        if (keep) parts.push(c);
      });
      res.on('end', () => resolve({ status: res.statusCode!, body: keep ? Buffer.concat(parts) : null, bytes, ms: performance.now() - t0 }));
      res.on('error', (e) => resolve({ status: 0, body: null, bytes, ms: performance.now() - t0, error: e.message }));
    });
    req.on('error', (e) => resolve({ status: 0, body: null, bytes: 0, ms: performance.now() - t0, error: (e as NodeJS.ErrnoException).code ?? e.message }));
  });
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const quantile = (xs: number[], q: number) => {
  if (!xs.length) return NaN;
  const s = Float64Array.from(xs).sort();
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
};

async function run(job: Job) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
  const started = performance.now();
  const from = started + job.warmupMs;
  const until = from + job.seconds * 1000;
  const counted = () => {
    const t = performance.now();
    return t >= from && t <= until;
  };
  const s = { playlists: 0, segments: 0, bytes: 0, playlistBytes: 0, errors: {} as Record<string, number>, missed: 0, playlistMs: [] as number[], segmentMs: [] as number[] };
  const fail = (what: string) => (s.errors[what] = (s.errors[what] ?? 0) + 1);
  const cpu0 = process.cpuUsage();

  async function viewer(media: string) {
    await sleep(Math.random() * 1000);
    let last = -1;
    while (performance.now() < until) {
      const t0 = performance.now();
      const known = last;
      const url = job.mode === 'blocking' && last >= 0 ? `${media}?_HLS_msn=${last + 1}` : media;
      const r = await get(agent, url);
      if (counted()) {
        if (r.status === 200) {
          s.playlists++;
          s.bytes += r.bytes;
          s.playlistBytes += r.bytes;
          s.playlistMs.push(r.ms);
        } else fail(r.error ?? `playlist ${r.status}`);
      }
      if (r.status === 200 && r.body) {
        const text = r.body.toString('utf8');
        const seq = Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(text)?.[1] ?? NaN);
        const names = text.split('\n').filter((l) => l && !l.startsWith('#'));
        const newest = seq + names.length - 1;
        if (last < 0) last = newest - 1;
        for (let msn = last + 1; msn <= newest; msn++) {
          if (msn < seq) {
            if (counted()) s.missed++;
            continue;
          }
          const seg = await get(agent, new URL(names[msn - seq]!, media).href);
          if (counted()) {
            if (seg.status === 200) {
              s.segments++;
              s.bytes += seg.bytes;
              s.segmentMs.push(seg.ms);
            } else fail(seg.error ?? `segment ${seg.status}`);
          }
        }
        if (Number.isFinite(newest)) last = Math.max(last, newest);
      }
      const wait = job.mode === 'blocking' && known >= 0 && last > known ? 0 : t0 + 1000 - performance.now();
      if (wait > 0) await sleep(wait);
    }
  }

  await Promise.all(job.urls.map((u) => viewer(u)));
  const cpu = process.cpuUsage(cpu0);
  agent.destroy();
  return {
    seconds: job.seconds,
    playlists: s.playlists,
    segments: s.segments,
    bytes: s.bytes,
    playlistBytes: s.playlistBytes,
    errors: s.errors,
    missed: s.missed,
    playlistP50: quantile(s.playlistMs, 0.5),
    playlistP99: quantile(s.playlistMs, 0.99),
    segmentP50: quantile(s.segmentMs, 0.5),
    segmentP99: quantile(s.segmentMs, 0.99),
    clientCpu: (cpu.user + cpu.system) / 1e6,
    clientWall: (performance.now() - started) / 1000,
  };
}
