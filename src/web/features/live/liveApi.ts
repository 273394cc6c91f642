import { errorBodySchema } from '../../../contracts/errors.js';
import { eventPageSchema, type EventPageDto } from '../../../contracts/live.js';

/**
 * The live feature's few HTTP calls. Kept standalone so the feature has no dependency on the app's
 * API client; when both meet in main, these can move onto `api/client.ts` unchanged in behaviour.
 */
export class LiveApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export async function fetchEventPage(eventId: string, signal?: AbortSignal): Promise<EventPageDto> {
  let res: Response;
  try {
    res = await fetch(`/api/events/${encodeURIComponent(eventId)}`, { credentials: 'same-origin', signal, headers: { accept: 'application/json' } });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new LiveApiError('network_error', 'Could not reach the server. Check your connection.', 0);
  }
  const body: unknown = await res.json().catch(() => undefined);
  if (!res.ok) {
    const parsed = errorBodySchema.safeParse(body);
    throw parsed.success ? new LiveApiError(parsed.data.error.code, parsed.data.error.message, res.status) : new LiveApiError('internal_error', `The server answered ${res.status}.`, res.status);
  }
  return eventPageSchema.parse(body);
}

/** ws:// or wss:// address of an event's room, on this site. */
export const roomSocketUrl = (eventId: string) => `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/events/${encodeURIComponent(eventId)}/room`;
