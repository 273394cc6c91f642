import * as ws from 'ws';
import type { WebSocket } from 'ws';

/**
 * Fan-out frames: a room event is serialized once and framed once (WebSocket header + UTF-8 JSON in
 * one Buffer), then the same bytes are written to every socket of the audience. `ws.send` would build
 * a header, an options object and two writes per socket; here a socket costs one `write`.
 *
 * Events that arrive together (a burst of chat, a catch-up) are batched: after a socket's first frame
 * of a round, its further frames are corked and leave as one write when the round ends.
 * Everything else sent to that socket meanwhile (`ws.send`: errors, `you`, attendee counts) goes
 * through the same corked stream, so the order on the wire is the order of the calls.
 */
export interface Framed {
  /** The JSON text as UTF-8 (for a socket that cannot take a pre-built frame). */
  readonly json: Buffer;
  /** Header and payload of one unmasked, final text frame. */
  readonly frame: Buffer;
}

// ws builds the header the same way for its own sends (RFC 6455 §5.2). Its types do not list Sender;
// the ESM entry exports it by name, the CommonJS one on the default export.
type FrameFn = (data: Buffer, options: { fin: boolean; opcode: number; mask: boolean; readOnly: boolean; rsv1: boolean }) => Buffer[];
const wsExports = ws as unknown as { Sender?: { frame: FrameFn }; default?: { Sender?: { frame: FrameFn } } };
const Sender = (wsExports.Sender ?? wsExports.default?.Sender)!;

export function framed(json: Buffer): Framed {
  const frame = Buffer.concat(Sender.frame(json, { fin: true, opcode: 1, mask: false, readOnly: false, rsv1: false }));
  return { json: frame.subarray(frame.length - json.length), frame };
}

export const framedText = (text: string): Framed => framed(Buffer.from(text));

/** The parts of a `ws` socket a direct write needs (ws 8 keeps them on the instance). */
interface WsInternals {
  _socket?: { cork(): void; uncork(): void; write(b: Buffer): boolean; destroyed: boolean; writableLength: number } | null;
  _sender?: { _state: number } | null;
}

/** A corked socket holding this much is released at once: a long catch-up streams instead of piling up. */
const MAX_CORKED_BYTES = 64 * 1024;

/** ws's sender is idle (not compressing or reading a Blob): nothing of its own is queued before our bytes. */
const SENDER_IDLE = 0;

type RawSocket = NonNullable<WsInternals['_socket']>;

/** A socket's owner, remembering when it was last written to (one number, no per-write allocation). */
export interface FrameTarget {
  readonly ws: WebSocket;
  /** The fan-out round of its last direct write; equal to the current round: it is being batched. */
  wroteInRound: number;
}

/**
 * Fan-out rounds: a round ends once the current job and its microtasks are done. Within a round a
 * socket's first frame is written at once (a single event costs one write, no extra pass); later
 * frames of the same round are corked and leave together when the round ends.
 */
let round = 1;
let roundOpen = false;
/** Sockets corked in this round. */
const corked = new Set<RawSocket>();

function endRound(): void {
  roundOpen = false;
  round++;
  const batch = [...corked];
  corked.clear();
  for (const socket of batch) socket.uncork();
}

/**
 * Writes a pre-built frame to one socket (see above). Falls back to `ws.send` (same bytes on the
 * wire) when the socket is not a plain ws 8 socket or its sender has work queued. The caller has
 * checked that the socket is open.
 */
export function writeFrame(target: FrameTarget, f: Framed): void {
  const internals = target.ws as unknown as WsInternals;
  const socket = internals._socket;
  if (!socket || socket.destroyed || internals._sender?._state !== SENDER_IDLE) {
    target.ws.send(f.json, { binary: false });
    return;
  }
  if (!roundOpen) {
    roundOpen = true;
    process.nextTick(endRound);
  }
  if (target.wroteInRound === round) {
    if (!corked.has(socket)) {
      socket.cork();
      corked.add(socket);
    }
  } else target.wroteInRound = round;
  socket.write(f.frame);
  if (socket.writableLength > MAX_CORKED_BYTES && corked.delete(socket)) socket.uncork();
}
