import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { EventCreateBody, EventPatchBody, SpeakerInput } from '../../contracts/live.js';
import { publishAccessChange, type AccessChanged, type Bus } from '../adapters/bus/bus.js';
import type { MailAttachment } from '../adapters/mail/mailer.js';
import type { Storage } from '../adapters/storage/storage.js';
import type { Media, User } from '../db/schema.js';
import type { LiveEvent, LiveSpeaker } from '../db/schema-live.js';
import { DEFAULT_EARLY_ENTRY_MINUTES, effectiveEnd, effectiveStart, eventPhase, roomEntry, type EventPhase, type EventSchedule, type RoomEntry } from '../domain/event-phase.js';
import { eventCoverKey, speakerPhotoKey } from '../domain/storage-keys.js';
import { buildIcs, icsFileName } from '../domain/ics.js';
import { AppError } from '../errors.js';
import type { Visitor } from '../domain/visitor.js';
import type { LiveEventRepository } from '../repositories/live-event.repository.js';
import type { LiveStreamRepository } from '../repositories/live-stream.repository.js';
import { statusOf } from '../domain/live-status.js';
import type { LiveStreamStatusDto } from '../../contracts/live-video.js';
import type { Transactor } from '../repositories/transaction.js';
import type { AccessService } from './access.service.js';
import type { DomainEvents } from './domain-events.js';
import type { MediaService } from './media.service.js';
import type { SettingsService } from './settings.service.js';
import { roomTopic, type RoomBusMessage } from './room-bus.js';

/** Longest event accepted: long enough for an all-day conference, short enough to catch a typo in the year. */
const MAX_EVENT_MS = 7 * 24 * 3600_000;

export interface LiveEventDeps {
  repo: LiveEventRepository;
  /** The event's live video, for its status on the event page and in the room. */
  streams: LiveStreamRepository;
  tx: Transactor;
  media: MediaService;
  access: AccessService;
  /** "Ended events go to their recording" is a site setting. */
  settings: SettingsService;
  storage: Storage;
  bus: Bus;
  events: DomainEvents;
  clock: () => number;
  publicUrl: string;
  logger: Logger;
}

/** Everything the event page needs, for one visitor. */
/** What a library card shows of a live event. */
export interface EventCard {
  startsAt: number;
  endsAt: number;
  timeZone: string;
  phase: EventPhase;
  coverKey: string | null;
}

/** The part of an event view a room socket uses. */
export type RoomEventView = Pick<EventView, 'media' | 'event' | 'entry' | 'live'>;

export interface EventView {
  media: Media;
  event: LiveEvent;
  speakers: LiveSpeaker[];
  owner: { id: string; name: string };
  role: string;
  canManage: boolean;
  entry: RoomEntry;
  /** The recording, when this visitor may see it (owners always; others after the end, if the site allows). */
  recording: Media | null;
  /** Where the ended event leads this visitor, or null (event not ended, no recording, or setting off). */
  leadsToRecording: boolean;
  /** Webcast and DIY live: the live video's status; null for simulive. */
  live: LiveStreamStatusDto | null;
}

export type CreateEventInput = Omit<EventCreateBody, 'speakers'> & { speakers?: SpeakerInput[] };

export const scheduleOf = (e: LiveEvent): EventSchedule => ({
  startsAt: e.starts_at,
  endsAt: e.ends_at,
  startedAt: e.started_at,
  endedAt: e.ended_at,
  earlyEntryMinutes: e.early_entry_minutes,
});

/** Live events: a `media` row of type 'live' plus its schedule, speakers and recording. */
export class LiveEventService {
  private readonly repo: LiveEventRepository;

  constructor(private readonly deps: LiveEventDeps) {
    this.repo = deps.repo;
    // Open rooms of deleted media close within seconds (every socket there checks again).
    deps.events.on('media.deleted', ({ media }) => this.announceDeleted(media));
  }

  /** The event row of a live media item, or undefined. */
  find(mediaId: string): Promise<LiveEvent | undefined> {
    return this.repo.find(mediaId);
  }

  private async endedGoesToRecording(): Promise<boolean> {
    return (await this.deps.settings.get()).endedEventsGoToRecording;
  }

