import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { codeForStatus, errorCodes } from '../../contracts/errors.js';
import { api, ApiError, errorFromBody, errorFromResponse, errorFromWire, isFieldValidation, request } from './client.js';

const json = (body: unknown, status: number, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });

describe('errorFromResponse', () => {
  it('reads our wire shape: code, message, details and the field errors in them', () => {
    const err = errorFromResponse(400, JSON.stringify({ error: { code: 'validation_failed', message: 'Some fields are not valid: email.', details: { email: 'Enter an email.', n: 3 } } }));
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code: 'validation_failed', message: 'Some fields are not valid: email.', status: 400 });
    expect(err.fieldErrors).toEqual({ email: 'Enter an email.' });
  });

  it('keeps unsupported_media (a file that is not media) apart from unsupported_content_type (a request in the wrong format)', () => {
    expect(errorFromResponse(415, JSON.stringify({ error: { code: 'unsupported_media', message: 'This file is not a supported video, audio file or PDF document.' } })).code).toBe('unsupported_media');
    expect(errorFromResponse(415, JSON.stringify({ error: { code: 'unsupported_content_type', message: 'Send JSON.' } })).code).toBe('unsupported_content_type');
    expect(errorFromResponse(415, '').code).toBe('unsupported_content_type');
  });

  it('falls back to the shared codeForStatus for answers without our body', () => {
    for (const status of [400, 401, 403, 404, 409, 413, 415, 418, 429, 500, 502, 503]) {
      const err = errorFromResponse(status, '<html>Bad gateway</html>', 'text/html');
      expect(err.code, String(status)).toBe(codeForStatus(status));
      expect(err.message).toBe(`The server answered ${status}.`);
      expect(err.status).toBe(status);
      expect(err.fieldErrors).toEqual({});
    }
  });

  it('shows a short plain-text answer (the tus server’s) as the message', () => {
    const err = errorFromResponse(413, 'Maximum size exceeded\n', 'text/plain;charset=UTF-8');
    expect(err).toMatchObject({ code: 'payload_too_large', message: 'Maximum size exceeded', status: 413 });
    expect(errorFromResponse(502, 'x'.repeat(1000), 'text/plain').message).toBe('The server answered 502.');
    expect(errorFromResponse(500, '   ', 'text/plain').message).toBe('The server answered 500.');
  });

  it('keeps the server’s message when the code is one this build does not know', () => {
    const err = errorFromResponse(409, JSON.stringify({ error: { code: 'brand_new_code', message: 'Something newer.', details: { a: 'b' } } }));
    expect(err).toMatchObject({ code: 'conflict', message: 'Something newer.', details: { a: 'b' } });
  });
});

describe('isFieldValidation', () => {
  it('is true only for validation answers with field messages, so a bare 400 still reaches the form’s alert', () => {
    expect(isFieldValidation(errorFromResponse(400, JSON.stringify({ error: { code: 'validation_failed', message: 'm', details: { title: 'Enter a title.' } } })))).toBe(true);
    expect(isFieldValidation(errorFromResponse(400, ''))).toBe(false);
    expect(isFieldValidation(errorFromResponse(400, JSON.stringify({ error: { code: 'validation_failed', message: 'The request body is not valid JSON.' } })))).toBe(false);
    expect(isFieldValidation(errorFromResponse(409, JSON.stringify({ error: { code: 'email_taken', message: 'm', details: { email: 'x' } } })))).toBe(false);
    expect(isFieldValidation(new Error('x'))).toBe(false);
  });
});

describe('errorFromWire and errorFromBody', () => {
  it('builds the same ApiError from a room socket message’s error, with status 0', () => {
    const socketMessage = { type: 'error', ref: 'r1', error: { code: 'muted', message: 'You are muted.', details: { until: null } } };
    expect(errorFromWire(socketMessage.error, 0)).toMatchObject({ code: 'muted', message: 'You are muted.', status: 0, details: { until: null } });
    expect(errorFromWire({ code: 'odd', message: 'Odd.' }, 0)).toMatchObject({ code: 'internal_error', message: 'Odd.' });
  });

  it('finds the wire shape in a parsed body, or nothing', () => {
    expect(errorFromBody({ error: { code: 'link_used', message: 'Used.' } }, 410)).toMatchObject({ code: 'link_used', status: 410 });
    expect(errorFromBody({ error: 'text' }, 400)).toBeUndefined();
    expect(errorFromBody({ nope: true }, 400)).toBeUndefined();
    expect(errorFromBody(undefined, 500)).toBeUndefined();
  });

  it('knows every code in the contracts list', () => {
    for (const code of errorCodes) expect(errorFromBody({ error: { code, message: 'm' } }, 400)?.code).toBe(code);
  });
});

