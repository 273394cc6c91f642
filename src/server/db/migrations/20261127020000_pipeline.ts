import type { Kysely } from 'kysely';

/**
 * Media pipeline: the job queue, processing state on media, captions, quizzes and viewing progress.
 * Portable between SQLite and PostgreSQL: one column per ALTER (SQLite's rule), JSON kept as text.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('jobs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('data_json', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('max_attempts', 'integer', (c) => c.notNull())
    .addColumn('run_at', 'bigint', (c) => c.notNull())
    .addColumn('lease_until', 'bigint')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('finished_at', 'bigint')
    .execute();
  await db.schema.createIndex('jobs_due_idx').on('jobs').columns(['name', 'status', 'run_at']).execute();

  const mediaColumns: Array<[string, 'integer' | 'text' | 'double precision', boolean]> = [
    ['processing_progress', 'integer', true],
    ['failure_reason', 'text', false],
    ['duration_seconds', 'double precision', false],
    ['width', 'integer', false],
    ['height', 'integer', false],
    ['hls_key', 'text', false],
    ['poster_key', 'text', false],
    ['thumbnails_json', 'text', false],
    ['block_download', 'integer', true],
  ];
  for (const [name, type, withDefault] of mediaColumns) {
    await db.schema
      .alterTable('media')
      .addColumn(name, type, (c) => (withDefault ? c.notNull().defaultTo(0) : c))
      .execute();
  }

  await db.schema
    .createTable('media_captions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('media_id', 'text', (c) => c.notNull().references('media.id').onDelete('cascade'))
    .addColumn('lang', 'text', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('storage_key', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('media_captions_media_idx').on('media_captions').column('media_id').execute();

  await db.schema
    .createTable('quizzes')
    .addColumn('media_id', 'text', (c) => c.primaryKey().references('media.id').onDelete('cascade'))
    .addColumn('settings_json', 'text', (c) => c.notNull())
    .addColumn('questions_json', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('quiz_attempts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('media_id', 'text', (c) => c.notNull().references('media.id').onDelete('cascade'))
    .addColumn('viewer_key', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text')
    .addColumn('session_id', 'text')
    .addColumn('attempt_no', 'integer', (c) => c.notNull())
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('finished_at', 'bigint')
    .addColumn('score', 'double precision')
    .addColumn('max_score', 'double precision')
    .addColumn('passed', 'integer')
    .addUniqueConstraint('quiz_attempts_viewer_no', ['media_id', 'viewer_key', 'attempt_no'])
    .execute();

  await db.schema
    .createTable('quiz_answers')
    .addColumn('attempt_id', 'text', (c) => c.notNull().references('quiz_attempts.id').onDelete('cascade'))
    .addColumn('question_id', 'text', (c) => c.notNull())
    .addColumn('answer_json', 'text', (c) => c.notNull())
    .addColumn('correct', 'integer')
    .addColumn('points', 'double precision', (c) => c.notNull())
    .addColumn('answered_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('quiz_answers_pk', ['attempt_id', 'question_id'])
    .execute();

  await db.schema
    .createTable('view_progress')
    .addColumn('media_id', 'text', (c) => c.notNull().references('media.id').onDelete('cascade'))
    .addColumn('viewer_key', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text')
    .addColumn('session_id', 'text')
    .addColumn('first_view_at', 'bigint', (c) => c.notNull())
    .addColumn('last_view_at', 'bigint', (c) => c.notNull())
    .addColumn('position_seconds', 'double precision', (c) => c.notNull())
    .addColumn('seconds_watched', 'double precision', (c) => c.notNull())
    .addColumn('ranges_json', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('view_progress_pk', ['media_id', 'viewer_key'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['view_progress', 'quiz_answers', 'quiz_attempts', 'quizzes', 'media_captions', 'jobs']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
  for (const c of ['block_download', 'thumbnails_json', 'poster_key', 'hls_key', 'height', 'width', 'duration_seconds', 'failure_reason', 'processing_progress']) {
    await db.schema.alterTable('media').dropColumn(c).execute();
  }
}
