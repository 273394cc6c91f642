import type { Insertable, Kysely } from 'kysely';
import type { DB, Media, MediaTable, MediaUpdate } from '../db/schema.js';
import { Precompiled } from './compiled.js';

export class MediaRepository {
  constructor(private readonly db: Kysely<DB>) {}

  private readonly anyById = new Precompiled<{ id: string }, Media>((db, p) => db.selectFrom('media').selectAll().where('id', '=', p('id')));

  async insert(row: Insertable<MediaTable>, db: Kysely<DB> = this.db): Promise<void> {
    await db.insertInto('media').values(row).execute();
  }

  /** Any media row, deleted or not (invites need to tell "deleted" from "unknown"). */
  findAnyById(id: string): Promise<Media | undefined> {
    return this.anyById.first(this.db, { id });
  }

  private readonly byId = new Precompiled<{ id: string }, Media>((db, p) => db.selectFrom('media').selectAll().where('id', '=', p('id')).where('deleted_at', 'is', null));

  findById(id: string): Promise<Media | undefined> {
    return this.byId.first(this.db, { id });
  }

  /** Titles of media rows (deleted ones too), in one query. */
  async titles(ids: string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db.selectFrom('media').select(['id', 'title']).where('id', 'in', ids).execute();
    return new Map(rows.map((r) => [r.id, r.title]));
  }

  /** Title, type and whether it was deleted, for ids (deleted rows stay, soft-deleted). */
  summaries(ids: string[]): Promise<Array<{ id: string; title: string; type: string; deleted_at: number | null }>> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.db.selectFrom('media').select(['id', 'title', 'type', 'deleted_at']).where('id', 'in', ids).orderBy('title').execute();
  }

  listByOwner(ownerId: string): Promise<Media[]> {
    return this.db
      .selectFrom('media')
      .selectAll()
      .where('owner_id', '=', ownerId)
      .where('deleted_at', 'is', null)
      .orderBy('created_at', 'desc')
      .execute();
  }

  listAll(): Promise<Media[]> {
    return this.db.selectFrom('media').selectAll().where('deleted_at', 'is', null).orderBy('created_at', 'desc').execute();
  }

  async update(id: string, patch: MediaUpdate, db: Kysely<DB> = this.db): Promise<void> {
    await db.updateTable('media').set(patch).where('id', '=', id).execute();
  }
}
