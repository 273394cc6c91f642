import type { CreateInvitesResponse } from '../../../contracts/invites.js';
import type { PersonInput } from './parse-people.js';

export const CHUNK_SIZE = 500;

export interface SendProgress {
  /** People sent to the server so far (created or refused). */
  done: number;
  total: number;
  created: number;
  refused: number;
}

export interface SendOutcome {
  created: CreateInvitesResponse['created'];
  refused: CreateInvitesResponse['refused'];
  /** People that reached the server (the rest were never sent). */
  done: number;
  total: number;
  /** Stopped by the person between two chunks. */
  stopped: boolean;
  /** The request that failed; everything before it went through. */
  error?: unknown;
}

/**
 * Sends a list in chunks, one request after another, so a large list shows real progress and a failure
 * part-way leaves a clear account of who was invited. A stop request takes effect between chunks: a chunk
 * in flight is never abandoned, so the account stays exact.
 */
export async function sendInChunks(opts: {
  people: PersonInput[];
  send: (chunk: PersonInput[]) => Promise<CreateInvitesResponse>;
  onProgress?: (p: SendProgress) => void;
  shouldStop?: () => boolean;
  chunkSize?: number;
}): Promise<SendOutcome> {
  const size = opts.chunkSize ?? CHUNK_SIZE;
  const total = opts.people.length;
  const out: SendOutcome = { created: [], refused: [], done: 0, total, stopped: false };
  for (let i = 0; i < total; i += size) {
    if (opts.shouldStop?.()) {
      out.stopped = true;
      break;
    }
    const chunk = opts.people.slice(i, i + size);
    try {
      const res = await opts.send(chunk);
      out.created.push(...res.created);
      out.refused.push(...res.refused);
    } catch (err) {
      out.error = err;
      break;
    }
    out.done += chunk.length;
    opts.onProgress?.({ done: out.done, total, created: out.created.length, refused: out.refused.length });
  }
  return out;
}
