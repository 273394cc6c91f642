import { z } from 'zod';
import { idText } from './api.js';
import { liveStreamStatusSchema } from './live-video.js';
import { multiLine, singleLine } from './text.js';

/** Minutes before the start that moderators and speakers may enter, unless the owner says otherwise. */
export const DEFAULT_EARLY_ENTRY_MINUTES = 15;

/**
 * Live events and live rooms: REST shapes and every room message, client→server and server→client.
 * Shared by the server (validation at the edge) and the browser.
 */

export const roomRoles = ['viewer', 'speaker', 'moderator', 'owner'] as const;
export type RoomRole = (typeof roomRoles)[number];

export const roomActions = [
  // watch the stream, see the attendee count (being in the room at all)
  'room.join',
  // broadcast: webcast from the browser (camera, microphone, screen); DIY live from an encoder is the owner's stream key
  'stream.broadcast',
  // chat; like own/others' messages; delete own
  'chat.send',
  'chat.like',
  'chat.delete_own',
  // ask a question (≤ 500 chars, optionally anonymous), upvote
  'question.ask',
  'question.upvote',
  // answer polls and other interactions
  'poll.vote',
  // backchannel (private moderator/speaker chat); also the staff view: pending questions, live poll results
  'backchannel.read',
  'backchannel.send',
  // answer questions in text, mark answered live
  'question.answer',
  'question.mark_answered_live',
  // Q&A moderation
  'question.approve',
  'question.dismiss',
  'question.pin',
  'question.reopen',
  // chat moderation
  'chat.delete_any',
  'person.mute',
  // polls and announcements
  'poll.launch',
  'poll.close',
  'poll.show_results',
  'announcement.send',
  // participants
  'participants.list',
  'participants.invite',
] as const;
export type RoomAction = (typeof roomActions)[number];

export const roomPanels = ['chat', 'qa', 'polls', 'backchannel', 'participants'] as const;
export type RoomPanel = (typeof roomPanels)[number];

export const liveKinds = ['webcast', 'simulive', 'diy_live'] as const;
export type LiveKind = (typeof liveKinds)[number];
export const qaModes = ['pre_moderated', 'open'] as const;
export type QaMode = (typeof qaModes)[number];
export const eventPhases = ['scheduled', 'live', 'ended'] as const;
export type EventPhaseDto = (typeof eventPhases)[number];

/** Limits a room enforces, also sent to the browser so forms can show them. */
export const roomLimits = {
  chatChars: 1000,
  questionChars: 500,
  answerChars: 2000,
  announcementChars: 1000,
  pollQuestionChars: 300,
  pollOptionChars: 200,
  pollOptionsMin: 2,
  pollOptionsMax: 10,
  /** A single socket frame, in bytes, before it is even parsed. */
  frameBytes: 8 * 1024,
} as const;

// ---------------------------------------------------------------- REST

const isoDateTime = z.iso.datetime({ offset: true, message: 'Use an ISO 8601 date and time, e.g. 2026-12-01T15:00:00Z.' });

/** Any IANA time zone the runtime knows, e.g. Europe/Berlin. */
export const timeZoneSchema = singleLine()
  .min(1)
  .max(64)
  .refine(
    (tz) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    },
    { message: 'Use a time zone name such as Europe/Berlin or America/New_York.' },
  );

export const speakerInput = z.object({
  /** Keep an existing speaker (and photo) when editing; omit for a new one. */
  id: singleLine().max(100).optional(),
  name: singleLine().trim().min(1, 'Enter the speaker’s name.').max(120),
  title: singleLine().trim().max(200).default(''),
});
export type SpeakerInput = z.input<typeof speakerInput>;

