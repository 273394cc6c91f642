import type { User } from '../db/schema.js';
import type { ViewProgress } from '../db/schema-pipeline.js';
import { merge, percentSeen, playedSeconds, type Range } from '../domain/watched-ranges.js';
import type { Visitor } from '../domain/visitor.js';
import { AppError } from '../errors.js';
import type { ViewingRepository } from '../repositories/viewing.repository.js';
import type { AccessService } from './access.service.js';
import type { MediaService } from './media.service.js';
import { viewerOf, type ViewerDirectory } from './viewers.js';
import { iso } from '../domain/time.js';

/** A player reports about every 10 s; one report never adds more than this to "minutes watched". */
export const MAX_SECONDS_PER_REPORT = 120;
/** Ranges are clamped to this when the duration is not known yet. */
const UNKNOWN_DURATION_LIMIT = 48 * 3600;
/** Closer than this to the end, playback starts over next time instead of resuming. */
const RESUME_END_MARGIN_SECONDS = 5;
// Each lost compare-and-set means another report of the same viewer was stored, so this bounds tabs, not time.
const MAX_WRITE_TRIES = 25;

/**
 * Viewing analytics: per viewer and media, first and last view, time watched (every played
 * second, re-watching included) and the part seen (merged ranges over the duration), and the
 * position to resume from.
 */
export class ViewingService {
  private readonly repo: ViewingRepository;

  constructor(private readonly deps: { repo: ViewingRepository; media: MediaService; access: AccessService; viewers: ViewerDirectory; clock: () => number }) {
    this.repo = deps.repo;
  }

  async report(auth: Visitor, mediaId: string, input: { positionSeconds: number; ranges: Range[] }): Promise<{ percentSeen: number; secondsWatched: number }> {
    const { media } = await this.deps.access.view(auth, mediaId);
    const viewer = viewerOf(auth, media.id);
    const limit = media.duration_seconds ?? UNKNOWN_DURATION_LIMIT;
    const added = playedSeconds(input.ranges, limit, MAX_SECONDS_PER_REPORT);
    const position = Math.min(input.positionSeconds, limit);
    // Optimistic retries: two tabs reporting at once must not lose each other's ranges.
    for (let i = 0; i < MAX_WRITE_TRIES; i++) {
      const now = this.deps.clock();
      const cur = await this.repo.find(media.id, viewer.key);
      if (!cur) {
        const row: ViewProgress = {
          media_id: media.id,
          viewer_key: viewer.key,
          user_id: viewer.userId,
          session_id: viewer.sessionId,
          first_view_at: now,
          last_view_at: now,
          position_seconds: position,
          seconds_watched: added,
          ranges_json: JSON.stringify(merge([], input.ranges, limit)),
          version: 0,
        };
        if (await this.repo.insert(row)) return { percentSeen: percentSeen(JSON.parse(row.ranges_json), media.duration_seconds), secondsWatched: added };
        continue;
      }
      const ranges = merge(JSON.parse(cur.ranges_json) as Range[], input.ranges, limit);
      const next: ViewProgress = {
        ...cur,
        last_view_at: now,
        position_seconds: position,
        seconds_watched: cur.seconds_watched + added,
        ranges_json: JSON.stringify(ranges),
        session_id: viewer.sessionId ?? cur.session_id,
      };
      if (await this.repo.update(next, cur.version)) return { percentSeen: percentSeen(ranges, media.duration_seconds), secondsWatched: next.seconds_watched };
    }
    throw new AppError('conflict', { message: 'Viewing progress kept changing under concurrent reports. Try again.' });
  }

  /** Where this viewer should resume, or null to start at the beginning. */
  async resumeAt(auth: Visitor, mediaId: string, durationSeconds: number | null): Promise<number | null> {
    if (!auth.user && !auth.session) return null;
    const row = await this.repo.find(mediaId, viewerOf(auth, mediaId).key);
    if (!row || row.position_seconds <= 0) return null;
    if (durationSeconds && row.position_seconds > durationSeconds - RESUME_END_MARGIN_SECONDS) return null;
    return row.position_seconds;
  }

  /** Per-viewer figures for the owner's "people with access". */
  async forOwner(user: User, mediaId: string) {
    const media = await this.deps.media.getManaged(user, mediaId);
    const rows = await this.repo.listByMedia(media.id);
    const refs = await this.deps.viewers.describe(rows.map((r) => ({ key: r.viewer_key, userId: r.user_id, sessionId: r.session_id })), media.id);
    return {
      durationSeconds: media.duration_seconds,
      items: rows.map((r) => {
        const ranges = JSON.parse(r.ranges_json) as Range[];
        return {
          viewer: refs.get(r.viewer_key)!,
          firstViewAt: iso(r.first_view_at),
          lastViewAt: iso(r.last_view_at),
          minutesWatched: Math.round((r.seconds_watched / 60) * 10) / 10,
          percentSeen: percentSeen(ranges, media.duration_seconds),
          positionSeconds: r.position_seconds,
        };
      }),
    };
  }
}
