import { DeleteObjectCommand, DeleteObjectsCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough, Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { freshWorkspace } from './disk-storage.js';
import { StorageFullError, type ByteRange, type PresignOptions, type Storage, type Workspace } from './storage.js';

/** Where the objects are: `s3://bucket?endpoint=…&region=…&prefix=…` (STORAGE_URL; docs/operations.md). */
export interface S3Location {
  bucket: string;
  /** Key prefix inside the bucket ("foyer/"), empty for the bucket's root. */
  prefix: string;
  endpoint?: string;
  region: string;
  /** Path-style addresses (http://host/bucket/key): on by default for a custom endpoint. */
  forcePathStyle: boolean;
}

/** Reads STORAGE_URL's s3:// form; throws with a readable message when it is not one. */
export function parseS3Url(url: string): S3Location {
  const u = new URL(url);
  if (u.protocol !== 's3:' || !u.hostname) throw new Error(`STORAGE_URL must look like s3://bucket?endpoint=http://host:port&region=us-east-1 (got ${url})`);
  const endpoint = u.searchParams.get('endpoint') ?? undefined;
  const prefix = (u.searchParams.get('prefix') ?? u.pathname.replace(/^\/+/, '')).replace(/^\/+/, '');
  return {
    bucket: u.hostname,
    prefix: prefix && !prefix.endsWith('/') ? `${prefix}/` : prefix,
    endpoint,
    region: u.searchParams.get('region') ?? process.env.AWS_REGION ?? 'us-east-1',
    forcePathStyle: (u.searchParams.get('forcePathStyle') ?? (endpoint ? 'true' : 'false')) === 'true',
  };
}

/**
 * An S3 client for any S3-compatible server. Checksums only where the API requires them: the SDK's
 * default (a checksum on every upload) makes some servers (Ceph's radosgw) refuse streamed bodies
 * with 411. Credentials come from the usual AWS variables or profile.
 */
export function s3Client(loc: S3Location, extra: Partial<S3ClientConfig> = {}): S3Client {
  return new S3Client({
    region: loc.region,
    endpoint: loc.endpoint,
    forcePathStyle: loc.forcePathStyle,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 3,
    ...extra,
  });
}

const errName = (err: unknown) => (err as { name?: string; Code?: string } | null)?.name ?? (err as { Code?: string } | null)?.Code ?? '';
const isMissing = (err: unknown) => ['NoSuchKey', 'NotFound', 'NoSuchBucket'].includes(errName(err)) || (err as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode === 404;
const isFull = (err: unknown) => ['QuotaExceeded', 'EntityTooLarge'].includes(errName(err));

/** The same error a file system gives for a missing file, so callers need not know the store. */
const notFound = (key: string, cause: unknown) => Object.assign(new Error(`no such stored object: ${key}`, { cause }), { code: 'ENOENT' });

/** Rendition playlists before the master playlist, which names them (so it never names a missing one). */
const masterLast = (a: string, b: string) => Number(path.basename(a) === 'master.m3u8') - Number(path.basename(b) === 'master.m3u8') || a.localeCompare(b);

async function filesUnder(dir: string, rel = ''): Promise<string[]> {
  const entries = await readdir(path.join(dir, rel), { withFileTypes: true }).catch(() => []);
  const out: string[] = [];
  for (const e of entries) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await filesUnder(dir, r)));
    else if (e.isFile()) out.push(r);
  }
  return out;
}

/**
 * Media in S3-compatible object storage (AWS S3, Ceph radosgw, MinIO…). Objects appear whole when
 * their upload completes; a published rendition's playlists go up after its segments (the master
 * playlist last), and the database marks it ready only after `publish` returns. Scratch workspaces
 * (ffmpeg's output) stay on local disk under `scratchDir`.
 */
export class S3Storage implements Storage {
  constructor(
    private readonly client: S3Client,
    private readonly loc: S3Location,
    private readonly scratchDir: string,
  ) {}

  private keyOf(key: string): string {
    if (key.split('/').some((p) => p === '..' || p === '.')) throw new Error(`storage key escapes the root: ${key}`);
    return `${this.loc.prefix}${key.replace(/^\/+/, '')}`;
  }

