/**
 * Browser side of resumable uploads (tus 1.0 against /api/uploads): the file goes up in chunks; when
 * the connection drops the upload asks the server how much arrived (HEAD) and continues from there,
 * also after a page reload (the upload address is remembered per file). Progress is reported in bytes.
 */
export interface ResumableUploadOptions {
  onProgress?: (sent: number, total: number) => void;
  signal?: AbortSignal;
  /** Bytes per PATCH; smaller chunks lose less on a drop. */
  chunkBytes?: number;
  /** Attempts after a network failure before giving up. */
  retries?: number;
  endpoint?: string;
}

export class UploadError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

const TUS = { 'Tus-Resumable': '1.0.0' };

function csrfToken(): string {
  const wanted = location.protocol === 'https:' ? '__Host-foyer_csrf' : 'foyer_csrf';
  for (const part of document.cookie.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === wanted) return decodeURIComponent(rest.join('='));
  }
  return '';
}

const b64 = (s: string) => btoa(String.fromCharCode(...new TextEncoder().encode(s)));
const memoryKey = (f: File) => `foyer-upload:${f.name}:${f.size}:${f.lastModified}`;

function errorFrom(status: number, text: string): UploadError {
  try {
    const e = JSON.parse(text).error;
    if (e?.code) return new UploadError(e.code, e.message, status);
  } catch {
    /* not our JSON */
  }
  return new UploadError(status === 413 ? 'payload_too_large' : 'upload_failed', text.trim() || `The server answered ${status}.`, status);
}

async function offsetOf(url: string): Promise<number | undefined> {
  const res = await fetch(url, { method: 'HEAD', headers: TUS, credentials: 'same-origin' });
  if (!res.ok) return undefined;
  return Number(res.headers.get('Upload-Offset'));
}

function patch(url: string, offset: number, body: Blob, onProgress: (loaded: number) => void, signal?: AbortSignal): Promise<{ status: number; text: string; offset: number }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PATCH', url);
    xhr.withCredentials = true;
    xhr.setRequestHeader('Tus-Resumable', '1.0.0');
    xhr.setRequestHeader('Upload-Offset', String(offset));
    xhr.setRequestHeader('Content-Type', 'application/offset+octet-stream');
    xhr.setRequestHeader('X-CSRF-Token', csrfToken());
    xhr.upload.onprogress = (e) => onProgress(e.loaded);
    xhr.onload = () => resolve({ status: xhr.status, text: xhr.responseText, offset: Number(xhr.getResponseHeader('Upload-Offset') ?? offset) });
    xhr.onerror = () => reject(new UploadError('network_error', 'The connection dropped.', 0));
    xhr.onabort = () => reject(new DOMException('Upload cancelled', 'AbortError'));
    signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(body);
  });
}

export async function resumableUpload(file: File, opts: ResumableUploadOptions = {}): Promise<{ mediaId: string }> {
  const endpoint = opts.endpoint ?? '/api/uploads';
  const chunk = opts.chunkBytes ?? 8 * 1024 * 1024;
  const retries = opts.retries ?? 8;
  let url = localStorage.getItem(memoryKey(file)) ?? undefined;
  let offset = url ? await offsetOf(url).catch(() => undefined) : undefined;
  if (url === undefined || offset === undefined) {
    const res = await fetch(endpoint, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { ...TUS, 'Upload-Length': String(file.size), 'Upload-Metadata': `filename ${b64(file.name)}`, 'X-CSRF-Token': csrfToken() },
      signal: opts.signal,
    });
    if (res.status !== 201) throw errorFrom(res.status, await res.text());
    url = new URL(res.headers.get('Location')!, location.href).pathname;
    offset = 0;
    localStorage.setItem(memoryKey(file), url);
  }
  opts.onProgress?.(offset, file.size);
  let failures = 0;
  for (;;) {
    try {
      const res = await patch(url, offset, file.slice(offset, offset + chunk), (loaded) => opts.onProgress?.(offset! + loaded, file.size), opts.signal);
      if (res.status === 200) {
        localStorage.removeItem(memoryKey(file));
        opts.onProgress?.(file.size, file.size);
        return JSON.parse(res.text) as { mediaId: string };
      }
      if (res.status === 204) {
        offset = res.offset;
        failures = 0;
        continue;
      }
      if (res.status === 409 || res.status >= 500) throw new UploadError('retry', 'The server asked to resume.', res.status);
      localStorage.removeItem(memoryKey(file));
      throw errorFrom(res.status, res.text);
    } catch (err) {
      if ((err as Error).name === 'AbortError' || (err instanceof UploadError && err.code !== 'network_error' && err.code !== 'retry')) throw err;
      if (++failures > retries) throw new UploadError('network_error', 'The upload could not continue. Try again to resume it.', 0);
      await new Promise((r) => setTimeout(r, Math.min(30_000, 1000 * 2 ** (failures - 1))));
      const known = await offsetOf(url).catch(() => undefined);
      if (known !== undefined) offset = known;
    }
  }
}
