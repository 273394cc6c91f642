import type { Generated, Selectable } from 'kysely';

/** Tables of live events and rooms (migration 20261127030000_live). Times are epoch ms, booleans 0/1. */
export interface LiveEventsTable {
  media_id: string;
  kind: 'webcast' | 'simulive' | 'diy_live';
  starts_at: number;
  ends_at: number;
  time_zone: string;
  qa_mode: 'pre_moderated' | 'open';
  early_entry_minutes: number;
  recording_media_id: string | null;
  started_at: number | null;
  ended_at: number | null;
  schedule_revision: number;
  created_at: number;
  updated_at: number;
  /** The cover image (migration 20261204010000): its storage key and type, or null. */
  cover_key: Generated<string | null>;
  cover_mime: Generated<string | null>;
}

export interface LiveSpeakersTable {
  id: string;
  media_id: string;
  position: number;
  name: string;
  title: string;
  photo_key: string | null;
  photo_mime: string | null;
}

/** DIY live: the event's RTMP stream key, as its SHA-256 only (migration 20261203000000_stream_key). */
export interface LiveStreamKeysTable {
  media_id: string;
  key_hash: string;
  created_at: number;
}

export interface RoomParticipantsTable {
  id: string;
  room_id: string;
  /**
   * The person (domain/room-person.ts), never the session: `e:<invited address>` for whoever is in
   * through an invite, guest or account; `u:<user id>` for the owner and site admins. One row per person,
   * however many tabs, sessions, devices or role changes (migration 20261202010000_room_person).
   */
  participant_key: string;
  name: string;
  role: string;
  first_joined_at: number;
  last_seen_at: number;
  muted_at: number | null;
  muted_by: string | null;
}

export interface RoomPresenceTable {
  connection_id: string;
  room_id: string;
  participant_id: string;
  process_id: string;
  joined_at: number;
}

export interface RoomProcessesTable {
  process_id: string;
  /** Heartbeat: the process's presence rows count while this is fresh. */
  seen_at: number;
}

export interface RoomSequencesTable {
  room_id: string;
  stream: 'public' | 'staff';
  last_seq: number;
}

export interface RoomEventsTable {
  room_id: string;
  stream: 'public' | 'staff';
  seq: number;
  kind: string;
  data_json: string;
  created_at: number;
}

export interface RoomMessagesTable {
  id: string;
  room_id: string;
  channel: 'chat' | 'backchannel' | 'announcement';
  author_id: string;
  author_name: string;
  author_role: string;
  body: string;
  likes: number;
  client_ref: string | null;
  /** Position of its creation in the room's log: the order of the chat, whatever the clocks say. */
  seq: number | null;
  created_at: number;
  deleted_at: number | null;
  deleted_by: string | null;
}

export interface RoomMessageLikesTable {
  message_id: string;
  participant_id: string;
}

export interface RoomQuestionsTable {
  id: string;
  room_id: string;
  author_id: string;
  author_name: string;
  anonymous: number;
  body: string;
  status: 'pending' | 'approved' | 'dismissed';
  pinned: number;
  upvotes: number;
  answer_text: string | null;
  answered_by: string | null;
  answered_at: number | null;
  answered_live_at: number | null;
  client_ref: string | null;
  /** Raised on every change, so clients keep the newest copy whichever stream it came by. */
  rev: number;
  created_at: number;
  updated_at: number;
}

export interface RoomQuestionVotesTable {
  question_id: string;
  participant_id: string;
}

export interface RoomPollsTable {
  id: string;
  room_id: string;
  question: string;
  options_json: string;
  multiple: number;
  status: 'open' | 'closed';
  results_shown: number;
  created_by: string;
  /** Raised on every change (votes included), so clients keep the newest copy whichever stream it came by. */
  rev: number;
  created_at: number;
  closed_at: number | null;
}

export interface RoomPollVotesTable {
  poll_id: string;
  participant_id: string;
  option_id: string;
  created_at: number;
}

/** An event's live video (migration 20261203010000_live_streams); states as in contracts/live-video.ts. */
export interface LiveStreamsTable {
  media_id: string;
  state: 'waiting' | 'live' | 'reconnecting' | 'paused' | 'ended';
  end_reason: 'stopped' | 'interrupted' | 'event_ended' | 'storage_full' | 'failed' | null;
  source: 'webcast' | 'rtmp' | null;
  /** Who may continue after a drop (domain/room-person.ts key, or `key` for RTMP). */
  publisher_key: string | null;
  publisher_name: string | null;
  state_since: number;
  reconnect_until: number | null;
  /** The media sequence number the next segment gets. */
  next_msn: number;
  /** Packager runs so far (a run is one publisher connection or one packager restart). */
  runs: number;
  /** The process packaging the stream now, and its heartbeat: a stale heartbeat means that process is gone. */
  process_id: string | null;
  heartbeat_at: number;
  first_segment_at: number | null;
  ended_at: number | null;
  /** The library video made from the broadcast, once made. */
  recording_media_id: string | null;
  /** The source's picture size (from the packager), and the lower rendition's height once it has a segment. */
  video_width: number | null;
  video_height: number | null;
  low_height: number | null;
  /** Held by the recording job making it now, until then (a lease: a job that died lets it go). */
  recording_claimed_until: number | null;
  /** When the recording job was last queued. */
  recording_queued_at: number | null;
  created_at: number;
}

export interface LiveSegmentsTable {
  media_id: string;
  msn: number;
  run: number;
  duration_ms: number;
  discontinuity: number;
  program_date_time: number;
  size_bytes: number;
  storage_key: string;
  /** The lower rendition's segment of this number: its size, or null when there is none. */
  low_size_bytes: number | null;
}

export interface LiveTables {
  live_streams: LiveStreamsTable;
  live_segments: LiveSegmentsTable;
  live_events: LiveEventsTable;
  live_speakers: LiveSpeakersTable;
  room_participants: RoomParticipantsTable;
  room_presence: RoomPresenceTable;
  room_processes: RoomProcessesTable;
  room_sequences: RoomSequencesTable;
  room_events: RoomEventsTable;
  room_messages: RoomMessagesTable;
  room_message_likes: RoomMessageLikesTable;
  room_questions: RoomQuestionsTable;
  room_question_votes: RoomQuestionVotesTable;
  room_polls: RoomPollsTable;
  room_poll_votes: RoomPollVotesTable;
  live_stream_keys: LiveStreamKeysTable;
}

export type LiveEvent = Selectable<LiveEventsTable>;
export type LiveStreamRow = Selectable<LiveStreamsTable>;
export type LiveSegmentRow = Selectable<LiveSegmentsTable>;
export type LiveSpeaker = Selectable<LiveSpeakersTable>;
export type RoomParticipant = Selectable<RoomParticipantsTable>;
export type RoomMessage = Selectable<RoomMessagesTable>;
export type RoomQuestion = Selectable<RoomQuestionsTable>;
export type RoomPoll = Selectable<RoomPollsTable>;
export type RoomEventRow = Selectable<RoomEventsTable>;
export type LiveStreamKey = Selectable<LiveStreamKeysTable>;
