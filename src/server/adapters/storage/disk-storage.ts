import { createReadStream, createWriteStream } from 'node:fs';
import { appendFile, mkdir, readdir, readFile, rename, rm, stat, statfs, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StorageFullError, type ByteRange, type Storage, type Workspace } from './storage.js';

/** The file system has no room (or the quota is reached). */
const isNoSpace = (err: unknown) => ['ENOSPC', 'EDQUOT'].includes((err as NodeJS.ErrnoException | null)?.code ?? '');

/** Scratch workspaces live inside the root so that publishing is one rename on the same file system. */
const WORK_DIR = '.work';

/** Media on a local (or shared network) disk: the default, and what a single machine needs. */
export class DiskStorage implements Storage {
  private readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  private pathOf(key: string): string {
    const full = path.resolve(this.root, key.replace(/\/$/, ''));
    if (!full.startsWith(this.root + path.sep)) throw new Error(`storage key escapes the root: ${key}`);
    return full;
  }

  async put(key: string, body: Readable | Buffer): Promise<{ size: number }> {
    const target = this.pathOf(key);
    const tmp = `${target}.partial-${process.pid}-${randomBytes(4).toString('hex')}`;
    try {
      if (Buffer.isBuffer(body)) {
        // bytes in hand (live segments, several a second): one write; the folder is made only when missing
        await writeFile(tmp, body).catch(async (err: NodeJS.ErrnoException) => {
          if (err.code !== 'ENOENT') throw err;
          await mkdir(path.dirname(target), { recursive: true });
          await writeFile(tmp, body);
        });
        await rename(tmp, target);
        return { size: body.length };
      }
      await mkdir(path.dirname(target), { recursive: true });
      await pipeline(body, createWriteStream(tmp));
      await rename(tmp, target);
    } catch (err) {
      await rm(tmp, { force: true });
      throw isNoSpace(err) ? new StorageFullError(err) : err;
    }
    return { size: (await stat(target)).size };
  }

  async putFile(key: string, ws: Workspace, relative: string): Promise<void> {
    const target = this.pathOf(key);
    const from = ws.path(relative);
    try {
      // workspaces live under the root: the same file system, so a rename (the folder made only when missing)
      await rename(from, target).catch(async (err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err;
        await mkdir(path.dirname(target), { recursive: true });
        await rename(from, target);
      });
    } catch (err) {
      throw isNoSpace(err) ? new StorageFullError(err) : err;
    }
  }

  get(key: string, range?: ByteRange): Readable {
    return createReadStream(this.pathOf(key), range);
  }

  async size(key: string): Promise<number | undefined> {
    try {
      const s = await stat(this.pathOf(key));
      return s.isFile() ? s.size : undefined;
    } catch {
      return undefined;
    }
  }

  async remove(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  async removePrefix(prefix: string): Promise<void> {
    // Retries: a transcode still writing into the folder can make one pass find it not empty.
    await rm(this.pathOf(prefix), { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
  }

  async workspace(label: string): Promise<Workspace> {
    return freshWorkspace(path.join(this.root, WORK_DIR), label);
  }

  async localFile(key: string): Promise<string> {
    return this.pathOf(key);
  }

  async publish(ws: Workspace, prefix: string): Promise<void> {
    const target = this.pathOf(prefix);
    await mkdir(path.dirname(target), { recursive: true });
    // A rename is atomic: the folder appears complete or not at all.
    await rename(ws.dir, target);
  }
}

/** An empty scratch folder for `label` under `parent`; leftovers of an attempt whose process died carry the same label. */
export async function freshWorkspace(parent: string, label: string): Promise<DiskWorkspace> {
  const safe = label.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 120);
  const dir = path.join(parent, safe);
  await rm(dir, { recursive: true, force: true, maxRetries: 3 });
  await mkdir(dir, { recursive: true });
  return new DiskWorkspace(dir);
}

/** A scratch folder on local disk (disk storage's, and object storage's local scratch). */
export class DiskWorkspace implements Workspace {
  constructor(readonly dir: string) {}

  path(relative: string): string {
    const full = path.resolve(this.dir, relative);
    if (full !== this.dir && !full.startsWith(this.dir + path.sep)) throw new Error(`workspace path escapes the folder: ${relative}`);
    return full;
  }

  async mkdir(relative: string): Promise<void> {
    await mkdir(this.path(relative), { recursive: true });
  }

  async writeFile(relative: string, content: string | Buffer): Promise<void> {
    await writeFile(this.path(relative), content);
  }

  async list(relative: string): Promise<string[]> {
    return readdir(this.path(relative)).catch(() => []);
  }

  async append(relative: string, content: Buffer): Promise<void> {
    try {
      await appendFile(this.path(relative), content);
    } catch (err) {
      if (isNoSpace(err)) throw new StorageFullError(err);
      throw err;
    }
  }

  async readFile(relative: string): Promise<Buffer | undefined> {
    return readFile(this.path(relative)).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return undefined;
      throw err;
    });
  }

  readStream(relative: string): Readable {
    return createReadStream(this.path(relative));
  }

  async remove(relative: string): Promise<void> {
    await rm(this.path(relative), { force: true });
  }

  async freeBytes(): Promise<number> {
    const s = await statfs(this.dir);
    return s.bavail * s.bsize;
  }

  async dispose(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true, maxRetries: 3 });
  }
}
