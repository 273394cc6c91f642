/**
 * What the live-video benchmarks share on the parent's side: the Foyer server process
 * (bench/live-common/server.ts) and its IPC, CPU time of a process from /proc, the ingest socket as
 * the Go live panel uses it, small statistics, the load average.
 */
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import type { IngestServerMessage, LiveStreamStatusDto, WebcastMimeType } from '../../src/contracts/live-video.js';

const here = path.dirname(fileURLToPath(import.meta.url));

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface Guest {
  email: string;
  link: string;
  inviteId: string;
  session: string;
}

/** The Foyer server process of a benchmark. */
export class LiveSite {
  private seq = 0;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  private constructor(
    readonly child: ChildProcess,
    readonly url: string,
    /** Whether the RTMP listener runs (null: not asked for; false: this checkout has none). */
    readonly rtmp: boolean | null,
  ) {
    child.on('message', (m: { id?: number; result?: unknown; error?: string }) => {
      if (m.id === undefined) return;
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (m.error) p?.reject(new Error(`bench server: ${m.error}`));
      else p?.resolve(m.result);
    });
  }

  static async start(opts: { rtmp?: boolean; web?: boolean; execArgv?: string[] } = {}): Promise<LiveSite> {
    const port = await freePort();
    const child = fork(path.join(here, 'server.ts'), [String(port), ...(opts.rtmp ? ['--rtmp'] : []), ...(opts.web ? ['--web'] : [])], {
      execArgv: ['--import', 'tsx', ...(opts.execArgv ?? [])],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return new Promise((resolve, reject) => {
      child.once('message', (m: { type: string; url: string; rtmp: boolean | null }) => resolve(new LiveSite(child, m.url, m.rtmp)));
      child.once('exit', (code) => reject(new Error(`bench server exited (${code})`)));
    });
  }

  request<T>(message: Record<string, unknown>): Promise<T> {
    const id = ++this.seq;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ ...message, id });
    });
  }

  event(kind: 'webcast' | 'diy_live', title: string): Promise<string> {
    return this.request<{ eventId: string }>({ type: 'event', kind, title }).then((r) => r.eventId);
  }

  /** Invite links only (the guest passes the lobby itself, e.g. in a browser context). */
  invite(eventId: string, role: string, count: number, prefix = role): Promise<Array<Omit<Guest, 'session'>>> {
    return this.request({ type: 'invite', eventId, role, count, prefix });
  }

  /** Guests let in through their own invite and the lobby; their session cookies. */
  guests(eventId: string, role: string, count: number, prefix = role): Promise<Guest[]> {
    return this.request({ type: 'guests', eventId, role, count, prefix });
  }

  /** Each session's signed live playlist (master.m3u8), or null before the first segment. */
  playback(eventId: string, sessions: string[]): Promise<Array<string | null>> {
    return this.request({ type: 'playback', eventId, sessions });
  }

  revoke(eventId: string, inviteIds: string[]): Promise<void> {
    return this.request({ type: 'revoke', eventId, inviteIds });
  }

  status(eventId: string): Promise<LiveStreamStatusDto> {
    return this.request({ type: 'status', eventId });
  }

  /** The stream's stored segments: [msn, duration ms, bytes]. */
  segments(eventId: string): Promise<Array<[number, number, number]>> {
    return this.request({ type: 'segments', eventId });
  }

  /** A new stream key for a DIY live event, and the RTMP URL to publish to (null without RTMP). */
  streamKey(eventId: string): Promise<{ streamKey: string; url: string } | null> {
    return this.request({ type: 'streamKey', eventId });
  }

  /** SQL statements run since the last call, by text; `start` turns counting on or off from now. */
  queries(start?: boolean): Promise<Array<{ sql: string; n: number }>> {
    return this.request({ type: 'queries', start });
  }

  /** The wait for a stream state, by polling the service (not through HTTP). */
  async waitForState(eventId: string, state: LiveStreamStatusDto['state'], timeoutMs = 30_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      if ((await this.status(eventId)).state === state) return;
      await sleep(200);
    }
    throw new Error(`the stream did not become ${state} within ${timeoutMs} ms`);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.send({ type: 'stop', id: ++this.seq });
    const t = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(t);
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

let ticks = 0;
/**
 * CPU seconds (user + system) of a process and of its children that have finished and been waited
 * for (ffmpeg runs of a server, once they exit), from /proc/<pid>/stat.
 */
export function cpuSeconds(pid: number): number {
  ticks ||= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime, stime, cutime, cstime are fields 14–17 of stat: 11–14 after the state field
  return (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / ticks;
}

/** The webcast ingest socket from Node, as the Go live panel uses it: session cookie, the site's Origin, `start`, wait for `ready`, binary frames. */
export class Ingest {
  readonly messages: IngestServerMessage[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (d, binary) => {
      if (!binary) this.messages.push(JSON.parse(d.toString()) as IngestServerMessage);
    });
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  static async open(siteUrl: string, eventId: string, session: string, mimeType: WebcastMimeType = 'video/webm;codecs=h264,opus'): Promise<Ingest> {
    const ws = new WebSocket(`${siteUrl.replace(/^http/, 'ws')}/api/events/${eventId}/ingest`, { headers: { origin: siteUrl, cookie: `foyer_session=${session}` } });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const ingest = new Ingest(ws);
    ws.send(JSON.stringify({ type: 'start', mimeType }));
    const until = Date.now() + 15_000;
    for (;;) {
      const m = ingest.messages.find((x) => x.type === 'ready' || x.type === 'error');
      if (m?.type === 'ready') return ingest;
      if (m?.type === 'error') throw new Error(`ingest refused: ${m.error.code} ${m.error.message}`);
      if (Date.now() > until) throw new Error('no ready from the ingest');
      await sleep(20);
    }
  }

  send(chunk: Buffer): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(chunk);
  }

  /** `stop`: the broadcast ends; resolves when the server has closed the socket. */
  async stop(): Promise<{ code: number; reason: string }> {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify({ type: 'stop' }));
    return this.closed;
  }
}

// ---- statistics and printing

export const quantile = (xs: number[], q: number) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
};
export const median = (xs: number[]) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
export const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
export const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : 'n/a');
export const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
export const machine = () => `${cpus().length} cores, load average ${load()}`;