  private async announceDeleted(media: Media): Promise<void> {
    const message: AccessChanged = { mediaId: media.id, sessionIds: [], userIds: [], role: null, reason: 'media_deleted' };
    await publishAccessChange(this.deps.bus, message).catch((err) => this.deps.logger.warn({ err, mediaId: media.id }, 'could not announce a media deletion'));
  }

  async create(owner: User, input: CreateEventInput): Promise<EventView> {
    const startsAt = Date.parse(input.startsAt);
    const endsAt = Date.parse(input.endsAt);
    checkTimes(startsAt, endsAt);
    const recordingId = input.recordingMediaId ?? null;
    if (input.kind === 'simulive' && !recordingId) {
      throw new AppError('validation_failed', { message: 'A simulive event needs its source video.', details: { recordingMediaId: 'Choose the video to play.' } });
    }
    if (recordingId) await this.checkRecording(owner, recordingId);
    const now = this.deps.clock();
    const id = randomUUID();
    await this.deps.tx.run(async (trx) => {
      await this.deps.media.insertRow(
        {
          id,
          owner_id: owner.id,
          type: 'live',
          title: input.title.trim(),
          description: (input.description ?? '').trim(),
          status: 'ready',
          mime_type: 'application/x-foyer-live-event',
          size_bytes: 0,
          storage_key: null,
          original_name: '',
          created_at: now,
          updated_at: now,
        },
        trx,
      );
      await this.repo.insert(
        {
          media_id: id,
          kind: input.kind,
          starts_at: startsAt,
          ends_at: endsAt,
          time_zone: input.timeZone,
          qa_mode: input.qaMode ?? 'pre_moderated',
          early_entry_minutes: input.earlyEntryMinutes ?? DEFAULT_EARLY_ENTRY_MINUTES,
          recording_media_id: recordingId,
          started_at: null,
          ended_at: null,
          schedule_revision: 0,
          created_at: now,
          updated_at: now,
        },
        trx,
      );
      await this.repo.replaceSpeakers(id, speakerRows(id, input.speakers ?? []), trx);
    });
    return this.viewAs({ user: owner }, id);
  }

  /** The event as this visitor sees it. Access goes through AccessService, the one gate. */
  async viewAs(auth: Visitor, mediaId: string): Promise<EventView> {
    const grant = await this.deps.access.view(auth, mediaId);
    return this.viewFor(grant.media, grant.role, grant.canManage);
  }

  async viewFor(media: Media, role: string, canManage: boolean): Promise<EventView> {
    if (media.type !== 'live') throw new AppError('not_found', { message: 'This media is not a live event.' });
    const event = await this.repo.find(media.id);
    if (!event) throw new AppError('not_found', { message: 'Live event not found.' });
    const [speakers, owners, recordingRow, stream] = await Promise.all([
      this.repo.speakers(media.id),
      this.deps.media.owners([media]),
      event.recording_media_id ? this.deps.media.findById(event.recording_media_id) : Promise.resolve(undefined),
      event.kind === 'simulive' ? Promise.resolve(undefined) : this.deps.streams.find(media.id),
    ]);
    const now = this.deps.clock();
    const entry = roomEntry(scheduleOf(event), now, role);
    const recordingExists = recordingRow ?? null;
    const leadsToRecording = entry.phase === 'ended' && recordingExists !== null && (await this.endedGoesToRecording());
    return {
      media,
      event,
      speakers,
      owner: owners.get(media.owner_id)!,
      role,
      canManage,
      entry,
      recording: canManage || leadsToRecording ? recordingExists : null,
      leadsToRecording,
      live: event.kind === 'simulive' ? null : statusOf(stream),
    };
  }

  /** Schedule and phase now of each live item among `media`, for library cards (the owner's own list). */
  async cards(media: Media[]): Promise<Map<string, EventCard>> {
    const ids = media.filter((m) => m.type === 'live').map((m) => m.id);
    const now = this.deps.clock();
    const out = new Map<string, EventCard>();
    for (const e of await this.repo.findMany(ids)) {
      const s = scheduleOf(e);
      out.set(e.media_id, { startsAt: effectiveStart(s), endsAt: effectiveEnd(s), timeZone: e.time_zone, phase: eventPhase(s, now), coverKey: e.cover_key });
    }
    return out;
  }

