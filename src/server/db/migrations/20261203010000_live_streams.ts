import type { Kysely } from 'kysely';

/**
 * Live video (issue 10): one row per event that has been broadcast (`live_streams`: state, publisher,
 * the media sequence so far, the packaging process's heartbeat, the recording) and one row per segment
 * (`live_segments`), so any process can serve the playlist, a restarted process continues the same
 * stream, and the recording is made from exactly what viewers saw.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('live_streams')
    .addColumn('media_id', 'text', (c) => c.primaryKey())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('end_reason', 'text')
    .addColumn('source', 'text')
    .addColumn('publisher_key', 'text')
    .addColumn('publisher_name', 'text')
    .addColumn('state_since', 'bigint', (c) => c.notNull())
    .addColumn('reconnect_until', 'bigint')
    .addColumn('next_msn', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('runs', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('process_id', 'text')
    .addColumn('heartbeat_at', 'bigint', (c) => c.notNull())
    .addColumn('first_segment_at', 'bigint')
    .addColumn('ended_at', 'bigint')
    .addColumn('recording_media_id', 'text')
    // the source's picture size and, once made, the lower rendition's height (the master playlist lists it)
    .addColumn('video_width', 'integer')
    .addColumn('video_height', 'integer')
    .addColumn('low_height', 'integer')
    // the recording job that is making it now holds this lease (two runs at once would make two videos)
    .addColumn('recording_claimed_until', 'bigint')
    // when its recording job was last queued (the retry sweep queues another only for a lost one)
    .addColumn('recording_queued_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('live_segments')
    .addColumn('media_id', 'text', (c) => c.notNull())
    .addColumn('msn', 'integer', (c) => c.notNull())
    .addColumn('run', 'integer', (c) => c.notNull())
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .addColumn('discontinuity', 'integer', (c) => c.notNull())
    .addColumn('program_date_time', 'bigint', (c) => c.notNull())
    .addColumn('size_bytes', 'integer', (c) => c.notNull())
    .addColumn('storage_key', 'text', (c) => c.notNull())
    // the lower rendition's segment of the same number, when made (its key: storage-keys liveLowSegmentKey)
    .addColumn('low_size_bytes', 'integer')
    .addPrimaryKeyConstraint('live_segments_pk', ['media_id', 'msn'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('live_segments').ifExists().execute();
  await db.schema.dropTable('live_streams').ifExists().execute();
}
