import type { Kysely } from 'kysely';

/**
 * Live events (a `media` row of type 'live' plus its schedule) and everything said in their rooms.
 * Room activity is kept twice on purpose: as current state (messages, questions, polls) for a joining
 * client's snapshot, and as an append-only log with a per-room, per-stream sequence for resuming
 * without gaps or duplicates.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('live_events')
    .addColumn('media_id', 'text', (c) => c.primaryKey().references('media.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('starts_at', 'bigint', (c) => c.notNull())
    .addColumn('ends_at', 'bigint', (c) => c.notNull())
    .addColumn('time_zone', 'text', (c) => c.notNull())
    .addColumn('qa_mode', 'text', (c) => c.notNull())
    .addColumn('early_entry_minutes', 'integer', (c) => c.notNull().defaultTo(15))
    .addColumn('recording_media_id', 'text', (c) => c.references('media.id').onDelete('set null'))
    .addColumn('started_at', 'bigint')
    .addColumn('ended_at', 'bigint')
    .addColumn('schedule_revision', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('live_events_recording_idx').on('live_events').column('recording_media_id').execute();

  await db.schema
    .createTable('live_speakers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('media_id', 'text', (c) => c.notNull().references('media.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('photo_key', 'text')
    .addColumn('photo_mime', 'text')
    .execute();
  await db.schema.createIndex('live_speakers_media_idx').on('live_speakers').columns(['media_id', 'position']).execute();

  await db.schema
    .createTable('room_participants')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('room_id', 'text', (c) => c.notNull().references('media.id').onDelete('cascade'))
    .addColumn('participant_key', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('first_joined_at', 'bigint', (c) => c.notNull())
    .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
    .addColumn('muted_at', 'bigint')
    .addColumn('muted_by', 'text')
    .addUniqueConstraint('room_participants_key_uq', ['room_id', 'participant_key'])
    .execute();

  // Who is connected, through which server process; a process's rows count while its heartbeat is fresh.
  await db.schema
    .createTable('room_presence')
    .addColumn('connection_id', 'text', (c) => c.primaryKey())
    .addColumn('room_id', 'text', (c) => c.notNull())
    .addColumn('participant_id', 'text', (c) => c.notNull())
    .addColumn('process_id', 'text', (c) => c.notNull())
    .addColumn('joined_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('room_presence_room_idx').on('room_presence').column('room_id').execute();
  await db.schema.createIndex('room_presence_process_idx').on('room_presence').column('process_id').execute();
  await db.schema
    .createTable('room_processes')
    .addColumn('process_id', 'text', (c) => c.primaryKey())
    .addColumn('seen_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('room_sequences')
    .addColumn('room_id', 'text', (c) => c.notNull())
    .addColumn('stream', 'text', (c) => c.notNull())
    .addColumn('last_seq', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('room_sequences_pk', ['room_id', 'stream'])
    .execute();

  await db.schema
    .createTable('room_events')
    .addColumn('room_id', 'text', (c) => c.notNull())
    .addColumn('stream', 'text', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('data_json', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('room_events_pk', ['room_id', 'stream', 'seq'])
    .execute();

  await db.schema
    .createTable('room_messages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('room_id', 'text', (c) => c.notNull().references('media.id').onDelete('cascade'))
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('author_id', 'text', (c) => c.notNull())
    .addColumn('author_name', 'text', (c) => c.notNull())
    .addColumn('author_role', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('likes', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('client_ref', 'text')
    .addColumn('seq', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('deleted_at', 'bigint')
    .addColumn('deleted_by', 'text')
    .execute();
  await db.schema.createIndex('room_messages_room_idx').on('room_messages').columns(['room_id', 'channel', 'seq']).execute();
  await db.schema.createIndex('room_messages_ref_uq').on('room_messages').columns(['room_id', 'author_id', 'client_ref']).unique().execute();

  await db.schema
    .createTable('room_message_likes')
    .addColumn('message_id', 'text', (c) => c.notNull().references('room_messages.id').onDelete('cascade'))
    .addColumn('participant_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('room_message_likes_pk', ['message_id', 'participant_id'])
    .execute();

  await db.schema
    .createTable('room_questions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('room_id', 'text', (c) => c.notNull().references('media.id').onDelete('cascade'))
    .addColumn('author_id', 'text', (c) => c.notNull())
    .addColumn('author_name', 'text', (c) => c.notNull())
    .addColumn('anonymous', 'integer', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('pinned', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('upvotes', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('answer_text', 'text')
    .addColumn('answered_by', 'text')
    .addColumn('answered_at', 'bigint')
    .addColumn('answered_live_at', 'bigint')
    .addColumn('client_ref', 'text')
    .addColumn('rev', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('room_questions_room_idx').on('room_questions').columns(['room_id', 'created_at']).execute();
  await db.schema.createIndex('room_questions_ref_uq').on('room_questions').columns(['room_id', 'author_id', 'client_ref']).unique().execute();

  await db.schema
    .createTable('room_question_votes')
    .addColumn('question_id', 'text', (c) => c.notNull().references('room_questions.id').onDelete('cascade'))
    .addColumn('participant_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('room_question_votes_pk', ['question_id', 'participant_id'])
    .execute();

  await db.schema
    .createTable('room_polls')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('room_id', 'text', (c) => c.notNull().references('media.id').onDelete('cascade'))
    .addColumn('question', 'text', (c) => c.notNull())
    .addColumn('options_json', 'text', (c) => c.notNull())
    .addColumn('multiple', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('results_shown', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('rev', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('closed_at', 'bigint')
    .execute();
  await db.schema.createIndex('room_polls_room_idx').on('room_polls').columns(['room_id', 'created_at']).execute();

  await db.schema
    .createTable('room_poll_votes')
    .addColumn('poll_id', 'text', (c) => c.notNull().references('room_polls.id').onDelete('cascade'))
    .addColumn('participant_id', 'text', (c) => c.notNull())
    .addColumn('option_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('room_poll_votes_pk', ['poll_id', 'participant_id', 'option_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    'room_poll_votes',
    'room_polls',
    'room_question_votes',
    'room_questions',
    'room_message_likes',
    'room_messages',
    'room_events',
    'room_sequences',
    'room_processes',
    'room_presence',
    'room_participants',
    'live_speakers',
    'live_events',
  ]) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
