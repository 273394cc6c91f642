import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { fileTypeStream } from 'file-type';
import type { Kysely } from 'kysely';
import type { Storage } from '../adapters/storage/storage.js';
import type { DB, Media, User } from '../db/schema.js';
import { mediaTypeForMime, titleFromFileName } from '../domain/media-kind.js';
import { pipelineDefaults } from '../domain/processing.js';
import { AppError } from '../errors.js';
import { MediaRepository } from '../repositories/media.repository.js';
import { UserRepository } from '../repositories/user.repository.js';

export interface MediaDeps {
  db: Kysely<DB>;
  storage: Storage;
  clock: () => number;
}

/** Hooks other modules attach to media events (invites end with their media). */
export interface MediaHooks {
  /** Runs inside the deletion's transaction; may return work to run after commit (announcements). */
  onDeleted?: (media: Media, trx: Kysely<DB>) => Promise<(() => Promise<void>) | void>;
  /** After a new media row is stored (committed): the pipeline queues its processing here. */
  onCreated?: (media: Media) => Promise<void>;
  /** After the deletion committed: for network calls such as bus announcements. Errors are the hook's to handle. */
  afterDeleted?: (media: Media) => Promise<void>;
}

export class MediaService {
  readonly repo: MediaRepository;
  private readonly users: UserRepository;
  readonly hooks: MediaHooks[] = [];

  constructor(private readonly deps: MediaDeps) {
    this.repo = new MediaRepository(deps.db);
    this.users = new UserRepository(deps.db);
  }

  /**
   * Stores an upload. The type is judged from the first bytes, before anything is written;
   * the bytes land under a temporary name and become visible only when complete.
   * `isTruncated` tells whether the transport cut the file at the size limit.
   */
  async upload(owner: User, file: { stream: Readable; fileName: string; isTruncated: () => boolean; limitBytes: number }): Promise<Media> {
    const sniffed = await fileTypeStream(file.stream, { sampleSize: 4100 });
    const type = mediaTypeForMime(sniffed.fileType?.mime);
    if (!type || !sniffed.fileType) {
      file.stream.resume();
      throw new AppError('unsupported_media', {
        details: { detected: sniffed.fileType?.mime ?? 'unknown' },
      });
    }
    const id = randomUUID();
    const key = `media/${id}/original.${sniffed.fileType.ext}`;
    let size: number;
    try {
      ({ size } = await this.deps.storage.put(key, sniffed));
    } catch (err) {
      await this.deps.storage.remove(`media/${id}/`);
      if (file.isTruncated()) throw tooLarge(file.limitBytes);
      throw new AppError('upload_incomplete', { cause: err });
    }
    if (file.isTruncated()) {
      await this.deps.storage.remove(`media/${id}/`);
      throw tooLarge(file.limitBytes);
    }
    if (size === 0) {
      await this.deps.storage.remove(`media/${id}/`);
      throw new AppError('upload_incomplete');
    }
    const now = this.deps.clock();
    const media: Media = {
      id,
      owner_id: owner.id,
      type,
      title: titleFromFileName(file.fileName),
      description: '',
      mime_type: sniffed.fileType.mime,
      size_bytes: size,
      storage_key: key,
      original_name: file.fileName.slice(0, 255) || 'upload',
      created_at: now,
      updated_at: now,
      deleted_at: null,
      ...pipelineDefaults(type),
    };
    try {
      await this.repo.insert(media);
    } catch (err) {
      await this.deps.storage.remove(`media/${id}/`);
      throw err;
    }
    for (const h of this.hooks) await h.onCreated?.(media);
    return media;
  }

  list(user: User): Promise<Media[]> {
    return this.repo.listByOwner(user.id);
  }

  async owners(media: Media[]): Promise<Map<string, { id: string; name: string }>> {
    const out = new Map<string, { id: string; name: string }>();
    for (const id of new Set(media.map((m) => m.owner_id))) {
      const u = await this.users.findById(id);
      out.set(id, { id, name: u?.name ?? 'Unknown' });
    }
    return out;
  }

  /** The media, if the user may manage it (owner or site admin); not_found otherwise, so ids do not leak. */
  async getManaged(user: User, id: string): Promise<Media> {
    const media = await this.repo.findById(id);
    if (!media || (media.owner_id !== user.id && !user.is_admin)) throw new AppError('not_found', { message: 'Media not found.' });
    return media;
  }

  async update(user: User, id: string, patch: { title?: string; description?: string }): Promise<Media> {
    const media = await this.getManaged(user, id);
    const next = { ...patch, updated_at: this.deps.clock() };
    await this.repo.update(media.id, next);
    return { ...media, ...next };
  }

  /** Soft-deletes the row (so invite links can say "media deleted") and removes every byte. */
  async delete(user: User, id: string): Promise<void> {
    const media = await this.getManaged(user, id);
    const now = this.deps.clock();
    const after = await this.deps.db.transaction().execute(async (trx) => {
      await this.repo.update(media.id, { deleted_at: now, storage_key: null, updated_at: now }, trx);
      const later: Array<() => Promise<void>> = [];
      for (const h of this.hooks) {
        const next = await h.onDeleted?.(media, trx);
        if (next) later.push(next);
      }
      return later;
    });
    await this.deps.storage.remove(`media/${media.id}/`);
    for (const fn of after) await fn();
    for (const h of this.hooks) await h.afterDeleted?.(media);
  }
}

const tooLarge = (limitBytes: number) =>
  new AppError('payload_too_large', {
    message: `The file is larger than the upload limit of ${Math.round(limitBytes / 1024 / 1024)} MB.`,
    details: { limitBytes },
  });