  async put(key: string, body: Readable | Buffer): Promise<{ size: number }> {
    let size = 0;
    const counted = Buffer.isBuffer(body)
      ? body
      : body.pipe(
          new Transform({
            transform(chunk: Buffer, _enc, done) {
              size += chunk.length;
              done(null, chunk);
            },
          }),
        );
    try {
      await new Upload({ client: this.client, params: { Bucket: this.loc.bucket, Key: this.keyOf(key), Body: counted }, queueSize: 2, partSize: 8 * 1024 * 1024 }).done();
    } catch (err) {
      if (!Buffer.isBuffer(body)) body.destroy();
      throw isFull(err) ? new StorageFullError(err) : err;
    }
    return { size: Buffer.isBuffer(body) ? body.length : size };
  }

  async putFile(key: string, ws: Workspace, relative: string): Promise<void> {
    await this.put(key, createReadStream(ws.path(relative)));
    await ws.remove(relative);
  }

  get(key: string, range?: ByteRange): Readable {
    const out = new PassThrough();
    this.client
      .send(new GetObjectCommand({ Bucket: this.loc.bucket, Key: this.keyOf(key), Range: range ? `bytes=${range.start}-${range.end}` : undefined }))
      .then((res) => {
        const body = res.Body as Readable;
        body.on('error', (err) => out.destroy(err));
        body.pipe(out);
        out.on('close', () => body.destroy());
      })
      .catch((err: unknown) => out.destroy(isMissing(err) ? notFound(key, err) : (err as Error)));
    return out;
  }

  /** A presigned GET of the object (Signature V4, computed locally: no request to the server). */
  presignGet(key: string, opts: PresignOptions): Promise<string> {
    const command = new GetObjectCommand({
      Bucket: this.loc.bucket,
      Key: this.keyOf(key),
      ResponseContentType: opts.contentType,
      ResponseContentDisposition: opts.contentDisposition,
      ResponseCacheControl: opts.cacheControl,
    });
    return getSignedUrl(this.client, command, { expiresIn: opts.expiresInSeconds });
  }

  async size(key: string): Promise<number | undefined> {
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.loc.bucket, Key: this.keyOf(key) }));
      return head.ContentLength ?? 0;
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
  }

  async remove(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.loc.bucket, Key: this.keyOf(key) }));
  }

  async removePrefix(prefix: string): Promise<void> {
    const full = this.keyOf(prefix.endsWith('/') ? prefix : `${prefix}/`);
    let token: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.loc.bucket, Prefix: full, ContinuationToken: token, MaxKeys: 1000 }));
      const keys = (page.Contents ?? []).flatMap((o) => (o.Key ? [{ Key: o.Key }] : []));
      if (keys.length) await this.client.send(new DeleteObjectsCommand({ Bucket: this.loc.bucket, Delete: { Objects: keys, Quiet: true } }));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async workspace(label: string): Promise<Workspace> {
    return freshWorkspace(this.scratchDir, label);
  }

  async localFile(key: string, ws: Workspace): Promise<string> {
    const target = ws.path(`_download/${path.basename(key)}`);
    await mkdir(path.dirname(target), { recursive: true });
    await pipeline(this.get(key), createWriteStream(target));
    return target;
  }

  async publish(ws: Workspace, prefix: string): Promise<void> {
    const base = prefix.endsWith('/') ? prefix : `${prefix}/`;
    const files = (await filesUnder(ws.dir)).filter((f) => !f.startsWith('_download/'));
    // segments and pictures first (a few at a time), then the playlists that name them, the master last
    const playlists = files.filter((f) => f.endsWith('.m3u8')).sort(masterLast);
    const rest = files.filter((f) => !f.endsWith('.m3u8'));
    for (let i = 0; i < rest.length; i += 4) await Promise.all(rest.slice(i, i + 4).map((f) => this.put(`${base}${f}`, createReadStream(ws.path(f)))));
    for (const f of playlists) await this.put(`${base}${f}`, createReadStream(ws.path(f)));
    await ws.dispose();
  }
}