  /**
   * What a room socket needs of the event (its welcome): the phase for this role and the stream's
   * state, without the page's speakers, owner and recording.
   */
  async roomView(media: Media, role: string, event: LiveEvent): Promise<RoomEventView> {
    const stream = event.kind === 'simulive' ? undefined : await this.deps.streams.find(media.id);
    return { media, event, entry: roomEntry(scheduleOf(event), this.deps.clock(), role), live: event.kind === 'simulive' ? null : statusOf(stream) };
  }

  /**
   * Where a person with this role goes from the lobby: the recording of an ended event when ended
   * events lead there, else the event page. The same rule as `viewFor`, reading only what it needs.
   */
  async landingPath(media: Media, role: string): Promise<string> {
    const event = await this.repo.find(media.id);
    if (event && event.recording_media_id && roomEntry(scheduleOf(event), this.deps.clock(), role).phase === 'ended' && (await this.endedGoesToRecording())) {
      const recording = await this.deps.media.findById(event.recording_media_id);
      if (recording) return `/media/${recording.id}`;
    }
    return `/events/${media.id}`;
  }

  private async managed(user: User, mediaId: string): Promise<{ media: Media; event: LiveEvent }> {
    const media = await this.deps.media.getManaged(user, mediaId);
    const event = media.type === 'live' ? await this.repo.find(media.id) : undefined;
    if (!event) throw new AppError('not_found', { message: 'Live event not found.' });
    return { media, event };
  }

  async update(user: User, mediaId: string, patch: EventPatchBody): Promise<EventView> {
    const { media, event } = await this.managed(user, mediaId);
    const startsAt = patch.startsAt !== undefined ? Date.parse(patch.startsAt) : event.starts_at;
    const endsAt = patch.endsAt !== undefined ? Date.parse(patch.endsAt) : event.ends_at;
    if (startsAt !== event.starts_at || endsAt !== event.ends_at) checkTimes(startsAt, endsAt);
    const kind = patch.kind ?? event.kind;
    const recordingId = patch.recordingMediaId !== undefined ? patch.recordingMediaId : event.recording_media_id;
    if (kind === 'simulive' && !recordingId) {
      throw new AppError('validation_failed', { message: 'A simulive event needs its source video.', details: { recordingMediaId: 'Choose the video to play.' } });
    }
    if (recordingId && recordingId !== event.recording_media_id) await this.checkRecording(user, recordingId);
    const now = this.deps.clock();
    const scheduleChanged = startsAt !== event.starts_at || endsAt !== event.ends_at;
    let dropped: LiveSpeaker[] = [];
    await this.deps.tx.run(async (trx) => {
      if (patch.title !== undefined || patch.description !== undefined) {
        await this.deps.media.updateRow(
          media.id,
          { ...(patch.title !== undefined ? { title: patch.title.trim() } : {}), ...(patch.description !== undefined ? { description: patch.description.trim() } : {}), updated_at: now },
          trx,
        );
      }
      await this.repo.update(
        media.id,
        {
          kind,
          starts_at: startsAt,
          ends_at: endsAt,
          time_zone: patch.timeZone ?? event.time_zone,
          qa_mode: patch.qaMode ?? event.qa_mode,
          early_entry_minutes: patch.earlyEntryMinutes ?? event.early_entry_minutes,
          recording_media_id: recordingId,
          schedule_revision: event.schedule_revision + (scheduleChanged ? 1 : 0),
          updated_at: now,
        },
        trx,
      );
      if (patch.speakers) {
        const known = new Set((await this.repo.speakers(media.id, trx)).map((s) => s.id));
        dropped = await this.repo.replaceSpeakers(media.id, speakerRows(media.id, patch.speakers, known), trx);
      }
    });
    for (const s of dropped) if (s.photo_key) await this.deps.storage.remove(s.photo_key);
    await this.announceChange(media.id);
    return this.viewAs({ user }, media.id);
  }

  /** Opens the room now, before the scheduled start. */
  async startEarly(user: User, mediaId: string): Promise<EventView> {
    const { media, event } = await this.managed(user, mediaId);
    const now = this.deps.clock();
    const phase = eventPhase(scheduleOf(event), now);
    if (phase === 'ended') throw new AppError('event_ended', { message: 'This event has already ended; it cannot be started again.' });
    if (phase === 'scheduled') {
      await this.repo.update(media.id, { started_at: now, updated_at: now });
      await this.announceChange(media.id);
    }
    return this.viewAs({ user }, media.id);
  }

