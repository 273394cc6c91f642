import type { LiveEndReason, LiveSource, LiveStreamStatusDto } from '../../../contracts/live-video.js';

/**
 * What an ingest (the webcast socket, the RTMP listener) hands the live stream service, and what it
 * gets back. One live stream per event; a publisher is one connection feeding it.
 */

/** Who is publishing. `personKey` says who may continue the same stream after a drop. */
export interface Publisher {
  source: LiveSource;
  /** Webcast: the room person key (`e:<email>` / `u:<id>`, domain/room-person.ts). RTMP: `key`, since the stream key is the publisher. */
  personKey: string;
  /** Shown to the room while this person broadcasts (webcast); null for RTMP. */
  name: string | null;
  /** Owners may take over from whoever is live now. */
  takeover: boolean;
}

/** Where the packager (one ffmpeg) reads the broadcast from. */
export type PackagerInput =
  /** WebM bytes written through `Publication.write` (MediaRecorder). */
  | { kind: 'pipe'; videoCodec: 'h264' | 'vp8' | 'vp9' | 'unknown' }
  /** A URL ffmpeg pulls from, e.g. the embedded RTMP server's loopback play URL. */
  | { kind: 'url'; url: string };

/** One publisher's connection to an event's live stream. */
export interface Publication {
  readonly mediaId: string;
  /** The next bytes of a `pipe` input, in order. Returns false once the publication is over. */
  write(chunk: Buffer): boolean;
  /** MediaRecorder.pause(): the stream shows `paused` until `resume`. */
  pause(): void;
  resume(): void;
  /** The publisher ends the broadcast for the event (final: the recording follows). */
  stop(): Promise<void>;
  /** The connection went away without `stop`: the stream waits for a reconnect within the window. */
  drop(): void;
  /**
   * Called once when this publication ends for a reason other than the publisher's own stop/drop:
   * taken over (`stream_busy`), the event ended, storage full, unreadable input, packager failure.
   * The ingest closes its connection with that reason.
   */
  onEnd(listener: (end: PublicationEnd) => void): void;
}

export interface PublicationEnd {
  reason: LiveEndReason | 'taken_over';
  /** The error code for the connection ('stream_busy', 'event_ended', 'storage_full', 'stream_unreadable', 'internal_error'). */
  code: string;
  message: string;
}

/** The part of the live stream service an ingest uses. */
export interface LivePublishing {
  /**
   * Starts or continues the event's live stream from this publisher. Refuses with AppError:
   * `forbidden` (kind of event, role), `event_not_started` (details.phase, details.enterAt),
   * `event_ended`, `stream_busy` (someone else is live and this is no takeover), `live_capacity`.
   */
  begin(mediaId: string, publisher: Publisher, input: PackagerInput): Promise<Publication>;
  /** The stream's status now (for an ingest's `ready` message and for the room). */
  status(mediaId: string): Promise<LiveStreamStatusDto>;
  /**
   * Whether the event's current publisher has gone quiet (no bytes or segments for a few seconds)
   * although its connection looks open: an encoder reconnecting before the old TCP connection timed
   * out. The RTMP listener then ends the stale session and lets the new one in.
   */
  isStale(mediaId: string): boolean;
}
