import type { MediaDto } from '../../contracts/api.js';
import { ApiError, csrfToken, errorFromResponse, networkError } from './client.js';

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
