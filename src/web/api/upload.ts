import type { MediaDto } from '../../contracts/api.js';
import { ApiError, csrfToken, errorFromResponse, networkError } from './client.js';
import { resumableUpload, UploadError } from '../features/upload/resumableUpload.js';

export interface UploadProgress {
  loaded: number;
  total: number;
}

export interface UploadHandle {
  promise: Promise<MediaDto>;
  abort(): void;
}

/**
 * Uploads one file as multipart field `file`. XMLHttpRequest rather than fetch because only XHR
 * reports upload progress in every browser.
 */
export function uploadMedia(file: File, onProgress: (p: UploadProgress) => void): UploadHandle {
  const xhr = new XMLHttpRequest();
  const promise = new Promise<MediaDto>((resolve, reject) => {
    xhr.open('POST', '/api/media');
    xhr.setRequestHeader('X-CSRF-Token', csrfToken());
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.upload.addEventListener('progress', (e) => {
      if (e.lengthComputable) onProgress({ loaded: e.loaded, total: e.total });
    });
    xhr.addEventListener('load', () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        try {
          resolve((JSON.parse(xhr.responseText) as { media: MediaDto }).media);
        } catch {
          reject(errorFromResponse(500, ''));
        }
      } else {
        reject(errorFromResponse(xhr.status, xhr.responseText));
      }
    });
    xhr.addEventListener('error', () => reject(networkError()));
    xhr.addEventListener('abort', () => reject(new ApiError({ code: 'upload_incomplete', message: 'Upload cancelled.', status: 0 })));
    const form = new FormData();
    form.append('file', file, file.name);
    xhr.send(form);
  });
  return { promise, abort: () => xhr.abort() };
}

/**
 * Uploads through the resumable (tus) endpoint: a dropped connection continues where it stopped,
 * also after a reload. Resolves with the new item once the server has taken the whole file.
 */
export function uploadMediaResumable(file: File, onProgress: (p: UploadProgress) => void): UploadHandle {
  const abort = new AbortController();
  const promise = (async () => {
    try {
      const { mediaId } = await resumableUpload(file, { signal: abort.signal, onProgress: (loaded, total) => onProgress({ loaded, total }) });
      const res = await fetch(`/api/media/${encodeURIComponent(mediaId)}`, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
      if (!res.ok) throw errorFromResponse(res.status, await res.text());
      return ((await res.json()) as { media: MediaDto }).media;
    } catch (err) {
      if (err instanceof UploadError) throw err.status === 0 ? networkError() : new ApiError({ code: err.code as ApiError['code'], message: err.message, status: err.status });
      throw err;
    }
  })();
  return { promise, abort: () => abort.abort() };
}
