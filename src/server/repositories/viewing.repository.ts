import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { ViewProgress } from '../db/schema-pipeline.js';

export class ViewingRepository {
  constructor(private readonly db: Kysely<DB>) {}

  find(mediaId: string, viewerKey: string): Promise<ViewProgress | undefined> {
    return this.db.selectFrom('view_progress').selectAll().where('media_id', '=', mediaId).where('viewer_key', '=', viewerKey).executeTakeFirst();
  }

  listByMedia(mediaId: string): Promise<ViewProgress[]> {
    return this.db.selectFrom('view_progress').selectAll().where('media_id', '=', mediaId).orderBy('last_view_at', 'desc').execute();
  }

  /** Inserts the first row of a viewer; false when another request inserted it first. */
  async insert(row: ViewProgress): Promise<boolean> {
    const res = await this.db.insertInto('view_progress').values(row).onConflict((oc) => oc.columns(['media_id', 'viewer_key']).doNothing()).executeTakeFirst();
    return Number(res.numInsertedOrUpdatedRows ?? 0) === 1;
  }

  /** Compare-and-set on `version`: false when another report got there first. */
  async update(row: ViewProgress, expectedVersion: number): Promise<boolean> {
    const res = await this.db
      .updateTable('view_progress')
      .set({
        last_view_at: row.last_view_at,
        position_seconds: row.position_seconds,
        seconds_watched: row.seconds_watched,
        ranges_json: row.ranges_json,
        version: expectedVersion + 1,
        session_id: row.session_id,
      })
      .where('media_id', '=', row.media_id)
      .where('viewer_key', '=', row.viewer_key)
      .where('version', '=', expectedVersion)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }
}
