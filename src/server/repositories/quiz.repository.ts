import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { QuizAnswerRow, QuizAttempt } from '../db/schema-pipeline.js';

export class QuizRepository {
  constructor(private readonly db: Kysely<DB>) {}

  findQuiz(mediaId: string) {
    return this.db.selectFrom('quizzes').selectAll().where('media_id', '=', mediaId).executeTakeFirst();
  }

  async saveQuiz(row: { media_id: string; settings_json: string; questions_json: string; updated_at: number }, db: Kysely<DB> = this.db): Promise<void> {
    await db
      .insertInto('quizzes')
      .values(row)
      .onConflict((oc) => oc.column('media_id').doUpdateSet({ settings_json: row.settings_json, questions_json: row.questions_json, updated_at: row.updated_at }))
      .execute();
  }

  attemptsOf(mediaId: string, viewerKey: string): Promise<QuizAttempt[]> {
    return this.db.selectFrom('quiz_attempts').selectAll().where('media_id', '=', mediaId).where('viewer_key', '=', viewerKey).orderBy('attempt_no').execute();
  }

  allAttempts(mediaId: string): Promise<QuizAttempt[]> {
    return this.db.selectFrom('quiz_attempts').selectAll().where('media_id', '=', mediaId).orderBy('viewer_key').orderBy('attempt_no').execute();
  }

  findAttempt(mediaId: string, id: string): Promise<QuizAttempt | undefined> {
    return this.db.selectFrom('quiz_attempts').selectAll().where('media_id', '=', mediaId).where('id', '=', id).executeTakeFirst();
  }

  async insertAttempt(row: QuizAttempt): Promise<void> {
    await this.db.insertInto('quiz_attempts').values(row).execute();
  }

  /** Finishes an open attempt; false when it was already finished. */
  async finishAttempt(id: string, result: { finished_at: number; score: number; max_score: number; passed: number }): Promise<boolean> {
    const res = await this.db.updateTable('quiz_attempts').set(result).where('id', '=', id).where('finished_at', 'is', null).executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  answersOf(attemptIds: string[]): Promise<QuizAnswerRow[]> {
    if (!attemptIds.length) return Promise.resolve([]);
    return this.db.selectFrom('quiz_answers').selectAll().where('attempt_id', 'in', attemptIds).orderBy('answered_at').execute();
  }

  async insertAnswer(row: QuizAnswerRow): Promise<void> {
    await this.db.insertInto('quiz_answers').values(row).execute();
  }
}
