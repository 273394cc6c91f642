import type { Readable } from 'node:stream';

/** The storage has no room left (disk full, quota reached): nothing of this write was kept. */
export class StorageFullError extends Error {
  constructor(cause?: unknown) {
    super('media storage is full', { cause });
    this.name = 'StorageFullError';
  }
}

export const isStorageFull = (err: unknown): err is StorageFullError => err instanceof StorageFullError;

/** What a presigned URL answers with (S3's response-* overrides). */
export interface PresignOptions {
  expiresInSeconds: number;
  contentType: string;
  contentDisposition: string;
  cacheControl: string;
}

/** A byte range, both ends inclusive (as in HTTP Range). */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * A local scratch folder for tools that need real files (ffmpeg writes HLS into one). Made by
 * `Storage.workspace()`; its files become visible to viewers only through `Storage.publish()`.
 */
export interface Workspace {
  /** Absolute path of the folder, for tools' command lines. */
  readonly dir: string;
  /** Absolute path of a file or folder inside the workspace. */
  path(relative: string): string;
  mkdir(relative: string): Promise<void>;
  writeFile(relative: string, content: string | Buffer): Promise<void>;
  /** Names of the files in a sub-folder ([] when it does not exist). */
  list(relative: string): Promise<string[]>;
  /** Appends bytes to a file (made when missing). */
  append(relative: string, content: Buffer): Promise<void>;
  /** A file's bytes, or undefined when it does not exist (yet). */
  readFile(relative: string): Promise<Buffer | undefined>;
  /** Streams a file. */
  readStream(relative: string): Readable;
  /** Removes a file (nothing happens when it does not exist). */
  remove(relative: string): Promise<void>;
  /** Bytes still free on the disk under the workspace (what a tool writing into it may use). */
  freeBytes(): Promise<number>;
  /** Removes the folder and everything in it. Safe to call twice. */
  dispose(): Promise<void>;
}

/**
 * Where media bytes live. Keys are relative paths such as "media/<id>/original.mp4" (see
 * domain/storage-keys.ts); a key ending in "/" is a prefix. Nothing outside an adapter touches
 * the bytes any other way, so disk and object storage are interchangeable.
 */
export interface Storage {
  /** Writes the body under a temporary name and makes it visible only once complete. */
  put(key: string, body: Readable | Buffer): Promise<{ size: number }>;
  /**
   * Moves a finished file out of a workspace under a key, made visible at once (disk: one rename on
   * the same file system; object storage: an upload, then the local file goes).
   */
  putFile(key: string, ws: Workspace, relative: string): Promise<void>;
  /** Streams a key, or a byte range of it. */
  get(key: string, range?: ByteRange): Readable;
  /** Size in bytes, or undefined when the key does not exist. */
  size(key: string): Promise<number | undefined>;
  /**
   * Object storage only: a URL that serves the key directly for `expiresInSeconds`, answering with the
   * given headers (MEDIA_DELIVERY=redirect). Absent on stores that cannot (local disk).
   */
  presignGet?(key: string, opts: PresignOptions): Promise<string>;
  /** Removes one key (nothing happens when it does not exist). */
  remove(key: string): Promise<void>;
  /** Removes every key under a prefix ("media/<id>/"). */
  removePrefix(prefix: string): Promise<void>;
  /**
   * A fresh, empty scratch workspace. One label is one workspace: whatever an earlier holder of the
   * label left behind (a process that died mid-job) is cleared first.
   */
  workspace(label: string): Promise<Workspace>;
  /** A local file with the key's bytes, for tools that read files (ffmpeg); inside `ws` when a copy is needed. */
  localFile(key: string, ws: Workspace): Promise<string>;
  /**
   * Publishes a finished workspace under a prefix, all at once: readers see either nothing or every
   * file. The workspace is consumed (disposed) by a successful publish.
   */
  publish(ws: Workspace, prefix: string): Promise<void>;
}
