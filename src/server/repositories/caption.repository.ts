import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { Caption } from '../db/schema-pipeline.js';

export class CaptionRepository {
  constructor(private readonly db: Kysely<DB>) {}

  listByMedia(mediaId: string): Promise<Caption[]> {
    return this.db.selectFrom('media_captions').selectAll().where('media_id', '=', mediaId).orderBy('created_at').execute();
  }

  find(mediaId: string, id: string): Promise<Caption | undefined> {
    return this.db.selectFrom('media_captions').selectAll().where('media_id', '=', mediaId).where('id', '=', id).executeTakeFirst();
  }

  async insert(row: Caption): Promise<void> {
    await this.db.insertInto('media_captions').values(row).execute();
  }

  async delete(mediaId: string, id: string): Promise<void> {
    await this.db.deleteFrom('media_captions').where('media_id', '=', mediaId).where('id', '=', id).execute();
  }
}
