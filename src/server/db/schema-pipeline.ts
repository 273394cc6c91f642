import type { Selectable } from 'kysely';

/** Tables of the media pipeline (migration 20261127020000_pipeline). */

export interface JobsTable {
  id: string;
  name: string;
  data_json: string;
  status: 'queued' | 'running' | 'done' | 'failed';
  attempts: number;
  max_attempts: number;
  run_at: number;
  lease_until: number | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
  finished_at: number | null;
}

export interface MediaCaptionsTable {
  id: string;
  media_id: string;
  lang: string;
  label: string;
  storage_key: string;
  created_at: number;
}

export interface QuizzesTable {
  media_id: string;
  settings_json: string;
  questions_json: string;
  updated_at: number;
}

export interface QuizAttemptsTable {
  id: string;
  media_id: string;
  /** `user:<id>` for accounts, `session:<id>` for invite guests. */
  viewer_key: string;
  user_id: string | null;
  session_id: string | null;
  attempt_no: number;
  started_at: number;
  finished_at: number | null;
  score: number | null;
  max_score: number | null;
  passed: number | null;
}

export interface QuizAnswersTable {
  attempt_id: string;
  question_id: string;
  answer_json: string;
  /** 1 right, 0 wrong, null for open answers (not auto-scored). */
  correct: number | null;
  points: number;
  answered_at: number;
}

export interface ViewProgressTable {
  media_id: string;
  viewer_key: string;
  user_id: string | null;
  session_id: string | null;
  first_view_at: number;
  last_view_at: number;
  position_seconds: number;
  seconds_watched: number;
  /** Merged [start, end] second ranges seen, JSON. */
  ranges_json: string;
  /** Optimistic concurrency: each write bumps it. */
  version: number;
}

export interface PipelineTables {
  jobs: JobsTable;
  media_captions: MediaCaptionsTable;
  quizzes: QuizzesTable;
  quiz_attempts: QuizAttemptsTable;
  quiz_answers: QuizAnswersTable;
  view_progress: ViewProgressTable;
}

export type JobRow = Selectable<JobsTable>;
export type Caption = Selectable<MediaCaptionsTable>;
export type QuizAttempt = Selectable<QuizAttemptsTable>;
export type QuizAnswerRow = Selectable<QuizAnswersTable>;
export type ViewProgress = Selectable<ViewProgressTable>;
