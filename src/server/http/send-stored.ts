import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ByteRange, Storage } from '../adapters/storage/storage.js';
import { AppError } from '../errors.js';

const CONTENT_TYPES: Record<string, string> = {
  m3u8: 'application/vnd.apple.mpegurl',
  ts: 'video/mp2t',
  m4s: 'video/iso.segment',
  mp4: 'video/mp4',
  m4v: 'video/mp4',
  mov: 'video/quicktime',
  webm: 'video/webm',
  mkv: 'video/x-matroska',
  avi: 'video/x-msvideo',
  mp3: 'audio/mpeg',
  m4a: 'audio/mp4',
  aac: 'audio/aac',
  wav: 'audio/wav',
  ogg: 'audio/ogg',
  oga: 'audio/ogg',
  opus: 'audio/ogg',
  flac: 'audio/flac',
  vtt: 'text/vtt; charset=utf-8',
  pdf: 'application/pdf',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  gif: 'image/gif',
};

export const contentTypeOf = (key: string): string => CONTENT_TYPES[key.split('.').pop()?.toLowerCase() ?? ''] ?? 'application/octet-stream';

/**
 * The byte range a `Range` header asks of a file of `size` bytes: undefined for the whole file
 * (no header, several ranges, or a unit we do not know), 'unsatisfiable' when it lies outside.
 */
export function parseRange(header: string | undefined, size: number): ByteRange | 'unsatisfiable' | undefined {
  if (!header) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}

/** Streams a stored file with HTTP Range support (players seek with it); HEAD answers the headers only. */
export async function sendStored(request: FastifyRequest, reply: FastifyReply, opts: { storage: Storage; key: string; contentType?: string }) {
  const size = await opts.storage.size(opts.key);
  if (size === undefined) throw new AppError('not_found', { message: 'This file is not there.' });
  reply.header('Accept-Ranges', 'bytes');
  reply.header('Content-Type', opts.contentType ?? contentTypeOf(opts.key));
  const range = parseRange(request.headers.range, size);
  if (range === 'unsatisfiable') {
    reply.header('Content-Range', `bytes */${size}`);
    return reply.code(416).send(new AppError('validation_failed', { message: 'The requested range is outside the file.' }).toWire());
  }
  if (range) {
    reply.code(206).header('Content-Range', `bytes ${range.start}-${range.end}/${size}`);
    reply.header('Content-Length', range.end - range.start + 1);
  } else {
    reply.header('Content-Length', size);
  }
  if (request.method === 'HEAD') return reply.send();
  return reply.send(opts.storage.get(opts.key, range));
}
