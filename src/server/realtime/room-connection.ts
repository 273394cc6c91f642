import type { WebSocket } from 'ws';
import { roomCloseCodes, type RoomStream, type ServerMessage } from '../../contracts/live.js';
import { AppError } from '../errors.js';
import type { Entered, RoomActor } from '../services/room.service.js';
import type { LocalRoom } from './local-room.js';
import type { Bucket } from './rate-limiter.js';
import { writeFrame, type FrameTarget, type Framed } from './frames.js';

let sequence = 0;

/** A client this far behind (bytes queued in the socket) is dropped; it reconnects and resumes from the database. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
const OPEN = 1;
const TEXT = { binary: false } as const;

/** Close code for an error that ends a connection: the browser stops retrying on these. */
export function closeCodeFor(err: AppError): number {
  if (err.status === 401) return roomCloseCodes.unauthenticated;
  if (err.status === 404) return roomCloseCodes.not_found;
  if (err.status === 410) return roomCloseCodes.gone;
  return roomCloseCodes.forbidden;
}

/**
 * One browser tab in a room: its socket, who it is, and the last sequence it has of each stream.
 * Kept small on purpose: a process holds thousands.
 */
export class RoomConnection implements Bucket, FrameTarget {
  /** Unique in this process; the presence table prefixes it with the process id. */
  readonly id = ++sequence;
  /** The socket's own frame budget (a rate-limit bucket kept inline: every frame counts, valid or not). */
  tokens = 0;
  at = 0;
  actor?: RoomActor;
  /** The room in this process, once joined. */
  local?: LocalRoom;
  muted = false;
  /** Last sequence delivered per stream; `staff` is undefined for roles that do not see the staff stream. */
  cursors: { public: number; staff?: number } = { public: 0 };
  /** Receiving live events (after its snapshot or replay). */
  attached = false;
  helloed = false;
  closed = false;
  /** Answered the last ping (or has not been pinged yet). */
  alive = true;
  /** The phase last told to this client (an interned key), so changes are sent once. */
  phase?: string;
  /** Admission in progress until hello takes it (then dropped, so the event view is not kept per socket). */
  entering?: Promise<Entered | undefined>;
  helloTimer?: NodeJS.Timeout;
  /** The room's access mark when admission began (RoomHub.accessMark); undefined: check again once attached. */
  accessMark?: number;
  /** Fan-out round of the last frame written directly (frames.ts). */
  wroteInRound = 0;
  /** The tail of this client's work, handled one job at a time, in order; undefined when idle. */
  private queue?: Promise<void>;

  constructor(
    readonly ws: WebSocket,
    readonly roomId: string,
    /** The session, to re-check access before every action and on access changes; follows a rotation (upgrade). */
    public sessionId: string | undefined,
    readonly userId: string | undefined,
  ) {}

  /** Runs a job after this client's earlier ones; failures go to `onError`. */
  enqueue(job: () => Promise<void> | void, onError: (err: unknown) => void): void {
    const next = (this.queue ?? Promise.resolve()).then(job).catch(onError);
    this.queue = next;
    void next.then(() => {
      if (this.queue === next) this.queue = undefined;
    });
  }

  sees(stream: RoomStream): boolean {
    return this.cursors[stream] !== undefined;
  }

  send(message: ServerMessage): void {
    this.sendRaw(JSON.stringify(message));
  }

  /** Sends a text frame. */
  sendRaw(json: string | Buffer): void {
    if (!this.writable()) return;
    this.ws.send(json, TEXT);
  }

  /** Sends a frame built once for a whole fan-out (see frames.ts): one write, batched with others of the same round. */
  sendFramed(f: Framed): void {
    if (!this.writable()) return;
    writeFrame(this, f);
  }

  /** Open and keeping up; a client too far behind is closed here. */
  private writable(): boolean {
    if (this.closed || this.ws.readyState !== OPEN) return false;
    if (this.ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.close(1013, 'Too far behind; reconnect to catch up.');
      return false;
    }
    return true;
  }

  sendError(err: unknown, ref?: string): void {
    this.send({ type: 'error', ...(ref ? { ref } : {}), ...AppError.from(err).toWire() });
  }

  /** Tells the client why, then closes with the matching code. */
  fail(err: AppError): void {
    if (this.closed) return;
    this.sendError(err);
    this.close(closeCodeFor(err), err.code);
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.attached = false;
    try {
      this.ws.close(code, reason.slice(0, 120));
    } catch {
      this.ws.terminate();
    }
  }
}
