import { randomUUID } from 'node:crypto';
import {
  quizSettingsSchema,
  type AttemptDto,
  type QuizAnswer,
  type QuizBody,
  type QuizQuestion,
  type QuizSettings,
  type ViewerQuizDto,
} from '../../contracts/pipeline.js';
import type { User } from '../db/schema.js';
import type { QuizAnswerRow, QuizAttempt } from '../db/schema-pipeline.js';
import { answerFits, correctAnswerOf, quizProblems, scoreAnswer, scoreAttempt } from '../domain/quiz-scoring.js';
import { AppError } from '../errors.js';
import type { Visitor } from '../domain/visitor.js';
import { isUniqueViolation } from './auth.service.js';
import { csvCell } from '../domain/csv.js';
import { iso } from '../domain/time.js';
import type { QuizRepository } from '../repositories/quiz.repository.js';
import type { Transactor } from '../repositories/transaction.js';
import type { AccessService } from './access.service.js';
import type { MediaService } from './media.service.js';
import { viewerOf, type Viewer, type ViewerDirectory } from './viewers.js';

interface StoredQuiz {
  settings: QuizSettings;
  questions: QuizQuestion[];
}


/**
 * Quizzes: questions at timestamps of a video, answered by viewers as the player reaches them.
 * Answers are stored as given (one per question and attempt, never changed) and scored when given;
 * the attempt's score is totalled when the viewer finishes.
 */
export class QuizService {
  private readonly repo: QuizRepository;

  constructor(
    private readonly deps: { repo: QuizRepository; tx: Transactor; media: MediaService; access: AccessService; viewers: ViewerDirectory; clock: () => number },
  ) {
    this.repo = deps.repo;
  }

  private async load(mediaId: string): Promise<StoredQuiz | undefined> {
    const row = await this.repo.findQuiz(mediaId);
    if (!row) return undefined;
    return { settings: quizSettingsSchema.parse(JSON.parse(row.settings_json)), questions: JSON.parse(row.questions_json) };
  }

  private async loadOrThrow(mediaId: string): Promise<StoredQuiz> {
    const quiz = await this.load(mediaId);
    if (!quiz || quiz.questions.length === 0) throw new AppError('not_found', { message: 'This media has no quiz.' });
    return quiz;
  }

  /** The owner's view: questions with their right answers. */
  async forOwner(user: User, mediaId: string): Promise<StoredQuiz> {
    const media = await this.deps.media.getManaged(user, mediaId);
    return (await this.load(media.id)) ?? { settings: quizSettingsSchema.parse({}), questions: [] };
  }

  /** Saves questions and settings; a video with questions becomes a quiz (and back, when emptied). */
  async save(user: User, mediaId: string, body: QuizBody): Promise<StoredQuiz> {
    const media = await this.deps.media.getManaged(user, mediaId);
    if (media.type !== 'video' && media.type !== 'quiz') throw new AppError('validation_failed', { message: 'Quizzes are made on videos.' });
    const problems = quizProblems(body.questions, media.duration_seconds);
    if (Object.keys(problems).length) throw new AppError('validation_failed', { message: 'Some questions are not valid.', details: problems });
    const questions = [...body.questions].sort((a, b) => a.atSeconds - b.atSeconds);
    const now = this.deps.clock();
    await this.deps.tx.run(async (trx) => {
      await this.repo.saveQuiz({ media_id: media.id, settings_json: JSON.stringify(body.settings), questions_json: JSON.stringify(questions), updated_at: now }, trx);
      await this.deps.media.setType(media.id, questions.length ? 'quiz' : 'video', trx);
    });
    return { settings: body.settings, questions };
  }

  /** The viewer's view: questions without answers, and their own attempts. */
  async forViewer(auth: Visitor, mediaId: string): Promise<ViewerQuizDto> {
    const { media } = await this.deps.access.view(auth, mediaId);
    const quiz = await this.loadOrThrow(media.id);
    const viewer = viewerOf(auth, media.id);
    const attempts = await this.repo.attemptsOf(media.id, viewer.key);
    const finished = attempts.filter((a) => a.finished_at !== null).length;
    return {
      settings: quiz.settings,
      questions: quiz.questions.map((q) => ({
        id: q.id,
        kind: q.kind,
        atSeconds: q.atSeconds,
        prompt: q.prompt,
        points: q.points,
        ...(q.kind === 'single' || q.kind === 'multiple' ? { options: q.options } : {}),
      })),
      attempts: await this.present(quiz, attempts, 'viewer'),
      attemptsLeft: quiz.settings.maxAttempts === null ? null : Math.max(0, quiz.settings.maxAttempts - finished),
    };
  }

