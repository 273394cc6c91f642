import type { LiveStreamStatusDto } from '../../contracts/live-video.js';
import type { LiveStreamRow } from '../db/schema-live.js';
import { iso } from './time.js';

/** The live stream's status as every role sees it, from its row (no row: nothing broadcast yet). */
export function statusOf(row: Pick<LiveStreamRow, 'state' | 'end_reason' | 'source' | 'publisher_name' | 'state_since' | 'reconnect_until'> | undefined): LiveStreamStatusDto {
  if (!row) return { state: 'waiting', reason: null, source: null, publisherName: null, since: null, reconnectUntil: null };
  return {
    state: row.state,
    reason: row.state === 'ended' ? row.end_reason : null,
    source: row.state === 'waiting' ? null : row.source,
    publisherName: row.state === 'waiting' || row.state === 'ended' ? null : row.publisher_name,
    since: iso(row.state_since),
    reconnectUntil: row.state === 'reconnecting' && row.reconnect_until !== null ? iso(row.reconnect_until) : null,
  };
}

