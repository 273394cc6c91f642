import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { LiveStreamKey } from '../db/schema-live.js';

/** DIY live stream keys, one per event, stored as hashes. */
export class StreamKeyRepository {
  constructor(private readonly db: Kysely<DB>) {}

  find(mediaId: string): Promise<LiveStreamKey | undefined> {
    return this.db.selectFrom('live_stream_keys').selectAll().where('media_id', '=', mediaId).executeTakeFirst();
  }

  /** The event whose current key has this hash; deleted media never match. */
  findByHash(keyHash: string): Promise<LiveStreamKey | undefined> {
    return this.db
      .selectFrom('live_stream_keys')
      .innerJoin('media', 'media.id', 'live_stream_keys.media_id')
      .selectAll('live_stream_keys')
      .where('live_stream_keys.key_hash', '=', keyHash)
      .where('media.deleted_at', 'is', null)
      .executeTakeFirst();
  }

  /** Makes `keyHash` the event's only key: the previous one stops matching in the same statement. */
  async replace(row: LiveStreamKey): Promise<void> {
    await this.db
      .insertInto('live_stream_keys')
      .values(row)
      .onConflict((oc) => oc.column('media_id').doUpdateSet({ key_hash: row.key_hash, created_at: row.created_at }))
      .execute();
  }
}
