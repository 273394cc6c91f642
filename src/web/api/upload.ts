import type { MediaDto } from '../../contracts/api.js';
import { resumableUpload } from '../features/upload/resumableUpload.js';
import { api } from './client.js';

export interface UploadProgress {
  loaded: number;
  total: number;
}

export interface UploadHandle {
  promise: Promise<MediaDto>;
  abort(): void;
}

/**
 * Uploads through the resumable (tus) endpoint: a dropped connection continues where it stopped,
 * also after a reload. Resolves with the new item once the server has taken the whole file; rejects
 * with an ApiError, or the AbortError after `abort()`.
 */
export function uploadMediaResumable(file: File, onProgress: (p: UploadProgress) => void): UploadHandle {
  const abort = new AbortController();
  const promise = (async () => {
    const { mediaId } = await resumableUpload(file, { signal: abort.signal, onProgress: (loaded, total) => onProgress({ loaded, total }) });
    return (await api<{ media: MediaDto }>(`/api/media/${encodeURIComponent(mediaId)}`)).media;
  })();
  return { promise, abort: () => abort.abort() };
}
