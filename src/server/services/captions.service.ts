import { randomUUID } from 'node:crypto';
import type { Storage } from '../adapters/storage/storage.js';
import type { User } from '../db/schema.js';
import type { Caption } from '../db/schema-pipeline.js';
import { AppError } from '../errors.js';
import type { CaptionRepository } from '../repositories/caption.repository.js';
import type { MediaService } from './media.service.js';
import { captionKey } from '../domain/storage-keys.js';

export const CAPTION_LIMIT_BYTES = 512 * 1024;

/** WebVTT caption tracks the owner adds to a video or audio item; players list them as text tracks. */
export class CaptionService {
  constructor(private readonly deps: { media: MediaService; repo: CaptionRepository; storage: Storage; clock: () => number }) {}

  async add(user: User, mediaId: string, input: { lang: string; label: string; text: string }): Promise<Caption> {
    const media = await this.deps.media.getManaged(user, mediaId);
    if (media.type === 'document' || media.type === 'live') {
      throw new AppError('validation_failed', { message: 'Captions can be added to video and audio only.' });
    }
    const text = input.text.replace(/^\uFEFF/, '');
    if (!/^WEBVTT([ \t].*)?(\r?\n|$)/.test(text)) {
      throw new AppError('unsupported_media', { message: 'Captions must be a WebVTT file (it starts with "WEBVTT").' });
    }
    if (Buffer.byteLength(text) > CAPTION_LIMIT_BYTES) throw new AppError('payload_too_large', { message: 'Caption files can be at most 512 KB.' });
    const id = randomUUID();
    const caption: Caption = {
      id,
      media_id: media.id,
      lang: input.lang,
      label: input.label,
      storage_key: captionKey(media.id, id),
      created_at: this.deps.clock(),
    };
    await this.deps.storage.put(caption.storage_key, Buffer.from(text));
    try {
      await this.deps.repo.insert(caption);
    } catch (err) {
      await this.deps.storage.remove(caption.storage_key);
      throw err;
    }
    return caption;
  }

  async remove(user: User, mediaId: string, captionId: string): Promise<void> {
    const media = await this.deps.media.getManaged(user, mediaId);
    const caption = await this.deps.repo.find(media.id, captionId);
    if (!caption) throw new AppError('not_found', { message: 'Caption not found.' });
    await this.deps.repo.delete(media.id, caption.id);
    await this.deps.storage.remove(caption.storage_key);
  }
}
