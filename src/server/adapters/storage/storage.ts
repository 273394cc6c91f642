import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';

/** Where media bytes live. Keys are relative paths such as "media/<id>/original". */
export interface Storage {
  /** Writes the stream under a temporary name and makes it visible only once complete. */
  put(key: string, body: Readable): Promise<{ size: number }>;
  get(key: string, range?: { start: number; end: number }): Readable;
  size(key: string): Promise<number | undefined>;
  /** Removes a key or, with a trailing slash, everything under it. */
  remove(key: string): Promise<void>;
  /** Local path of a key, for tools that need a file (ffmpeg) and for zero-copy sends. */
  localPath(key: string): string;
}

export class DiskStorage implements Storage {
  constructor(private readonly root: string) {}

  localPath(key: string): string {
    const full = path.resolve(this.root, key);
    if (!full.startsWith(path.resolve(this.root) + path.sep)) throw new Error(`storage key escapes the root: ${key}`);
    return full;
  }

  async put(key: string, body: Readable): Promise<{ size: number }> {
    const target = this.localPath(key);
    await mkdir(path.dirname(target), { recursive: true });
    const tmp = `${target}.partial-${process.pid}-${Date.now()}`;
    try {
      await pipeline(body, createWriteStream(tmp));
      await rename(tmp, target);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
    return { size: (await stat(target)).size };
  }

  get(key: string, range?: { start: number; end: number }): Readable {
    return createReadStream(this.localPath(key), range);
  }

  async size(key: string): Promise<number | undefined> {
    try {
      return (await stat(this.localPath(key))).size;
    } catch {
      return undefined;
    }
  }

  async remove(key: string): Promise<void> {
    // Retries: a transcode still writing into the folder can make one pass find it not empty.
    await rm(this.localPath(key.replace(/\/$/, '')), { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
  }
}