describe('request and api', () => {
  const fetchMock = vi.fn<typeof fetch>();
  beforeEach(() => {
    vi.stubGlobal('fetch', fetchMock);
    vi.stubGlobal('location', { protocol: 'http:', href: 'http://foyer.test/' });
    vi.stubGlobal('document', { cookie: 'other=1; foyer_csrf=tok%2Fen' });
  });
  afterEach(() => {
    fetchMock.mockReset();
    vi.unstubAllGlobals();
  });

  it('sends JSON with the CSRF header on state changes only, and parses the answer', async () => {
    fetchMock.mockResolvedValueOnce(json({ ok: true }, 200)).mockResolvedValueOnce(json({ items: [] }, 200));
    expect(await api('/api/things', { method: 'POST', body: { a: 1 } })).toEqual({ ok: true });
    expect(await api('/api/things')).toEqual({ items: [] });
    const [post, get] = fetchMock.mock.calls;
    expect(post[1]).toMatchObject({ method: 'POST', credentials: 'same-origin', body: '{"a":1}', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': 'tok/en' } });
    expect(get[1]?.headers).not.toHaveProperty('X-CSRF-Token');
    expect(get[1]?.headers).not.toHaveProperty('Content-Type');
  });

  it('asks for expected refusals in the body, and rejects with them as the ApiError of their real status', async () => {
    fetchMock.mockResolvedValueOnce(
      json({ error: { code: 'link_expired', message: 'This link has expired.' } }, 200, { 'Preference-Applied': 'outcome-in-body', 'X-Foyer-Status': '410' }),
    );
    await expect(api('/api/lobby/enter', { method: 'POST', body: { email: 'a@example.com' } })).rejects.toMatchObject({ code: 'link_expired', status: 410, message: 'This link has expired.' });
    expect(fetchMock.mock.calls[0][1]?.headers).toMatchObject({ Prefer: 'outcome-in-body' });
    // a plain 200 is an answer, not an error
    fetchMock.mockResolvedValueOnce(json({ ok: true }, 200));
    expect(await api('/api/x')).toEqual({ ok: true });
  });

  it('starts a keepalive request before returning to the event loop, so it survives the page unloading', () => {
    fetchMock.mockResolvedValueOnce(json({}, 200));
    void api('/api/media/m/progress', { method: 'POST', body: { positionSeconds: 1 }, keepalive: true });
    expect(fetchMock).toHaveBeenCalledTimes(1);
    expect(fetchMock.mock.calls[0][1]).toMatchObject({ keepalive: true });
  });

  it('sends a raw body as it is, with the caller’s headers, and gives the answer’s headers', async () => {
    fetchMock.mockResolvedValueOnce(new Response(null, { status: 201, headers: { Location: '/api/uploads/u1' } }));
    const res = await request('/api/uploads', { method: 'POST', rawBody: 'WEBVTT', headers: { 'Content-Type': 'text/vtt', 'Tus-Resumable': '1.0.0' } });
    expect(res.status).toBe(201);
    expect(res.header('Location')).toBe('/api/uploads/u1');
    expect(fetchMock.mock.calls[0][1]).toMatchObject({ body: 'WEBVTT', headers: { 'Content-Type': 'text/vtt', 'Tus-Resumable': '1.0.0' } });
  });

  it('rejects with an ApiError for error answers, network_error when nothing answers, and passes aborts through', async () => {
    fetchMock.mockResolvedValueOnce(json({ error: { code: 'signature_expired', message: 'Expired.' } }, 403));
    await expect(api('/api/x')).rejects.toMatchObject({ code: 'signature_expired', status: 403 });
    fetchMock.mockRejectedValueOnce(new TypeError('Failed to fetch'));
    await expect(api('/api/x')).rejects.toMatchObject({ code: 'network_error', status: 0 });
    const abort = new AbortController();
    abort.abort();
    fetchMock.mockRejectedValueOnce(new DOMException('aborted', 'AbortError'));
    await expect(api('/api/x', { signal: abort.signal })).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('reports upload progress through XMLHttpRequest and reads its answer the same way', async () => {
    const sent: Array<{ method: string; url: string; headers: Record<string, string>; body: unknown }> = [];
    class FakeXhr extends EventTarget {
      status = 0;
      responseText = '';
      upload = new EventTarget();
      private req = { method: '', url: '', headers: {} as Record<string, string>, body: undefined as unknown };
      open(method: string, url: string) {
        Object.assign(this.req, { method, url });
      }
      setRequestHeader(name: string, value: string) {
        this.req.headers[name] = value;
      }
      getResponseHeader(name: string) {
        return name.toLowerCase() === 'content-type' ? 'application/json' : null;
      }
      abort() {
        this.dispatchEvent(new Event('abort'));
      }
      send(body: unknown) {
        this.req.body = body;
        sent.push(this.req);
        const progress = Object.assign(new Event('progress'), { loaded: 5, total: 10, lengthComputable: true });
        this.upload.dispatchEvent(progress);
        this.status = 415;
        this.responseText = JSON.stringify({ error: { code: 'unsupported_media', message: 'Not media.' } });
        this.dispatchEvent(new Event('load'));
      }
    }
    vi.stubGlobal('XMLHttpRequest', FakeXhr);
    const progress: Array<[number, number]> = [];
    await expect(request('/api/uploads/u1', { method: 'PATCH', rawBody: 'bytes', headers: { 'Upload-Offset': '0' }, onUploadProgress: (l, t) => progress.push([l, t]) })).rejects.toMatchObject({
      code: 'unsupported_media',
      status: 415,
    });
    expect(progress).toEqual([[5, 10]]);
    expect(sent[0]).toMatchObject({ method: 'PATCH', url: '/api/uploads/u1', body: 'bytes', headers: { 'Upload-Offset': '0', 'X-CSRF-Token': 'tok/en' } });
    expect(fetchMock).not.toHaveBeenCalled();
  });
});