const eventFields = {
  kind: z.enum(liveKinds),
  title: singleLine().trim().min(1, 'Enter a title.').max(200),
  description: multiLine().trim().max(5000).default(''),
  startsAt: isoDateTime,
  endsAt: isoDateTime,
  /** The organiser's time zone, shown next to each viewer's own. */
  timeZone: timeZoneSchema,
  qaMode: z.enum(qaModes).default('pre_moderated'),
  earlyEntryMinutes: z.number().int().min(0).max(240).default(DEFAULT_EARLY_ENTRY_MINUTES),
  speakers: z.array(speakerInput).max(20).default([]),
  /** simulive: the source video (required); others: a library video to show after the end. */
  recordingMediaId: idText().nullable().optional(),
};

export const eventCreateBody = z.object(eventFields);
export type EventCreateBody = z.input<typeof eventCreateBody>;

export const eventPatchBody = z
  .object({
    kind: eventFields.kind.optional(),
    title: eventFields.title.optional(),
    description: multiLine().trim().max(5000).optional(),
    startsAt: isoDateTime.optional(),
    endsAt: isoDateTime.optional(),
    timeZone: timeZoneSchema.optional(),
    qaMode: z.enum(qaModes).optional(),
    earlyEntryMinutes: z.number().int().min(0).max(240).optional(),
    speakers: z.array(speakerInput).max(20).optional(),
    recordingMediaId: idText().nullable().optional(),
  })
  .refine((v) => Object.values(v).some((x) => x !== undefined), { message: 'Nothing to change.' });
export type EventPatchBody = z.input<typeof eventPatchBody>;

export const recordingBody = z.object({ mediaId: idText().nullable() });

/** `/api/events/:id/speakers/:speakerId/photo` */
export const speakerParams = z.object({ id: idText(), speakerId: idText() });

export const speakerSchema = z.object({ id: z.string(), name: z.string(), title: z.string(), photoUrl: z.string().nullable() });
export type SpeakerDto = z.infer<typeof speakerSchema>;

/** What plays in the room: the simulive source in step with the clock, live video (webcast, DIY live), or the "stream will appear here" state. */
export const roomStreamSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('simulive'), sourceUrl: z.string(), playbackStartsAt: z.string() }),
  /** Webcast and DIY live: the player asks `playbackUrl` for its signed playlist; `status` follows by room messages. */
  z.object({ kind: z.literal('live'), playbackUrl: z.string(), status: liveStreamStatusSchema }),
  z.object({ kind: z.literal('placeholder'), message: z.string() }),
]);
export type RoomStreamDto = z.infer<typeof roomStreamSchema>;

