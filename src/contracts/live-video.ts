import { z } from 'zod';

/**
 * Live video (webcast from the browser, DIY live over RTMP): the stream's state as every role sees
 * it, the per-visitor playback answer, and the ingest socket's messages. docs/live-video.md.
 */

/**
 * - `waiting`: nothing broadcast yet ("the broadcast will start soon").
 * - `live`: segments are coming.
 * - `reconnecting`: the publisher dropped (tab closed, network, encoder restart, packager restart);
 *   the same person or key may continue within the reconnect window.
 * - `paused`: the speaker paused; the broadcast continues when they resume.
 * - `ended`: over for this event; `reason` says why. The recording follows.
 */
export const liveStreamStates = ['waiting', 'live', 'reconnecting', 'paused', 'ended'] as const;
export type LiveStreamState = (typeof liveStreamStates)[number];

/** Why a broadcast ended: the publisher stopped, did not come back within the window, the event ended, storage filled up, or the packager could not go on. */
export const liveEndReasons = ['stopped', 'interrupted', 'event_ended', 'storage_full', 'failed'] as const;
export type LiveEndReason = (typeof liveEndReasons)[number];

export const liveSources = ['webcast', 'rtmp'] as const;
export type LiveSource = (typeof liveSources)[number];

export const liveStreamStatusSchema = z.object({
  state: z.enum(liveStreamStates),
  /** Set when `state` is `ended`. */
  reason: z.enum(liveEndReasons).nullable(),
  /** Where the video comes from while there is a broadcast. */
  source: z.enum(liveSources).nullable(),
  /** The person broadcasting (webcast), or null (RTMP, or no broadcast). */
  publisherName: z.string().nullable(),
  /** When the current state began (ISO). */
  since: z.string().nullable(),
  /** While `reconnecting`: until when the publisher may continue the same stream (ISO). */
  reconnectUntil: z.string().nullable(),
});
export type LiveStreamStatusDto = z.infer<typeof liveStreamStatusSchema>;

/** `GET /api/events/:id/live`: this visitor's signed playlist and what they may do. */
export const livePlaybackSchema = z.object({
  status: liveStreamStatusSchema,
  /**
   * The master playlist, signed for this visitor (the signature sits in the path, so the relative
   * segment URIs inherit it); null before the first segment and after the broadcast is gone.
   */
  playlistUrl: z.string().nullable(),
  /** When `playlistUrl` stops working (ISO); ask again before. */
  expiresAt: z.string(),
  /** Owners and speakers of a webcast (the capability table's `stream.broadcast`). */
  canBroadcast: z.boolean(),
  /** The ingest socket's path, for those who may broadcast a webcast; null otherwise. */
  ingestUrl: z.string().nullable(),
});
export type LivePlaybackDto = z.infer<typeof livePlaybackSchema>;

/** Ingest limits, also the browser's: MediaRecorder chunks are cut at `chunkMs`, each frame at most `frameBytes`. */
export const ingestLimits = {
  frameBytes: 2 * 1024 * 1024,
  chunkMs: 200,
  keyFrameIntervalMs: 1000,
} as const;

/** Container and codec strings a webcast may send, best first; the browser takes the first `MediaRecorder.isTypeSupported` accepts. */
export const webcastMimeTypes = [
  'video/webm;codecs=h264,opus',
  'video/webm;codecs=avc1,opus',
  'video/webm;codecs=vp8,opus',
  'video/webm;codecs=vp9,opus',
  'video/webm;codecs=h264',
  'video/webm;codecs=vp8',
  'video/webm',
] as const;
export type WebcastMimeType = (typeof webcastMimeTypes)[number];

/**
 * The ingest socket, `/api/events/:id/ingest` (session cookie, Origin = PUBLIC_URL): text frames are
 * JSON control messages, binary frames the MediaRecorder's bytes in order. `start` first; after
 * `ready`, binary frames; `pause`/`resume` around MediaRecorder.pause()/resume() (the same WebM
 * stream continues); `stop` ends the broadcast for the event. A socket that closes without `stop` is
 * a drop: the same person may start again within the reconnect window and the stream continues.
 */
export const ingestClientMessageSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('start'),
    mimeType: z.enum(webcastMimeTypes),
    /** Owners only: end whoever is broadcasting now and continue the stream from this socket. */
    takeover: z.boolean().default(false),
  }),
  z.object({ type: z.literal('pause') }),
  z.object({ type: z.literal('resume') }),
  z.object({ type: z.literal('stop') }),
]);
export type IngestClientMessage = z.infer<typeof ingestClientMessageSchema>;
export type IngestClientMessageInput = z.input<typeof ingestClientMessageSchema>;

export const ingestServerMessageSchema = z.discriminatedUnion('type', [
  /** Send the bytes now. */
  z.object({ type: z.literal('ready'), status: liveStreamStatusSchema }),
  z.object({ type: z.literal('status'), status: liveStreamStatusSchema }),
  /** Followed by a close with one of `ingestCloseCodes`, unless the error is about one message only. */
  z.object({ type: z.literal('error'), error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }) }),
]);
export type IngestServerMessage = z.infer<typeof ingestServerMessageSchema>;

/** Ingest close codes; the browser's Go live panel shows the error that came just before. */
export const ingestCloseCodes = {
  /** `stop` was handled: the broadcast is over. */
  stopped: 4000,
  unauthenticated: 4401,
  /** Not a broadcaster (viewer, moderator), or not this kind of event. */
  forbidden: 4403,
  not_found: 4404,
  /** Someone else is live (`stream_busy`), or an owner took over from this socket. */
  busy: 4409,
  /** The event has not started (before early entry) or has ended, or access is gone. */
  gone: 4410,
  /** A frame over `ingestLimits.frameBytes`. */
  too_large: 4413,
  /** Bytes ffmpeg cannot read (`stream_unreadable`), or a message that is not valid. */
  unreadable: 4422,
  /** The server runs as many live sessions as it may (`live_capacity`). */
  capacity: 4503,
  /** Storage is full: the broadcast stopped; what was recorded so far is kept. */
  storage_full: 4507,
} as const;

/** `GET/POST /api/events/:id/stream-key` (DIY live, owners only): the RTMP server and, right after a regenerate only, the key itself. */
export const streamKeySchema = z.object({
  /** e.g. rtmp://foyer.example.org:1935/live; null when RTMP is off on this site (RTMP_PORT=0). */
  serverUrl: z.string().nullable(),
  /** The key, shown once when made; stored as a hash, so later answers carry null. */
  streamKey: z.string().nullable(),
  /** When the current key was made (ISO), or null when the event has none yet. */
  createdAt: z.string().nullable(),
});
export type StreamKeyDto = z.infer<typeof streamKeySchema>;
