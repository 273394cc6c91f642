import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { resolveFfmpegPath } from '../../src/server/adapters/media/ffmpeg-path.js';

const cacheDir = path.join(tmpdir(), 'foyer-fixtures');

/** A short real video made with ffmpeg (cached per machine): H.264 + AAC in MP4. */
export function makeVideo(opts: { seconds?: number; name?: string } = {}): { path: string; bytes: Buffer } {
  const seconds = opts.seconds ?? 3;
  mkdirSync(cacheDir, { recursive: true });
  const file = path.join(cacheDir, opts.name ?? `clip-${seconds}s.mp4`);
  if (!existsSync(file)) {
    execFileSync(resolveFfmpegPath(), [
      '-y', '-loglevel', 'error',
      '-f', 'lavfi', '-i', `testsrc=size=320x240:rate=25:duration=${seconds}`,
      '-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`,
      '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-preset', 'ultrafast',
      '-c:a', 'aac', '-b:a', '64k', '-shortest', '-movflags', '+faststart', file,
    ]);
  }
  return { path: file, bytes: readFileSync(file) };
}

/** A 1×1 PNG: enough for a photo or a cover (the server judges images by their bytes). */
export const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

/** A tiny valid PDF of `pages` pages (one line of text each). */
export function makePdf(text = 'Hello from Foyer', pages = 1): Buffer {
  // objects: 1 catalog, 2 pages, 3 font, then a page and its contents per page
  const pageIds = Array.from({ length: pages }, (_, i) => 4 + i * 2);
  const objects: string[] = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${pages} >>`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  for (let i = 0; i < pages; i++) {
    const stream = `BT /F1 18 Tf 20 70 Td (${pages > 1 ? `${text} ${i + 1}` : text}) Tj ET`;
    objects.push(`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 144] /Contents ${pageIds[i]! + 1} 0 R /Resources << /Font << /F1 3 0 R >> >> >>`);
    objects.push(`<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`);
  }
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

/** A multipart/form-data body with one file field. */
export function multipart(fileName: string, bytes: Buffer, field = 'file'): { body: Buffer; headers: Record<string, string> } {
  const boundary = '----foyer' + Math.random().toString(16).slice(2);
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${fileName}"\r\nContent-Type: application/octet-stream\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return { body: Buffer.concat([head, bytes, tail]), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** A short real audio file made with ffmpeg (cached per machine): AAC in an M4A container. */
export function makeAudio(opts: { seconds?: number; name?: string } = {}): { path: string; bytes: Buffer } {
  const seconds = opts.seconds ?? 3;
  mkdirSync(cacheDir, { recursive: true });
  const file = path.join(cacheDir, opts.name ?? `tone-${seconds}s.m4a`);
  if (!existsSync(file)) {
    execFileSync(resolveFfmpegPath(), [
      '-y', '-loglevel', 'error',
      '-f', 'lavfi', '-i', `sine=frequency=330:duration=${seconds}`,
      '-c:a', 'aac', '-b:a', '64k', '-movflags', '+faststart', file,
    ]);
  }
  return { path: file, bytes: readFileSync(file) };
}

/** A real video of any size and length (cached), for ladder and timing tests. */
export function makeSizedVideo(opts: { width: number; height: number; seconds: number; rate?: number }): { path: string; bytes: Buffer } {
  const name = `clip-${opts.width}x${opts.height}-${opts.seconds}s-${opts.rate ?? 25}.mp4`;
  mkdirSync(cacheDir, { recursive: true });
  const file = path.join(cacheDir, name);
  if (!existsSync(file)) {
    execFileSync(resolveFfmpegPath(), [
      '-y', '-loglevel', 'error',
      '-f', 'lavfi', '-i', `testsrc=size=${opts.width}x${opts.height}:rate=${opts.rate ?? 25}:duration=${opts.seconds}`,
      '-f', 'lavfi', '-i', `sine=frequency=440:duration=${opts.seconds}`,
      '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-preset', 'ultrafast',
      '-c:a', 'aac', '-b:a', '64k', '-shortest', '-movflags', '+faststart', file,
    ]);
  }
  return { path: file, bytes: readFileSync(file) };
}


/** Bytes that pass the upload's content sniffing as MP4 (a real ftyp box) but that ffmpeg cannot decode. */
export function makeCorruptVideo(): Buffer {
  const ftyp = makeVideo({ seconds: 1 }).bytes.subarray(0, 32);
  const junk = Buffer.alloc(64 * 1024);
  for (let i = 0; i < junk.length; i++) junk[i] = (i * 7919 + 13) % 251;
  return Buffer.concat([ftyp, junk]);
}

/**
 * The original file of a media item as a browser gets it: playback URLs first (the access check),
 * then the signed file URL. A refused playback call is returned as it is (the access refusal).
 */
export async function fileOf(agent: import('./app.js').Agent, mediaId: string, headers: Record<string, string> = {}) {
  const pb = await agent.get(`/api/media/${mediaId}/playback`);
  if (pb.statusCode !== 200) return pb;
  const url = (pb.json() as { fileUrl: string | null }).fileUrl;
  if (!url) throw new Error(`no file URL in the playback answer for ${mediaId}`);
  return agent.request('GET', url, undefined, headers);
}
