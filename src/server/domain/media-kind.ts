import type { MediaType } from '../db/schema.js';

/** Which uploaded content types Foyer accepts, judged from the file's bytes, and the media type each becomes. */
const accepted: Record<string, MediaType> = {
  'video/mp4': 'video',
  'video/webm': 'video',
  'video/quicktime': 'video',
  'video/x-matroska': 'video',
  'video/x-msvideo': 'video',
  'video/mpeg': 'video',
  'video/mp2t': 'video',
  'video/ogg': 'video',
  'audio/mpeg': 'audio',
  'audio/mp4': 'audio',
  'audio/x-m4a': 'audio',
  'audio/aac': 'audio',
  'audio/ogg': 'audio',
  'audio/opus': 'audio',
  'audio/wav': 'audio',
  'audio/x-wav': 'audio',
  'audio/wave': 'audio',
  'audio/flac': 'audio',
  'audio/x-flac': 'audio',
  'audio/webm': 'audio',
  'application/pdf': 'document',
  'image/png': 'document',
  'image/jpeg': 'document',
  'image/webp': 'document',
  'image/gif': 'document',
};

export const mediaTypeForMime = (mime: string | undefined): MediaType | undefined => (mime ? accepted[mime] : undefined);

/** A title from a file name: no extension, separators as spaces. */
export function titleFromFileName(name: string): string {
  const base = name.replace(/\.[^.]{1,8}$/, '').replace(/[_]+/g, ' ').trim();
  return (base || 'Untitled').slice(0, 200);
}