  /** Closes the room now, before the scheduled end. */
  async endEarly(user: User, mediaId: string): Promise<EventView> {
    const { media, event } = await this.managed(user, mediaId);
    const now = this.deps.clock();
    if (eventPhase(scheduleOf(event), now) !== 'ended') {
      await this.repo.update(media.id, { ended_at: now, updated_at: now });
      await this.announceChange(media.id);
    }
    return this.viewAs({ user }, media.id);
  }

  async setRecording(user: User, mediaId: string, recordingId: string | null): Promise<EventView> {
    const { media, event } = await this.managed(user, mediaId);
    if (!recordingId && event.kind === 'simulive') {
      throw new AppError('validation_failed', { message: 'A simulive event plays its source video; choose another instead of removing it.', details: { mediaId: 'required' } });
    }
    if (recordingId) await this.checkRecording(user, recordingId);
    await this.repo.update(media.id, { recording_media_id: recordingId, updated_at: this.deps.clock() });
    await this.announceChange(media.id);
    return this.viewAs({ user }, media.id);
  }

  /**
   * Attaches the recording made from the event's broadcast, unless the owner has chosen one already
   * (they may replace or remove it afterwards, as any recording).
   */
  async attachBroadcastRecording(mediaId: string, recordingId: string): Promise<boolean> {
    const event = await this.repo.find(mediaId);
    if (!event || event.recording_media_id) return false;
    await this.repo.update(mediaId, { recording_media_id: recordingId, updated_at: this.deps.clock() });
    await this.announceChange(mediaId);
    return true;
  }

  async setSpeakerPhoto(user: User, mediaId: string, speakerId: string, photo: { bytes: Buffer; mime: string; ext: string }): Promise<EventView> {
    const { media } = await this.managed(user, mediaId);
    const speaker = await this.repo.findSpeaker(media.id, speakerId);
    if (!speaker) throw new AppError('not_found', { message: 'Speaker not found.' });
    // a new name per upload, so browsers never show a cached old photo
    const key = speakerPhotoKey(media.id, speaker.id, randomUUID().slice(0, 8), photo.ext);
    await this.deps.storage.put(key, photo.bytes);
    await this.repo.setSpeakerPhoto(speaker.id, { key, mime: photo.mime });
    if (speaker.photo_key) await this.deps.storage.remove(speaker.photo_key);
    return this.viewAs({ user }, media.id);
  }

  /** A new cover image (replacing the old one, whose file goes). */
  async setCover(user: User, mediaId: string, image: { bytes: Buffer; mime: string; ext: string }): Promise<EventView> {
    const { media, event } = await this.managed(user, mediaId);
    const key = eventCoverKey(media.id, randomUUID().slice(0, 8), image.ext);
    await this.deps.storage.put(key, image.bytes);
    await this.repo.setCover(media.id, { key, mime: image.mime }, this.deps.clock());
    if (event.cover_key) await this.deps.storage.remove(event.cover_key).catch(() => undefined);
    return this.viewAs({ user }, media.id);
  }

  async removeCover(user: User, mediaId: string): Promise<EventView> {
    const { media, event } = await this.managed(user, mediaId);
    if (event.cover_key) {
      await this.repo.setCover(media.id, null, this.deps.clock());
      await this.deps.storage.remove(event.cover_key).catch(() => undefined);
    }
    return this.viewAs({ user }, media.id);
  }

  /** The cover, for anyone who may see the event page. */
  async cover(auth: Visitor, mediaId: string): Promise<{ key: string; mime: string }> {
    const view = await this.viewAs(auth, mediaId);
    if (!view.event.cover_key || !view.event.cover_mime) throw new AppError('not_found', { message: 'This event has no cover image.' });
    return { key: view.event.cover_key, mime: view.event.cover_mime };
  }

