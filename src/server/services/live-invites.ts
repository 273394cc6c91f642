import type { InviteService } from './invite.service.js';
import type { LiveEventService } from './live-event.service.js';
import type { RoomService } from './room.service.js';
import type { SettingsService } from './settings.service.js';

/**
 * Where invites meet live events: event invites carry the start time and a calendar file, links land on
 * the event page (countdown, room) or the recording, guests have names in the room, and the site setting
 * decides whether ended events lead to their recording.
 */
export function connectInvitesToLive(deps: {
  invites: InviteService;
  liveEvents: LiveEventService;
  room: RoomService;
  settings: SettingsService;
  publicUrl: string;
}): void {
  const { invites, liveEvents, room, settings } = deps;

  liveEvents.endedGoesToRecording = async () => (await settings.get()).endedEventsGoToRecording;

  invites.hooks.eventExtras = async (media) => {
    if (media.type !== 'live') return undefined;
    const view = await liveEvents.viewFor(media, 'viewer', false);
    // The calendar entry points at the event page, not the personal link: calendars get shared and synced.
    const ics = await liveEvents.calendarAttachment(media.id, `${deps.publicUrl}/events/${media.id}`);
    return { startsAt: view.event.starts_at, ics: ics.content };
  };

  invites.hooks.landingUrl = async (media, role) => {
    if (media.type !== 'live') return undefined;
    const view = await liveEvents.viewFor(media, role, false);
    return view.leadsToRecording && view.recording ? `/media/${view.recording.id}` : `/events/${media.id}`;
  };

  room.guestNames.push(async (auth, media) => {
    if (!auth.session) return undefined;
    const grants = await invites.grants.liveFor({ mediaId: media.id, sessionId: auth.session.id, userId: auth.user?.id });
    if (!grants.length) return undefined;
    const invite = await invites.invites.findById(grants[0].invite_id);
    if (!invite) return undefined;
    return `${invite.first_name} ${invite.last_name}`.trim() || invite.email.split('@')[0];
  });
}
