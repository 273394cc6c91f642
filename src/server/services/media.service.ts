import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { fileTypeStream } from 'file-type';
import type { Insertable } from 'kysely';
import { isStorageFull, type Storage } from '../adapters/storage/storage.js';
import type { Media, MediaTable, MediaType, MediaUpdate, User } from '../db/schema.js';
import { mediaTypeForMime, titleFromFileName } from '../domain/media-kind.js';
import { pipelineDefaults } from '../domain/processing.js';
import { AppError } from '../errors.js';
import { mediaPrefix, originalKey } from '../domain/storage-keys.js';
import type { MediaRepository } from '../repositories/media.repository.js';
import type { Transactor, Tx } from '../repositories/transaction.js';
import type { DomainEvents } from './domain-events.js';

export interface MediaDeps {
  repo: MediaRepository;
  /** Names of accounts (the accounts module), for showing who owns what. */
  userNames: (ids: string[]) => Promise<Array<{ id: string; name: string }>>;
  tx: Transactor;
  storage: Storage;
  events: DomainEvents;
  clock: () => number;
  /** Pages of a stored PDF (adapters/media/pdf-pages.ts); null when they cannot be counted. */
  countPages?: (bytes: Readable, size: number) => Promise<number | null>;
  /** The owner's storage quota (quota.service.ts): refuses with `quota_exceeded` when the bytes do not fit. */
  quota?: { ensureRoom(ownerId: string, bytes: number, trx?: Tx): Promise<void> };
}

/**
 * The media library. Other modules react to its changes through domain events:
 * `media.created`, `media.deleting` (inside the deletion's transaction) and `media.deleted`.
 */
export class MediaService {
  private readonly repo: MediaRepository;

  constructor(private readonly deps: MediaDeps) {
    this.repo = deps.repo;
  }

  /** A media row that is not deleted. */
  findById(id: string): Promise<Media | undefined> {
    return this.repo.findById(id);
  }

  /** Any media row, deleted or not (invites tell "deleted" from "unknown"). */
  findAnyById(id: string): Promise<Media | undefined> {
    return this.repo.findAnyById(id);
  }

  /** Titles of media rows, deleted ones too, for lists that name them. */
  titles(ids: string[]): Promise<Map<string, string>> {
    return this.repo.titles(ids);
  }

  /** Title, type and deletion of media by id (for lists that name media, deleted ones included). */
  summaries(ids: string[]) {
    return this.repo.summaries(ids);
  }

  /** Stores a media row made by another module (a live event), inside its transaction. */
  async insertRow(row: Insertable<MediaTable>, trx?: Tx): Promise<void> {
    await this.repo.insert(row, trx);
  }

  async updateRow(id: string, patch: MediaUpdate, trx?: Tx): Promise<void> {
    await this.repo.update(id, patch, trx);
  }

  /** A video with quiz questions is a quiz, and back once they are gone. */
  async setType(id: string, type: Extract<MediaType, 'video' | 'quiz'>, trx?: Tx): Promise<void> {
    await this.repo.update(id, { type, updated_at: this.deps.clock() }, trx);
  }

  /** The owner turns downloads off (or on again) for viewers; see domain/download-policy.ts. */
  async setBlockDownload(user: User, id: string, block: boolean): Promise<Media> {
    const media = await this.getManaged(user, id);
    const patch = { block_download: block ? 1 : 0, updated_at: this.deps.clock() };
    await this.repo.update(media.id, patch);
    return { ...media, ...patch };
  }

  /**
   * Stores an upload. The type is judged from the first bytes, before anything is written;
   * the bytes land under a temporary name and become visible only when complete.
   * `isTruncated` tells whether the transport cut the file at the size limit.
   */
  async upload(owner: Pick<User, 'id'>, file: { stream: Readable; fileName: string; isTruncated: () => boolean; limitBytes: number }): Promise<Media> {
    // a full account is refused before a byte is stored
    try {
      await this.deps.quota?.ensureRoom(owner.id, 1);
    } catch (err) {
      file.stream.resume();
      throw err;
    }
    const sniffed = await fileTypeStream(file.stream, { sampleSize: 4100 });
    const type = mediaTypeForMime(sniffed.fileType?.mime);
    if (!type || !sniffed.fileType) {
      file.stream.resume();
      throw new AppError('unsupported_media', {
        details: { detected: sniffed.fileType?.mime ?? 'unknown' },
      });
    }
    const id = randomUUID();
    const key = originalKey(id, sniffed.fileType.ext);
    let size: number;
    try {
      ({ size } = await this.deps.storage.put(key, sniffed));
    } catch (err) {
      await this.deps.storage.removePrefix(mediaPrefix(id));
      if (file.isTruncated()) throw tooLarge(file.limitBytes);
      if (isStorageFull(err)) throw new AppError('storage_full', { cause: err });
      throw new AppError('upload_incomplete', { cause: err });
    }
    if (file.isTruncated()) {
      await this.deps.storage.removePrefix(mediaPrefix(id));
      throw tooLarge(file.limitBytes);
    }
    if (size === 0) {
      await this.deps.storage.removePrefix(mediaPrefix(id));
      throw new AppError('upload_incomplete');
    }
    // counted once, from the stored file, before the row exists: the library shows it from the start
    const pages = type === 'document' && this.deps.countPages ? await this.deps.countPages(this.deps.storage.get(key), size).catch(() => null) : null;
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
      page_count: pages,
    };
    try {
      // counted again with the real size, one upload at a time per account, as the row is written
      await this.deps.tx.run(async (trx) => {
        await this.deps.quota?.ensureRoom(owner.id, size, trx);
        await this.repo.insert(media, trx);
      });
    } catch (err) {
      await this.deps.storage.removePrefix(mediaPrefix(id));
      throw err;
    }
    await this.deps.events.emit('media.created', { media });
    return media;
  }

  list(user: User): Promise<Media[]> {
    return this.repo.listByOwner(user.id);
  }

  async owners(media: Media[]): Promise<Map<string, { id: string; name: string }>> {
    const ids = [...new Set(media.map((m) => m.owner_id))];
    const names = new Map((ids.length ? await this.deps.userNames(ids) : []).map((u) => [u.id, u.name]));
    return new Map(ids.map((id) => [id, { id, name: names.get(id) ?? 'Unknown' }]));
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
    await this.deps.tx.run(async (trx) => {
      await this.repo.update(media.id, { deleted_at: now, storage_key: null, updated_at: now }, trx);
      await this.deps.events.emit('media.deleting', { media, trx });
    });
    await this.deps.storage.removePrefix(mediaPrefix(media.id));
    await this.deps.events.emit('media.deleted', { media });
  }
}

const tooLarge = (limitBytes: number) =>
  new AppError('payload_too_large', {
    message: `The file is larger than the upload limit of ${Math.round(limitBytes / 1024 / 1024)} MB.`,
    details: { limitBytes },
  });
