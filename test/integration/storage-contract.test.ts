import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiskStorage } from '../../src/server/adapters/storage/disk-storage.js';
import { parseS3Url } from '../../src/server/adapters/storage/s3-storage.js';
import type { Storage } from '../../src/server/adapters/storage/storage.js';
import { S3Server } from '../factories/s3-server.js';

async function bytesOf(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** Streams `n` bytes in chunks, as an upload arrives. */
const streamOf = (buf: Buffer, chunk = 64 * 1024) => Readable.from((function* () {
  for (let i = 0; i < buf.length; i += chunk) yield buf.subarray(i, i + chunk);
})());

/** What every Storage adapter must do, run against the disk adapter and a real S3 server (issue 13 item 1). */
function contract(name: string, open: () => Promise<{ storage: Storage; dispose(): Promise<void> }>) {
  describe(`the storage contract on ${name}`, () => {
    let storage: Storage;
    let dispose: () => Promise<void>;
    beforeAll(async () => {
      ({ storage, dispose } = await open());
    }, 180_000);
    afterAll(async () => dispose?.());

    it('puts bytes and a stream, reads them whole and by range, and knows their size', async () => {
      expect(await storage.put('media/a/original.txt', Buffer.from('hello world'))).toEqual({ size: 11 });
      expect((await bytesOf(storage.get('media/a/original.txt'))).toString()).toBe('hello world');
      expect((await bytesOf(storage.get('media/a/original.txt', { start: 6, end: 10 }))).toString()).toBe('world');
      expect(await storage.size('media/a/original.txt')).toBe(11);

      const big = randomBytes(12 * 1024 * 1024 + 123); // more than one multipart part on S3
      expect(await storage.put('media/b/original.bin', streamOf(big))).toEqual({ size: big.length });
      expect(await storage.size('media/b/original.bin')).toBe(big.length);
      const tail = await bytesOf(storage.get('media/b/original.bin', { start: big.length - 1000, end: big.length - 1 }));
      expect(tail.equals(big.subarray(big.length - 1000))).toBe(true);
      expect((await bytesOf(storage.get('media/b/original.bin'))).equals(big)).toBe(true);
    }, 60_000);

    it('overwrites a key whole, and a missing key has no size and fails to read with ENOENT', async () => {
      await storage.put('media/c/x', Buffer.from('first version'));
      await storage.put('media/c/x', Buffer.from('2nd'));
      expect((await bytesOf(storage.get('media/c/x'))).toString()).toBe('2nd');
      expect(await storage.size('media/none/here')).toBeUndefined();
      await expect(bytesOf(storage.get('media/none/here'))).rejects.toMatchObject({ code: 'ENOENT' });
    });

    it('removes one key, and a prefix with everything under it but nothing beside it', async () => {
      await storage.put('media/d/one', Buffer.from('1'));
      await storage.remove('media/d/one');
      await storage.remove('media/d/never-was');
      expect(await storage.size('media/d/one')).toBeUndefined();

      for (const k of ['media/e/original.mp4', 'media/e/hls/r1/720p/seg_00001.ts', 'media/e/hls/r1/master.m3u8', 'media/ee/keep.txt']) await storage.put(k, Buffer.from(k));
      await storage.removePrefix('media/e/');
      expect(await storage.size('media/e/original.mp4')).toBeUndefined();
      expect(await storage.size('media/e/hls/r1/720p/seg_00001.ts')).toBeUndefined();
      expect(await storage.size('media/ee/keep.txt')).toBe('media/ee/keep.txt'.length);
      await storage.removePrefix('media/nothing-here/');
    });

    it('refuses a key that climbs out of its root', async () => {
      await expect(async () => storage.put('media/../../etc/passwd', Buffer.from('x'))).rejects.toThrow(/escapes/);
    });

    it('gives a fresh workspace per label, moves a finished file out of it, and reads a key as a local file', async () => {
      const ws = await storage.workspace('job-1');
      await ws.writeFile('left-over.txt', 'from a process that died');
      const again = await storage.workspace('job-1');
      expect(await again.list('')).toEqual([]);
      await again.writeFile('poster.jpg', Buffer.from('jpeg bytes'));
      await storage.putFile('media/f/poster.jpg', again, 'poster.jpg');
      expect((await bytesOf(storage.get('media/f/poster.jpg'))).toString()).toBe('jpeg bytes');
      expect(await again.readFile('poster.jpg')).toBeUndefined();

      await storage.put('media/f/original.mp4', Buffer.from('the original'));
      const local = await storage.localFile('media/f/original.mp4', again);
      expect(readFileSync(local, 'utf8')).toBe('the original');
      await again.dispose();
    });

    it('publishes a workspace under a prefix: every file, nested folders too, and the workspace is gone', async () => {
      const ws = await storage.workspace('publish-1');
      await ws.mkdir('720p');
      await ws.mkdir('thumbs');
      await ws.writeFile('720p/seg_00001.ts', Buffer.from('segment 1'));
      await ws.writeFile('720p/index.m3u8', '#EXTM3U\n#EXTINF:2,\nseg_00001.ts\n');
      await ws.writeFile('thumbs/0001.jpg', Buffer.from('thumb'));
      await ws.writeFile('master.m3u8', '#EXTM3U\n720p/index.m3u8\n');
      await storage.publish(ws, 'media/g/hls/r1/');
      for (const [k, v] of [
        ['media/g/hls/r1/720p/seg_00001.ts', 'segment 1'],
        ['media/g/hls/r1/thumbs/0001.jpg', 'thumb'],
        ['media/g/hls/r1/master.m3u8', '#EXTM3U\n720p/index.m3u8\n'],
      ]) expect((await bytesOf(storage.get(k))).toString(), k).toBe(v);
      expect(await ws.list('')).toEqual([]);
    });
  });
}

contract('local disk', async () => {
  const root = mkdtempSync(path.join(tmpdir(), 'foyer-disk-contract-'));
  return { storage: new DiskStorage(root), dispose: async () => rmSync(root, { recursive: true, force: true }) };
});

const s3Missing = S3Server.available();
if (s3Missing) {
  console.log(`storage contract on S3: skipped — ${s3Missing}`);
  describe.skip(`the storage contract on S3 (skipped: ${s3Missing})`, () => it('needs an S3 server', () => undefined));
} else {
  let server: S3Server | undefined;
  contract('S3 (radosgw)', async () => {
    server = await S3Server.start();
    const bucket = await server.bucket();
    return {
      storage: bucket.storage,
      dispose: async () => {
        await bucket.dispose();
        await server?.stop();
      },
    };
  });
}

describe('STORAGE_URL for S3', () => {
  it('reads the bucket, endpoint, region and prefix, path-style for a custom endpoint', () => {
    expect(parseS3Url('s3://media?endpoint=http%3A%2F%2F127.0.0.1%3A7480&region=eu-central-1&prefix=foyer')).toEqual({ bucket: 'media', prefix: 'foyer/', endpoint: 'http://127.0.0.1:7480', region: 'eu-central-1', forcePathStyle: true });
    expect(parseS3Url('s3://media/site-a/')).toMatchObject({ bucket: 'media', prefix: 'site-a/', endpoint: undefined, forcePathStyle: false });
    expect(() => parseS3Url('https://media')).toThrow(/STORAGE_URL must look like s3:\/\/bucket/);
  });
});