  /** Starts an attempt, or returns the one still open. */
  async start(auth: Visitor, mediaId: string): Promise<AttemptDto> {
    const { media } = await this.deps.access.view(auth, mediaId);
    const quiz = await this.loadOrThrow(media.id);
    const viewer = viewerOf(auth, media.id);
    const attempts = await this.repo.attemptsOf(media.id, viewer.key);
    const open = attempts.find((a) => a.finished_at === null);
    if (open) return (await this.present(quiz, [open], 'viewer'))[0];
    if (quiz.settings.maxAttempts !== null && attempts.length >= quiz.settings.maxAttempts) {
      throw new AppError('conflict', { message: 'You have used all your attempts at this quiz.' });
    }
    const attempt: QuizAttempt = {
      id: randomUUID(),
      media_id: media.id,
      viewer_key: viewer.key,
      user_id: viewer.userId,
      session_id: viewer.sessionId,
      attempt_no: attempts.length + 1,
      started_at: this.deps.clock(),
      finished_at: null,
      score: null,
      max_score: null,
      passed: null,
    };
    try {
      await this.repo.insertAttempt(attempt);
    } catch (err) {
      // Two tabs started at once: the other one's attempt is the open one.
      if (isUniqueViolation(err)) return this.start(auth, mediaId);
      throw err;
    }
    return (await this.present(quiz, [attempt], 'viewer'))[0];
  }

