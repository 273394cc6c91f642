import { ApiError, isApiError, networkError, request } from '../../api/client.js';

/**
 * Browser side of resumable uploads (tus 1.0 against /api/uploads): the file goes up in chunks; when
 * the connection drops the upload asks the server how much arrived (HEAD) and continues from there,
 * also after a page reload (the upload address is remembered per file). Progress is reported in bytes.
 * Fails with an ApiError (the AbortError when `signal` aborts it).
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

const TUS = { 'Tus-Resumable': '1.0.0' };

const b64 = (s: string) => btoa(String.fromCharCode(...new TextEncoder().encode(s)));
const memoryKey = (f: File) => `foyer-upload:${f.name}:${f.size}:${f.lastModified}`;

/** Worth another try from the server's offset: the connection dropped, the offsets disagreed (409), or the server failed. */
const resumable = (err: unknown) => isApiError(err) && (err.code === 'network_error' || err.status === 409 || err.status >= 500);

async function offsetOf(url: string): Promise<number | undefined> {
  const res = await request(url, { method: 'HEAD', headers: TUS }).catch(() => undefined);
  return res ? Number(res.header('Upload-Offset')) : undefined;
}

export async function resumableUpload(file: File, opts: ResumableUploadOptions = {}): Promise<{ mediaId: string }> {
  const endpoint = opts.endpoint ?? '/api/uploads';
  const chunk = opts.chunkBytes ?? 8 * 1024 * 1024;
  const retries = opts.retries ?? 8;
  let url = localStorage.getItem(memoryKey(file)) ?? undefined;
  let offset = url ? await offsetOf(url) : undefined;
  if (url === undefined || offset === undefined) {
    const res = await request(endpoint, {
      method: 'POST',
      headers: { ...TUS, 'Upload-Length': String(file.size), 'Upload-Metadata': `filename ${b64(file.name)}` },
      signal: opts.signal,
    });
    const address = res.header('Location');
    if (res.status !== 201 || !address) throw new ApiError({ code: 'internal_error', message: `The server answered ${res.status}.`, status: res.status });
    url = new URL(address, location.href).pathname;
    offset = 0;
    localStorage.setItem(memoryKey(file), url);
  }
  opts.onProgress?.(offset, file.size);
  let failures = 0;
  for (;;) {
    try {
      const from: number = offset;
      const res = await request(url, {
        method: 'PATCH',
        headers: { ...TUS, 'Upload-Offset': String(from), 'Content-Type': 'application/offset+octet-stream' },
        rawBody: file.slice(from, from + chunk),
        signal: opts.signal,
        onUploadProgress: (loaded) => opts.onProgress?.(from + loaded, file.size),
      });
      if (res.status === 200) {
        localStorage.removeItem(memoryKey(file));
        opts.onProgress?.(file.size, file.size);
        return JSON.parse(res.text) as { mediaId: string };
      }
      offset = Number(res.header('Upload-Offset') ?? from);
      failures = 0;
    } catch (err) {
      if (!resumable(err)) {
        if (isApiError(err)) localStorage.removeItem(memoryKey(file));
        throw err;
      }
      if (++failures > retries) throw networkError('The upload could not continue. Try again to resume it.');
      await new Promise((r) => setTimeout(r, Math.min(30_000, 1000 * 2 ** (failures - 1))));
      const known = await offsetOf(url);
      if (known !== undefined) offset = known;
    }
  }
}
