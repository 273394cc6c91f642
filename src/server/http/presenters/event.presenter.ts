import type { EventPageDto, LiveEventDto, RoomStreamDto } from '../../../contracts/live.js';
import { iso } from '../../domain/time.js';
import type { EventView } from '../../services/live-event.service.js';

/** What plays in the room: the simulive source in step, or live video (the player asks `playbackUrl` for its signed playlist). */
export const presentStream = (v: Pick<EventView, 'media' | 'event' | 'entry' | 'live'>): RoomStreamDto =>
  v.event.kind === 'simulive'
    ? { kind: 'simulive', sourceUrl: `/api/events/${v.media.id}/source`, playbackStartsAt: iso(v.entry.opensAt) }
    : v.live
      ? { kind: 'live', playbackUrl: `/api/events/${v.media.id}/live`, status: v.live }
      : { kind: 'placeholder', message: 'The stream will appear here when the speakers go live.' };

/** The cover's address, with a part of its key so a new cover is never an old cached one; null without one. */
export const eventCoverUrl = (mediaId: string, coverKey: string | null): string | null =>
  coverKey ? `/api/events/${mediaId}/cover?v=${encodeURIComponent(coverKey.slice(-12))}` : null;

export const presentEvent = (v: EventView): LiveEventDto => ({
  id: v.media.id,
  kind: v.event.kind,
  title: v.media.title,
  description: v.media.description,
  owner: v.owner,
  startsAt: iso(v.event.starts_at),
  endsAt: iso(v.event.ends_at),
  timeZone: v.event.time_zone,
  qaMode: v.event.qa_mode,
  earlyEntryMinutes: v.event.early_entry_minutes,
  startedAt: v.event.started_at === null ? null : iso(v.event.started_at),
  endedAt: v.event.ended_at === null ? null : iso(v.event.ended_at),
  speakers: v.speakers.map((s) => ({
    id: s.id,
    name: s.name,
    title: s.title,
    photoUrl: s.photo_key ? `/api/events/${v.media.id}/speakers/${s.id}/photo?v=${encodeURIComponent(s.photo_key.slice(-12))}` : null,
  })),
  recording: v.recording ? { mediaId: v.recording.id, title: v.recording.title } : null,
  coverUrl: eventCoverUrl(v.media.id, v.event.cover_key),
  canManage: v.canManage,
  createdAt: iso(v.media.created_at),
  updatedAt: iso(Math.max(v.media.updated_at, v.event.updated_at)),
});

export const presentEventPage = (v: EventView, now: number): EventPageDto => ({
  event: presentEvent(v),
  role: v.role,
  phase: v.entry.phase,
  serverNow: iso(now),
  opensAt: iso(v.entry.opensAt),
  closesAt: iso(v.entry.closesAt),
  canEnter: v.entry.canEnter,
  enterAt: v.entry.enterAt === null ? null : iso(v.entry.enterAt),
  recordingUrl: v.leadsToRecording && v.recording ? `/media/${v.recording.id}` : null,
  roomUrl: `/api/events/${v.media.id}/room`,
  calendarUrl: `/api/events/${v.media.id}/calendar.ics`,
  stream: presentStream(v),
});

