import type { Media } from '../db/schema.js';

/**
 * "Block download": what a visitor may fetch of the original file. Managers (owner, site admin)
 * always may. Viewers may download unless the owner blocked it; documents (PDFs, images) are still
 * shown inline when blocked, since viewing them needs the file, but never offered as a download.
 */
export interface DownloadPolicy {
  /** The original may be shown inline (a document viewer, an image) or streamed as a file. */
  inline: boolean;
  /** The original may be saved as a download. */
  download: boolean;
}

export function downloadPolicy(media: Pick<Media, 'type' | 'block_download'>, canManage: boolean): DownloadPolicy {
  const download = canManage || media.block_download === 0;
  return { download, inline: download || media.type === 'document' };
}
