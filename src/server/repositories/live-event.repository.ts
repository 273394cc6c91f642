import type { Insertable, Kysely, Updateable } from 'kysely';
import type { DB } from '../db/schema.js';
import type { LiveEvent, LiveEventsTable, LiveSpeaker, LiveSpeakersTable } from '../db/schema-live.js';
import { Precompiled } from './compiled.js';

export class LiveEventRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async insert(row: Insertable<LiveEventsTable>, db: Kysely<DB> = this.db): Promise<void> {
    await db.insertInto('live_events').values(row).execute();
  }

  // read on every visit to an event (page, room, lobby): built and compiled once
  private readonly byId = new Precompiled<{ mediaId: string }, LiveEvent>((db, p) => db.selectFrom('live_events').selectAll().where('media_id', '=', p('mediaId')));
  private readonly speakersOf = new Precompiled<{ mediaId: string }, LiveSpeaker>((db, p) => db.selectFrom('live_speakers').selectAll().where('media_id', '=', p('mediaId')).orderBy('position'));

  find(mediaId: string, db: Kysely<DB> = this.db): Promise<LiveEvent | undefined> {
    return this.byId.first(db, { mediaId });
  }

  /** The events of several live media items, in one query (the library). */
  findMany(mediaIds: string[]): Promise<LiveEvent[]> {
    if (!mediaIds.length) return Promise.resolve([]);
    return this.db.selectFrom('live_events').selectAll().where('media_id', 'in', mediaIds).execute();
  }

  async update(mediaId: string, patch: Updateable<LiveEventsTable>, db: Kysely<DB> = this.db): Promise<void> {
    await db.updateTable('live_events').set(patch).where('media_id', '=', mediaId).execute();
  }

  /** Live events (not deleted) that show this media as their recording. */
  withRecording(mediaId: string): Promise<LiveEvent[]> {
    return this.db
      .selectFrom('live_events')
      .innerJoin('media', 'media.id', 'live_events.media_id')
      .selectAll('live_events')
      .where('live_events.recording_media_id', '=', mediaId)
      .where('media.deleted_at', 'is', null)
      .execute();
  }

  speakers(mediaId: string, db: Kysely<DB> = this.db): Promise<LiveSpeaker[]> {
    return this.speakersOf.all(db, { mediaId });
  }

  findSpeaker(mediaId: string, speakerId: string): Promise<LiveSpeaker | undefined> {
    return this.db.selectFrom('live_speakers').selectAll().where('media_id', '=', mediaId).where('id', '=', speakerId).executeTakeFirst();
  }

  /** Makes the speaker list exactly `rows` (in order); returns the rows that were dropped, for photo clean-up. */
  async replaceSpeakers(mediaId: string, rows: Insertable<LiveSpeakersTable>[], db: Kysely<DB> = this.db): Promise<LiveSpeaker[]> {
    const existing = await this.speakers(mediaId, db);
    const keep = new Set(rows.map((r) => r.id));
    const dropped = existing.filter((s) => !keep.has(s.id));
    if (dropped.length) await db.deleteFrom('live_speakers').where('id', 'in', dropped.map((s) => s.id)).execute();
    const existingIds = new Set(existing.map((s) => s.id));
    for (const row of rows) {
      if (existingIds.has(row.id)) {
        await db.updateTable('live_speakers').set({ position: row.position, name: row.name, title: row.title }).where('id', '=', row.id).execute();
      } else {
        await db.insertInto('live_speakers').values(row).execute();
      }
    }
    return dropped;
  }

  async setCover(mediaId: string, cover: { key: string; mime: string } | null, now: number): Promise<void> {
    await this.db.updateTable('live_events').set({ cover_key: cover?.key ?? null, cover_mime: cover?.mime ?? null, updated_at: now }).where('media_id', '=', mediaId).execute();
  }

  async setSpeakerPhoto(speakerId: string, photo: { key: string; mime: string }): Promise<void> {
    await this.db.updateTable('live_speakers').set({ photo_key: photo.key, photo_mime: photo.mime }).where('id', '=', speakerId).execute();
  }
}
