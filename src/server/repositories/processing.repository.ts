import type { Kysely } from 'kysely';
import type { DB, Media } from '../db/schema.js';

/** Processing state of media rows (the pipeline's columns); never touches deleted media. */
export class ProcessingRepository {
  constructor(private readonly db: Kysely<DB>) {}

  find(id: string): Promise<Media | undefined> {
    return this.db.selectFrom('media').selectAll().where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst();
  }

  async setState(id: string, state: { status: Media['status']; progress?: number; failureReason?: string | null }, now: number): Promise<boolean> {
    const res = await this.db
      .updateTable('media')
      .set({
        status: state.status,
        ...(state.progress !== undefined ? { processing_progress: state.progress } : {}),
        ...(state.failureReason !== undefined ? { failure_reason: state.failureReason } : {}),
        updated_at: now,
      })
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  async setProgress(id: string, percent: number): Promise<void> {
    await this.db.updateTable('media').set({ processing_progress: percent }).where('id', '=', id).where('status', '=', 'processing').execute();
  }

  /** Publishes finished output. False when the media was deleted meanwhile (the caller removes the output). */
  async markReady(
    id: string,
    out: { hlsKey: string; posterKey: string | null; thumbnailsJson: string | null; durationSeconds: number | null; width: number | null; height: number | null },
    now: number,
  ): Promise<boolean> {
    const res = await this.db
      .updateTable('media')
      .set({
        status: 'ready',
        processing_progress: 100,
        failure_reason: null,
        hls_key: out.hlsKey,
        poster_key: out.posterKey,
        thumbnails_json: out.thumbnailsJson,
        duration_seconds: out.durationSeconds,
        width: out.width,
        height: out.height,
        updated_at: now,
      })
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }
}
