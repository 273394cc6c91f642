import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { resumableUpload } from './resumableUpload.js';

/** A tus server in memory: what arrived, and how each next PATCH is answered. */
function fakeTus() {
  const state = { stored: 0, patches: [] as number[], answers: [] as Array<'ok' | 'drop' | 500 | 415> };
  const fetchMock = vi.fn<typeof fetch>(async (_url, init) => {
    if (init?.method === 'POST') return new Response(null, { status: 201, headers: { Location: '/api/uploads/u1' } });
    if (init?.method === 'HEAD') return new Response(null, { status: 200, headers: { 'Upload-Offset': String(state.stored) } });
    return new Response(JSON.stringify({ media: { id: 'm1' } }), { status: 200 });
  });
  class FakeXhr extends EventTarget {
    status = 0;
    responseText = '';
    upload = new EventTarget();
    private headers: Record<string, string> = {};
    private resHeaders: Record<string, string> = {};
    open() {}
    setRequestHeader(name: string, value: string) {
      this.headers[name] = value;
    }
    getResponseHeader(name: string) {
      return this.resHeaders[name.toLowerCase()] ?? null;
    }
    abort() {
      this.dispatchEvent(new Event('abort'));
    }
    send(body: Blob) {
      const from = Number(this.headers['Upload-Offset']);
      state.patches.push(from);
      const answer = state.answers.shift() ?? 'ok';
      queueMicrotask(() => {
        if (answer === 'drop') {
          state.stored = from + Math.floor(body.size / 2);
          return this.dispatchEvent(new Event('error'));
        }
        if (answer === 500 || answer === 415) {
          this.status = answer;
          this.resHeaders = { 'content-type': 'application/json' };
          this.responseText = JSON.stringify({ error: answer === 415 ? { code: 'unsupported_media', message: 'Not media.' } : { code: 'internal_error', message: 'Oops.' } });
          return this.dispatchEvent(new Event('load'));
        }
        state.stored = from + body.size;
        this.upload.dispatchEvent(Object.assign(new Event('progress'), { loaded: body.size, total: body.size, lengthComputable: true }));
        const done = state.stored >= 10;
        this.status = done ? 200 : 204;
        this.resHeaders = { 'upload-offset': String(state.stored) };
        this.responseText = done ? JSON.stringify({ mediaId: 'm1' }) : '';
        this.dispatchEvent(new Event('load'));
      });
    }
  }
  return { state, fetchMock, FakeXhr };
}

describe('resumableUpload', () => {
  let tus: ReturnType<typeof fakeTus>;
  const memory = new Map<string, string>();
  beforeEach(() => {
    tus = fakeTus();
    memory.clear();
    vi.stubGlobal('fetch', tus.fetchMock);
    vi.stubGlobal('XMLHttpRequest', tus.FakeXhr);
    vi.stubGlobal('location', { protocol: 'http:', href: 'http://foyer.test/library' });
    vi.stubGlobal('document', { cookie: 'foyer_csrf=t' });
    vi.stubGlobal('localStorage', { getItem: (k: string) => memory.get(k) ?? null, setItem: (k: string, v: string) => memory.set(k, v), removeItem: (k: string) => memory.delete(k) });
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  const file = () => new File(['0123456789'], 'clip.mp4', { lastModified: 1 });

  it('sends the file in chunks, resumes from the server’s offset after a drop or a 500, and forgets the upload when done', async () => {
    tus.state.answers.push('ok', 'drop', 500);
    const progress: number[] = [];
    const done = resumableUpload(file(), { chunkBytes: 4, onProgress: (sent) => progress.push(sent) });
    await vi.runAllTimersAsync();
    expect(await done).toEqual({ mediaId: 'm1' });
    // 0-4 ok; 4-8 dropped after 2 bytes (HEAD says 6); 6-10 answered 500 (HEAD still 6); 6-10 ok
    expect(tus.state.patches).toEqual([0, 4, 6, 6]);
    expect(progress.at(-1)).toBe(10);
    expect(memory.size).toBe(0);
  });

  it('fails at once with the server’s ApiError on a refusal, without retrying', async () => {
    tus.state.answers.push(415);
    const done = resumableUpload(file(), { chunkBytes: 4 }).catch((e: unknown) => e);
    await vi.runAllTimersAsync();
    expect(await done).toMatchObject({ name: 'ApiError', code: 'unsupported_media', status: 415, message: 'Not media.' });
    expect(tus.state.patches).toEqual([0]);
    expect(memory.size).toBe(0);
  });

  it('gives up with network_error after its retries, keeping the address to resume later', async () => {
    tus.state.answers.push('drop', 'drop', 'drop');
    const done = resumableUpload(file(), { chunkBytes: 4, retries: 2 }).catch((e: unknown) => e);
    await vi.runAllTimersAsync();
    expect(await done).toMatchObject({ name: 'ApiError', code: 'network_error', status: 0 });
    expect([...memory.values()]).toEqual(['/api/uploads/u1']);
  });
});
