import type { MediaDto, UserDto } from '../../../contracts/api.js';
import type { Media, User } from '../../db/schema.js';
import { iso } from '../../domain/time.js';

export const presentUser = (u: User): UserDto => ({
  id: u.id,
  email: u.email,
  name: u.name,
  emailVerified: u.email_verified_at !== null,
  isAdmin: u.is_admin === 1,
});

/** A library item. Its bytes are reached only through signed URLs from GET /api/media/:id/playback. */
/** What only the library list carries (see mediaSchema). */
export interface LibraryExtras {
  posterUrl?: string | null;
  event?: MediaDto['event'];
}

export const presentMedia = (m: Media, owner: { id: string; name: string }, canManage: boolean, extras: LibraryExtras = {}): MediaDto => ({
  id: m.id,
  type: m.type,
  title: m.title,
  description: m.description,
  status: m.status,
  progress: m.status === 'ready' ? 1 : m.processing_progress / 100,
  failureReason: m.failure_reason,
  durationSeconds: m.duration_seconds,
  pageCount: m.page_count ?? null,
  posterUrl: extras.posterUrl ?? null,
  event: extras.event ?? null,
  blockDownload: m.block_download === 1,
  mimeType: m.mime_type,
  sizeBytes: m.size_bytes,
  originalName: m.original_name,
  createdAt: iso(m.created_at),
  updatedAt: iso(m.updated_at),
  owner,
  canManage,
});
