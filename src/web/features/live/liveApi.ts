import { eventPageSchema, type EventPageDto } from '../../../contracts/live.js';
import { api } from '../../api/client.js';

export async function fetchEventPage(eventId: string, signal?: AbortSignal): Promise<EventPageDto> {
  return eventPageSchema.parse(await api<unknown>(`/api/events/${encodeURIComponent(eventId)}`, { signal }));
}

/** ws:// or wss:// address of an event's room, on this site. */
export const roomSocketUrl = (eventId: string) => `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/events/${encodeURIComponent(eventId)}/room`;