export const liveEventSchema = z.object({
  id: z.string(),
  kind: z.enum(liveKinds),
  title: z.string(),
  description: z.string(),
  owner: z.object({ id: z.string(), name: z.string() }),
  startsAt: z.string(),
  endsAt: z.string(),
  timeZone: z.string(),
  qaMode: z.enum(qaModes),
  earlyEntryMinutes: z.number(),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  speakers: z.array(speakerSchema),
  /** Owners always see it; others only once the event has ended and the site lets ended events lead to it. */
  recording: z.object({ mediaId: z.string(), title: z.string() }).nullable(),
  /** The cover image (GET, for anyone who may see the event page), or null. */
  coverUrl: z.string().nullable(),
  canManage: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type LiveEventDto = z.infer<typeof liveEventSchema>;

/** The event page: details plus everything the countdown and the phase switch need. */
export const eventPageSchema = z.object({
  event: liveEventSchema,
  role: z.string(),
  phase: z.enum(eventPhases),
  /** The server's clock when answering: the browser counts down against it, not its own. */
  serverNow: z.string(),
  opensAt: z.string(),
  closesAt: z.string(),
  canEnter: z.boolean(),
  /** When this visitor's role may enter the room (moderators and speakers earlier); null after the end. */
  enterAt: z.string().nullable(),
  /** After the end: where the invite now leads, or null for the "event ended" page. */
  recordingUrl: z.string().nullable(),
  roomUrl: z.string(),
  calendarUrl: z.string(),
  stream: roomStreamSchema,
});
export type EventPageDto = z.infer<typeof eventPageSchema>;

// ---------------------------------------------------------------- room: shared shapes

export const roomStreams = ['public', 'staff'] as const;
export type RoomStream = (typeof roomStreams)[number];

const id = idText();
/** A client's correlation id, echoed in the ack or error that answers the message. */
const ref = singleLine().min(1).max(64).optional();

export const participantRefSchema = z.object({ id: z.string(), name: z.string(), role: z.string() });

export const roomMessageSchema = z.object({
  id: z.string(),
  channel: z.enum(['chat', 'backchannel', 'announcement']),
  author: participantRefSchema,
  body: z.string(),
  likes: z.number(),
  createdAt: z.string(),
});
export type RoomMessageDto = z.infer<typeof roomMessageSchema>;

export const questionSchema = z.object({
  id: z.string(),
  /** null when asked anonymously: hidden from everyone in the room, moderators included. */
  author: z.object({ id: z.string(), name: z.string() }).nullable(),
  body: z.string(),
  status: z.enum(['pending', 'approved', 'dismissed']),
  pinned: z.boolean(),
  upvotes: z.number(),
  answer: z.object({ text: z.string(), by: z.string(), at: z.string() }).nullable(),
  answeredLiveAt: z.string().nullable(),
  createdAt: z.string(),
  /** Revision: keep the copy with the highest, since updates come by the public and the staff stream. */
  rev: z.number(),
});
export type QuestionDto = z.infer<typeof questionSchema>;

export const pollSchema = z.object({
  id: z.string(),
  question: z.string(),
  options: z.array(z.object({ id: z.string(), text: z.string() })),
  multiple: z.boolean(),
  status: z.enum(['open', 'closed']),
  resultsShown: z.boolean(),
  /** Counts per option id; null where the results are not shown to this audience. */
  results: z.object({ counts: z.record(z.string(), z.number()), voters: z.number() }).nullable(),
  createdAt: z.string(),
  /** Revision: keep the copy with the highest, since updates come by the public and the staff stream. */
  rev: z.number(),
});
export type PollDto = z.infer<typeof pollSchema>;

export const youSchema = z.object({
  participantId: z.string(),
  name: z.string(),
  role: z.enum(roomRoles),
  panels: z.array(z.enum(roomPanels)),
  capabilities: z.array(z.enum(roomActions)),
  muted: z.boolean(),
});
export type YouDto = z.infer<typeof youSchema>;

export const roomPhaseSchema = z.object({
  phase: z.enum(eventPhases),
  opensAt: z.string(),
  closesAt: z.string(),
  /** The room is open to moderators and speakers only, before the start. */
  early: z.boolean(),
});
export type RoomPhaseDto = z.infer<typeof roomPhaseSchema>;

/** Something that happened in the room, as stored in its log and replayed on resume. */
export const roomEventSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('message'), message: roomMessageSchema }),
  z.object({ kind: z.literal('message.removed'), id: z.string(), channel: roomMessageSchema.shape.channel }),
  z.object({ kind: z.literal('message.likes'), id: z.string(), likes: z.number() }),
  z.object({ kind: z.literal('question'), question: questionSchema }),
  z.object({ kind: z.literal('question.removed'), id: z.string() }),
  z.object({ kind: z.literal('poll'), poll: pollSchema }),
  z.object({ kind: z.literal('participant.muted'), participantId: z.string(), name: z.string(), muted: z.boolean() }),
]);
export type RoomEventDto = z.infer<typeof roomEventSchema>;

// ---------------------------------------------------------------- room: client → server