  /** Stores one answer as given and scores it; the right answer comes back only if the settings say so. */
  async answer(auth: Visitor, mediaId: string, attemptId: string, questionId: string, answer: QuizAnswer) {
    const { attempt, quiz } = await this.openAttempt(auth, mediaId, attemptId);
    const question = quiz.questions.find((q) => q.id === questionId);
    if (!question) throw new AppError('not_found', { message: 'No such question.' });
    if (!answerFits(question, answer)) throw new AppError('validation_failed', { message: 'That answer does not fit this question.' });
    const scored = scoreAnswer(question, answer);
    try {
      await this.repo.insertAnswer({
        attempt_id: attempt.id,
        question_id: question.id,
        answer_json: JSON.stringify(answer),
        correct: scored.correct === null ? null : scored.correct ? 1 : 0,
        points: scored.points,
        answered_at: this.deps.clock(),
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw new AppError('conflict', { message: 'This question is already answered.' });
      throw err;
    }
    const reveal = quiz.settings.showCorrectAnswers === 'after_each';
    return { questionId: question.id, answer, correct: reveal ? scored.correct : null, points: reveal ? scored.points : 0, ...(reveal ? { correctAnswer: correctAnswerOf(question) } : {}) };
  }

  async finish(auth: Visitor, mediaId: string, attemptId: string): Promise<AttemptDto> {
    const { attempt, quiz } = await this.openAttempt(auth, mediaId, attemptId);
    const answers = await this.repo.answersOf([attempt.id]);
    const result = scoreAttempt(quiz.questions, new Map(answers.map((a) => [a.question_id, a.points])), quiz.settings);
    await this.repo.finishAttempt(attempt.id, { finished_at: this.deps.clock(), score: result.score, max_score: result.maxScore, passed: result.passed ? 1 : 0 });
    const done = (await this.repo.findAttempt(mediaId, attempt.id))!;
    return (await this.present(quiz, [done], 'viewer'))[0];
  }

  private async openAttempt(auth: Visitor, mediaId: string, attemptId: string) {
    const { media } = await this.deps.access.view(auth, mediaId);
    const quiz = await this.loadOrThrow(media.id);
    const attempt = await this.repo.findAttempt(media.id, attemptId);
    if (!attempt || attempt.viewer_key !== viewerOf(auth, media.id).key) throw new AppError('not_found', { message: 'No such attempt.' });
    if (attempt.finished_at !== null) throw new AppError('conflict', { message: 'This attempt is already finished.' });
    return { attempt, quiz };
  }

  /** Every viewer's attempts and answers, for the owner. */
  async results(user: User, mediaId: string) {
    const media = await this.deps.media.getManaged(user, mediaId);
    const quiz = (await this.load(media.id)) ?? { settings: quizSettingsSchema.parse({}), questions: [] };
    const attempts = await this.repo.allAttempts(media.id);
    const presented = await this.present(quiz, attempts, 'owner');
    const byViewer = new Map<string, { viewer: Viewer; attempts: AttemptDto[] }>();
    attempts.forEach((a, i) => {
      const entry = byViewer.get(a.viewer_key) ?? { viewer: { key: a.viewer_key, userId: a.user_id, sessionId: a.session_id }, attempts: [] };
      entry.attempts.push(presented[i]);
      byViewer.set(a.viewer_key, entry);
    });
    const refs = await this.deps.viewers.describe([...byViewer.values()].map((v) => v.viewer), media.id);
    return {
      questions: quiz.questions,
      viewers: [...byViewer.values()].map(({ viewer, attempts: list }) => {
        const finished = list.filter((a) => a.percent !== null);
        const best = finished.length ? Math.max(...finished.map((a) => a.percent!)) : null;
        return { viewer: refs.get(viewer.key)!, bestPercent: best, passed: finished.some((a) => a.passed), attempts: list };
      }),
    };
  }

  /** The results as CSV: one row per attempt, one column per question. */
  async resultsCsv(user: User, mediaId: string): Promise<string> {
    const { questions, viewers } = await this.results(user, mediaId);
    const header = ['name', 'email', 'viewer', 'attempt', 'started', 'finished', 'score', 'max_score', 'percent', 'passed', ...questions.map((q) => q.prompt)];
    const rows = viewers.flatMap(({ viewer, attempts }) =>
      attempts.map((a) => [
        viewer.name ?? '',
        viewer.email ?? '',
        viewer.key,
        String(a.number),
        a.startedAt,
        a.finishedAt ?? '',
        a.score === null ? '' : String(a.score),
        a.maxScore === null ? '' : String(a.maxScore),
        a.percent === null ? '' : String(a.percent),
        a.passed === null ? '' : a.passed ? 'yes' : 'no',
        ...questions.map((q) => answerText(q, a.answers.find((x) => x.questionId === q.id)?.answer)),
      ]),
    );
    return [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
  }

  /** Per-viewer best score, for "people with access" (keyed by viewer key). */
  async scoresByViewer(mediaId: string): Promise<Map<string, { bestPercent: number | null; passed: boolean; attempts: number }>> {
    const out = new Map<string, { bestPercent: number | null; passed: boolean; attempts: number }>();
    for (const a of await this.repo.allAttempts(mediaId)) {
      const cur = out.get(a.viewer_key) ?? { bestPercent: null, passed: false, attempts: 0 };
      cur.attempts++;
      if (a.score !== null && a.max_score !== null) {
        const percent = a.max_score === 0 ? 100 : Math.round((a.score / a.max_score) * 10_000) / 100;
        cur.bestPercent = Math.max(cur.bestPercent ?? 0, percent);
        cur.passed ||= a.passed === 1;
      }
      out.set(a.viewer_key, cur);
    }
    return out;
  }

  private async present(quiz: StoredQuiz, attempts: QuizAttempt[], audience: 'viewer' | 'owner'): Promise<AttemptDto[]> {
    const answers = await this.repo.answersOf(attempts.map((a) => a.id));
    return attempts.map((a) => {
      const finished = a.finished_at !== null;
      const reveal = audience === 'owner' || quiz.settings.showCorrectAnswers === 'after_each' || (finished && quiz.settings.showCorrectAnswers === 'at_end');
      const percent = a.score !== null && a.max_score !== null ? (a.max_score === 0 ? 100 : Math.round((a.score / a.max_score) * 10_000) / 100) : null;
      return {
        id: a.id,
        number: a.attempt_no,
        startedAt: iso(a.started_at),
        finishedAt: finished ? iso(a.finished_at!) : null,
        score: a.score,
        maxScore: a.max_score,
        percent,
        passed: a.passed === null ? null : a.passed === 1,
        answers: answers.filter((x) => x.attempt_id === a.id).map((x) => presentAnswer(quiz, x, reveal)),
      };
    });
  }
}

function presentAnswer(quiz: StoredQuiz, row: QuizAnswerRow, reveal: boolean) {
  const q = quiz.questions.find((x) => x.id === row.question_id);
  return {
    questionId: row.question_id,
    answer: JSON.parse(row.answer_json) as QuizAnswer,
    correct: reveal && row.correct !== null ? row.correct === 1 : null,
    points: reveal ? row.points : 0,
    ...(reveal && q ? { correctAnswer: correctAnswerOf(q) } : {}),
  };
}

function answerText(q: QuizQuestion, a: QuizAnswer | undefined): string {
  if (!a) return '';
  if ('text' in a) return a.text;
  if ('value' in a) return a.value ? 'true' : 'false';
  const options = q.kind === 'single' || q.kind === 'multiple' ? q.options : [];
  return a.optionIds.map((id) => options.find((o) => o.id === id)?.text ?? id).join('; ');
}
