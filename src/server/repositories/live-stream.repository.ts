import type { Insertable, Kysely, Updateable } from 'kysely';
import type { DB } from '../db/schema.js';
import type { LiveSegmentRow, LiveSegmentsTable, LiveStreamRow, LiveStreamsTable } from '../db/schema-live.js';
import { Precompiled } from './compiled.js';

/** An event's live stream and its segments. */
export class LiveStreamRepository {
  constructor(private readonly db: Kysely<DB>) {}

  private readonly byId = new Precompiled<{ mediaId: string }, LiveStreamRow>((db, p) => db.selectFrom('live_streams').selectAll().where('media_id', '=', p('mediaId')));

  find(mediaId: string): Promise<LiveStreamRow | undefined> {
    return this.byId.first(this.db, { mediaId });
  }

  /** Creates the row if the event has none yet (a stream is created once per event). */
  async ensure(row: Insertable<LiveStreamsTable>): Promise<LiveStreamRow> {
    await this.db.insertInto('live_streams').values(row).onConflict((oc) => oc.column('media_id').doNothing()).execute();
    return (await this.find(row.media_id))!;
  }

  async update(mediaId: string, patch: Updateable<LiveStreamsTable>): Promise<void> {
    await this.db.updateTable('live_streams').set(patch).where('media_id', '=', mediaId).execute();
  }

  /**
   * Moves the stream to `ended` unless it is already: true for the one caller that did it (several
   * processes may notice an abandoned stream at once; one makes its recording).
   */
  async markEnded(mediaId: string, patch: Updateable<LiveStreamsTable>): Promise<boolean> {
    const r = await this.db.updateTable('live_streams').set({ ...patch, state: 'ended' }).where('media_id', '=', mediaId).where('state', '!=', 'ended').executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /** Takes over packaging from a process whose heartbeat is older than `staleBefore`, or that is this process. */
  async claim(mediaId: string, processId: string, staleBefore: number, now: number): Promise<boolean> {
    const r = await this.db
      .updateTable('live_streams')
      .set({ process_id: processId, heartbeat_at: now })
      .where('media_id', '=', mediaId)
      .where((eb) => eb.or([eb('process_id', 'is', null), eb('process_id', '=', processId), eb('heartbeat_at', '<', staleBefore)]))
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /** Streams not ended whose packaging process stopped beating: their publisher is gone for good unless it comes back. */
  abandoned(staleBefore: number): Promise<LiveStreamRow[]> {
    return this.db.selectFrom('live_streams').selectAll().where('state', '!=', 'ended').where('heartbeat_at', '<', staleBefore).execute();
  }

  /**
   * The recording job takes the making of the recording: true when no recording exists and no other
   * run holds it (or its lease ran out). Renewed by the holder while it works; released on failure.
   */
  async claimRecording(mediaId: string, now: number, until: number): Promise<boolean> {
    const r = await this.db
      .updateTable('live_streams')
      .set({ recording_claimed_until: until })
      .where('media_id', '=', mediaId)
      .where('recording_media_id', 'is', null)
      .where((eb) => eb.or([eb('recording_claimed_until', 'is', null), eb('recording_claimed_until', '<', now)]))
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async releaseRecording(mediaId: string): Promise<void> {
    await this.db.updateTable('live_streams').set({ recording_claimed_until: null }).where('media_id', '=', mediaId).where('recording_media_id', 'is', null).execute();
  }

  /** Ended streams whose recording is not made yet (a job was lost, or storage was full). */
  /** Ended streams without a recording whose job is not queued or was queued before `queuedBefore` (lost). */
  endedWithoutRecording(endedAfter: number, now: number, queuedBefore: number): Promise<LiveStreamRow[]> {
    return this.db
      .selectFrom('live_streams')
      .selectAll()
      .where('state', '=', 'ended')
      .where('recording_media_id', 'is', null)
      // not while a job is making it
      .where((eb) => eb.or([eb('recording_claimed_until', 'is', null), eb('recording_claimed_until', '<', now)]))
      .where('first_segment_at', 'is not', null)
      .where((eb) => eb.or([eb('recording_queued_at', 'is', null), eb('recording_queued_at', '<', queuedBefore)]))
      .where('ended_at', '>', endedAfter)
      .execute();
  }

  async addSegment(row: LiveSegmentRow, nextMsn: number, now: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('live_segments').values(row).execute();
      await trx
        .updateTable('live_streams')
        .set((eb) => ({ next_msn: nextMsn, heartbeat_at: now, first_segment_at: eb.fn.coalesce('first_segment_at', eb.val(now)) }))
        .where('media_id', '=', row.media_id)
        .execute();
    });
  }

  /** Streams that ended before `endedBefore`, whose recording is made and whose segments are still kept. */
  async recordedWithSegments(endedBefore: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('live_streams')
      .select('media_id')
      .where('state', '=', 'ended')
      .where('recording_media_id', 'is not', null)
      .where('ended_at', '<', endedBefore)
      .where((eb) => eb.exists(eb.selectFrom('live_segments').select('msn').whereRef('live_segments.media_id', '=', 'live_streams.media_id')))
      .execute();
    return rows.map((r) => r.media_id);
  }

  /** The lower rendition's segment of this number is stored. */
  async setLowSegment(mediaId: string, msn: number, sizeBytes: number): Promise<void> {
    await this.db.updateTable('live_segments').set({ low_size_bytes: sizeBytes }).where('media_id', '=', mediaId).where('msn', '=', msn).execute();
  }

  /** The newest `limit` segments, oldest first. */
  async tail(mediaId: string, limit: number): Promise<LiveSegmentRow[]> {
    const rows = await this.db.selectFrom('live_segments').selectAll().where('media_id', '=', mediaId).orderBy('msn', 'desc').limit(limit).execute();
    return rows.reverse();
  }

  /** Discontinuities before a sequence number (for the playlist's discontinuity sequence). */
  async discontinuitiesBefore(mediaId: string, msn: number): Promise<number> {
    const r = await this.db
      .selectFrom('live_segments')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('media_id', '=', mediaId)
      .where('msn', '<', msn)
      .where('discontinuity', '=', 1)
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  segments(mediaId: string): Promise<LiveSegmentRow[]> {
    return this.db.selectFrom('live_segments').selectAll().where('media_id', '=', mediaId).orderBy('msn', 'asc').execute();
  }

  async removeSegments(mediaId: string): Promise<void> {
    await this.db.deleteFrom('live_segments').where('media_id', '=', mediaId).execute();
  }

  async remove(mediaId: string): Promise<void> {
    await this.db.deleteFrom('live_segments').where('media_id', '=', mediaId).execute();
    await this.db.deleteFrom('live_streams').where('media_id', '=', mediaId).execute();
  }
}

export type { LiveSegmentsTable };