export const clientMessageSchema = z.discriminatedUnion('type', [
  /** First message: with `resume`, the last sequence seen per stream, to continue without gap or duplicate. */
  z.object({ type: z.literal('hello'), ref, resume: z.object({ public: z.number().int().min(0), staff: z.number().int().min(0).optional() }).optional() }),
  z.object({ type: z.literal('chat.send'), ref, body: multiLine().trim().min(1, 'Type a message.').max(roomLimits.chatChars) }),
  z.object({ type: z.literal('chat.like'), ref, messageId: id, liked: z.boolean() }),
  /** Own messages for everyone; any message for moderators. */
  z.object({ type: z.literal('message.delete'), ref, messageId: id }),
  z.object({ type: z.literal('backchannel.send'), ref, body: multiLine().trim().min(1, 'Type a message.').max(roomLimits.chatChars) }),
  z.object({ type: z.literal('question.ask'), ref, body: multiLine().trim().min(1, 'Type your question.').max(roomLimits.questionChars), anonymous: z.boolean().default(false) }),
  z.object({ type: z.literal('question.upvote'), ref, questionId: id, upvoted: z.boolean() }),
  z.object({ type: z.literal('question.moderate'), ref, questionId: id, action: z.enum(['approve', 'dismiss', 'pin', 'unpin', 'reopen']) }),
  z.object({ type: z.literal('question.answer'), ref, questionId: id, text: multiLine().trim().min(1, 'Type an answer.').max(roomLimits.answerChars) }),
  z.object({ type: z.literal('question.mark_answered_live'), ref, questionId: id }),
  z.object({
    type: z.literal('poll.launch'),
    ref,
    question: singleLine().trim().min(1, 'Type the poll question.').max(roomLimits.pollQuestionChars),
    options: z.array(singleLine().trim().min(1, 'Options cannot be empty.').max(roomLimits.pollOptionChars)).min(roomLimits.pollOptionsMin).max(roomLimits.pollOptionsMax),
    multiple: z.boolean().default(false),
  }),
  z.object({ type: z.literal('poll.close'), ref, pollId: id }),
  z.object({ type: z.literal('poll.show_results'), ref, pollId: id, shown: z.boolean() }),
  z.object({ type: z.literal('poll.vote'), ref, pollId: id, optionIds: z.array(id).min(1).max(roomLimits.pollOptionsMax) }),
  z.object({ type: z.literal('announcement.send'), ref, body: multiLine().trim().min(1, 'Type the announcement.').max(roomLimits.announcementChars) }),
  z.object({ type: z.literal('person.mute'), ref, participantId: id, muted: z.boolean() }),
  z.object({ type: z.literal('participants.list'), ref }),
]);
export type ClientMessage = z.infer<typeof clientMessageSchema>;
export type ClientMessageInput = z.input<typeof clientMessageSchema>;
export type ClientMessageType = ClientMessage['type'];

// ---------------------------------------------------------------- room: server → client

const streamCursors = z.object({ public: z.number(), staff: z.number().optional() });

/** One person in the room (however many tabs and devices they use); `devices`: their open room connections now. */
export const participantSchema = z.object({ id: z.string(), name: z.string(), role: z.string(), online: z.boolean(), devices: z.number().int().min(0), muted: z.boolean() });

export const snapshotSchema = z.object({
  type: z.literal('snapshot'),
  /** The sequence each stream is at; events after these follow. */
  streams: streamCursors,
  messages: z.array(roomMessageSchema),
  announcements: z.array(roomMessageSchema),
  /** Only for roles that see the backchannel; absent otherwise. */
  backchannel: z.array(roomMessageSchema).optional(),
  questions: z.array(questionSchema),
  polls: z.array(pollSchema),
  mine: z.object({
    likes: z.array(z.string()),
    upvotes: z.array(z.string()),
    votes: z.record(z.string(), z.array(z.string())),
    /** Own questions still waiting for approval or dismissed, which others do not see. */
    questions: z.array(questionSchema),
  }),
});
export type SnapshotDto = z.infer<typeof snapshotSchema>;

