import { FileStore } from '@tus/file-store';
import type { DataStore } from '@tus/server';
import type { Readable } from 'node:stream';

/** Unfinished uploads expire after this long. */
export const UPLOAD_EXPIRY_MS = 24 * 3600_000;

/** Where resumable (tus) uploads collect their bytes until the last one arrives. */
export type UploadStore = DataStore & {
  /** The bytes of a finished upload. */
  read(id: string): Readable;
};

/** Uploads on local disk (DATA_DIR/uploads); the tus file store creates the folder itself. */
export function diskUploadStore(directory: string): UploadStore {
  return new FileStore({ directory, expirationPeriodInMilliseconds: UPLOAD_EXPIRY_MS });
}
