import type { RoomEventDto, RoomStream, ServerMessage } from '../../contracts/live.js';
import type { LiveStreamStatusDto } from '../../contracts/live-video.js';

/** Bus topic of one live room: everything every server process holding a socket of that room must hear. */
export const roomTopic = (mediaId: string) => `room:${mediaId}`;

export type RoomBusMessage =
  /** A stored room event (already committed), to fan out in sequence order. */
  | { t: 'event'; stream: RoomStream; seq: number; at: number; event: RoomEventDto }
  /** The event's details, schedule or phase changed (edit, start early, end early): reload and tell the room. */
  | { t: 'changed' }
  /** For certain people only, e.g. the asker of a question that was dismissed. */
  | { t: 'direct'; participantIds: string[]; message: ServerMessage }
  /** A person's standing in the room changed (muted, unmuted): their sockets refresh `you`. */
  | { t: 'participant'; participantId: string }
  /** How many people a server process has in the room (repeated as a heartbeat); the attendee count sums them. */
  | { t: 'presence'; process: string; count: number; at: number }
  /** The live video's status changed: every socket in the room hears it as `{type:'stream'}`. */
  | { t: 'stream'; status: LiveStreamStatusDto };

/**
 * Bus topic every server process with rooms listens on: a process whose bus came back after an
 * outage (or started) says so here, and every other process catches its rooms up from the database,
 * since the messages that process published while unreachable never arrived.
 */
export const roomsResyncTopic = 'rooms:resync';

/** Said on `roomsResyncTopic`: the process that can be heard again, and whether after an outage or at its start. */
export interface RoomsResync {
  process: string;
  after: 'outage' | 'start';
}
