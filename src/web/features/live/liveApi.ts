import { eventPageSchema, type EventPageDto } from '../../../contracts/live.js';
import { livePlaybackSchema, type LivePlaybackDto } from '../../../contracts/live-video.js';
import { api } from '../../api/client.js';

export async function fetchEventPage(eventId: string, signal?: AbortSignal): Promise<EventPageDto> {
  return eventPageSchema.parse(await api<unknown>(`/api/events/${encodeURIComponent(eventId)}`, { signal }));
}

/** The room's `playbackUrl` (GET /api/events/:id/live): this visitor's signed playlist, and whether they may broadcast. */
export async function fetchLivePlayback(playbackUrl: string, signal?: AbortSignal): Promise<LivePlaybackDto> {
  return livePlaybackSchema.parse(await api<unknown>(playbackUrl, { signal }));
}

/** ws:// or wss:// for a same-origin socket path (or URL). */
export const socketUrlFor = (pathOrUrl: string) => {
  const u = new URL(pathOrUrl, location.href);
  u.protocol = u.protocol === 'https:' || u.protocol === 'wss:' ? 'wss:' : 'ws:';
  return u.href;
};

/** ws:// or wss:// address of an event's room, on this site. */
export const roomSocketUrl = (eventId: string) => socketUrlFor(`/api/events/${encodeURIComponent(eventId)}/room`);