  async speakerPhoto(auth: Visitor, mediaId: string, speakerId: string): Promise<{ key: string; mime: string }> {
    await this.viewAs(auth, mediaId);
    const speaker = await this.repo.findSpeaker(mediaId, speakerId);
    if (!speaker?.photo_key || !speaker.photo_mime) throw new AppError('not_found', { message: 'This speaker has no photo.' });
    return { key: speaker.photo_key, mime: speaker.photo_mime };
  }

  /** The simulive source, for people in the room while it plays. */
  async simuliveSource(auth: Visitor, mediaId: string): Promise<Media> {
    const view = await this.viewAs(auth, mediaId);
    if (view.event.kind !== 'simulive') throw new AppError('not_found', { message: 'This event has no recorded source.' });
    if (!view.entry.canEnter && !view.canManage) {
      throw view.entry.phase === 'ended' ? new AppError('event_ended') : new AppError('event_not_started');
    }
    const source = view.event.recording_media_id ? await this.deps.media.findById(view.event.recording_media_id) : undefined;
    if (!source?.storage_key) throw new AppError('not_found', { message: 'The source video is missing.' });
    return source;
  }

  /** "Add to calendar" for a visitor of the event page. */
  async calendar(auth: Visitor, mediaId: string): Promise<{ fileName: string; ics: string }> {
    const view = await this.viewAs(auth, mediaId);
    return this.icsFor(view.media, view.event, `${this.deps.publicUrl}/events/${view.media.id}`);
  }

  /** The .ics attachment for an event invite email; `url` is the invite link itself. */
  async calendarAttachment(mediaId: string, url: string): Promise<MailAttachment> {
    const media = await this.deps.media.findById(mediaId);
    const event = media ? await this.repo.find(mediaId) : undefined;
    if (!media || !event) throw new AppError('not_found', { message: 'Live event not found.' });
    const { fileName, ics } = this.icsFor(media, event, url);
    return { filename: fileName, contentType: 'text/calendar; charset=utf-8; method=PUBLISH', content: ics };
  }

  private icsFor(media: Media, event: LiveEvent, url: string) {
    const host = new URL(this.deps.publicUrl).host;
    const ics = buildIcs({
      uid: `${media.id}@${host}`,
      title: media.title,
      description: media.description,
      url,
      startsAt: event.starts_at,
      endsAt: event.ends_at,
      now: this.deps.clock(),
      sequence: event.schedule_revision,
    });
    return { fileName: icsFileName(media.title), ics };
  }

  /** Open rooms reload the event after every change; publishing never blocks the owner's request on failure. */
  private async announceChange(mediaId: string): Promise<void> {
    const message: RoomBusMessage = { t: 'changed' };
    await this.deps.bus.publish(roomTopic(mediaId), message).catch((err) => this.deps.logger.warn({ err, mediaId }, 'could not announce a live event change'));
  }

  private async checkRecording(user: User, recordingId: string): Promise<void> {
    const rec = await this.deps.media.findById(recordingId);
    if (!rec || (rec.owner_id !== user.id && !user.is_admin)) {
      throw new AppError('validation_failed', { message: 'Choose a video from your library.', details: { recordingMediaId: 'not found in your library' } });
    }
    if (rec.type !== 'video') {
      throw new AppError('validation_failed', { message: 'The recording must be a video.', details: { recordingMediaId: `is ${rec.type}` } });
    }
  }
}

function checkTimes(startsAt: number, endsAt: number): void {
  if (!Number.isFinite(startsAt) || !Number.isFinite(endsAt)) throw new AppError('validation_failed', { details: { startsAt: 'not a valid time' } });
  if (endsAt <= startsAt) throw new AppError('validation_failed', { message: 'The event must end after it starts.', details: { endsAt: 'must be after the start' } });
  if (endsAt - startsAt > MAX_EVENT_MS) throw new AppError('validation_failed', { message: 'An event can last at most 7 days.', details: { endsAt: 'at most 7 days after the start' } });
}

/** Rows for a speaker list; ids the client sends are kept only when they belong to this event. */
function speakerRows(mediaId: string, speakers: SpeakerInput[], known: Set<string> = new Set()) {
  return speakers.map((s, position) => ({
    id: s.id && known.has(s.id) ? s.id : randomUUID(),
    media_id: mediaId,
    position,
    name: s.name.trim(),
    title: (s.title ?? '').trim(),
    photo_key: null,
    photo_mime: null,
  }));
}