export const serverMessageSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('welcome'),
    you: youSchema,
    event: z.object({ id: z.string(), title: z.string(), kind: z.enum(liveKinds), qaMode: z.enum(qaModes), stream: roomStreamSchema }).extend(roomPhaseSchema.shape),
    serverNow: z.string(),
    limits: z.object(Object.fromEntries(Object.keys(roomLimits).map((k) => [k, z.number()])) as Record<keyof typeof roomLimits, z.ZodNumber>),
  }),
  snapshotSchema,
  z.object({ type: z.literal('event'), stream: z.enum(roomStreams), seq: z.number(), at: z.string(), event: roomEventSchema }),
  /** After a resume's replay: from here on, events arrive live. */
  z.object({ type: z.literal('synced'), streams: streamCursors }),
  z.object({ type: z.literal('ack'), ref: z.string(), id: z.string().optional() }),
  z.object({ type: z.literal('error'), ref: z.string().optional(), error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }) }),
  /** The person's role or mute changed: panels follow `you.panels`. */
  z.object({ type: z.literal('you'), you: youSchema }),
  /** Own question's status, for the asker only (others do not see pending or dismissed questions). */
  z.object({ type: z.literal('mine.question'), question: questionSchema }),
  z.object({ type: z.literal('attendees'), count: z.number() }),
  z.object({ type: z.literal('phase') }).extend(roomPhaseSchema.shape),
  z.object({ type: z.literal('participants'), ref: z.string().optional(), items: z.array(participantSchema) }),
  /**
   * This server cannot reach the site's other servers (Redis is unreachable): what anyone says on this
   * server still reaches everyone on it at once and is stored; people on other servers get it, and this
   * room gets theirs, once the servers can reach each other again. Cleared by `recovered`.
   */
  z.object({ type: z.literal('degraded'), reason: z.literal('cluster_unreachable'), since: z.string() }),
  /** The servers reach each other again; what was missed meanwhile follows as ordinary events. */
  z.object({ type: z.literal('recovered') }),
  /** The live video's state changed (went live, publisher dropped, reconnected, ended). */
  z.object({ type: z.literal('stream'), status: liveStreamStatusSchema }),
]);
export type ServerMessage = z.infer<typeof serverMessageSchema>;

/**
 * WebSocket close codes. The browser reconnects (with resume) on anything else;
 * on these it stops and shows the error that came just before.
 */
export const roomCloseCodes = {
  unauthenticated: 4401,
  forbidden: 4403,
  not_found: 4404,
  /** Access gone: invite revoked, media deleted, event ended. */
  gone: 4410,
  /** No hello within the time allowed. */
  timeout: 4408,
} as const;

/** After an event (owner, admins, moderators): who came, what was said and asked, how polls went (GET /api/events/:id/report). */
export const eventReportSchema = z.object({
  event: z.object({ title: z.string(), startsAt: z.string(), endsAt: z.string(), phase: z.enum(['scheduled', 'live', 'ended']) }),
  attendance: z.object({
    invited: z.number().int(),
    joined: z.number().int(),
    neverCame: z.number().int(),
    rows: z.array(
      z.object({
        name: z.string(),
        /** The invited address; null for the owner and site admins (in by their account). */
        email: z.string().nullable(),
        role: z.string(),
        /** joined: came at least once; never_came: invited, never in the room; host: the owner or an admin. */
        status: z.enum(['joined', 'never_came', 'host']),
        firstJoinedAt: z.string().nullable(),
        lastSeenAt: z.string().nullable(),
        /** From the first join to the last time seen (leaving or joining again), whole minutes. */
        minutes: z.number().int().nullable(),
      }),
    ),
  }),
  chat: z.array(z.object({ at: z.string(), author: z.string(), role: z.string(), kind: z.enum(['chat', 'announcement']), body: z.string(), likes: z.number().int() })),
  questions: z.array(
    z.object({
      at: z.string(),
      /** null when asked anonymously: the report keeps it anonymous. */
      author: z.string().nullable(),
      body: z.string(),
      status: z.enum(['pending', 'approved', 'dismissed']),
      upvotes: z.number().int(),
      answer: z.string().nullable(),
      answeredLive: z.boolean(),
    }),
  ),
  polls: z.array(z.object({ question: z.string(), multiple: z.boolean(), status: z.enum(['open', 'closed']), voters: z.number().int(), options: z.array(z.object({ text: z.string(), votes: z.number().int() })) })),
});
export type EventReportDto = z.infer<typeof eventReportSchema>;
