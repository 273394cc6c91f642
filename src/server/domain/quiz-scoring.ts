import type { QuizAnswer, QuizQuestion, QuizSettings } from '../../contracts/pipeline.js';

/**
 * Quiz rules. Single choice, multiple choice and true/false are scored automatically; multiple choice
 * is all or nothing (exactly the right set of choices). Open answers are kept for the owner to read
 * and are not part of the score. An unanswered question scores 0.
 */

export interface AnswerScore {
  /** null: not scored (open question). */
  correct: boolean | null;
  points: number;
}

export const isScored = (q: QuizQuestion): boolean => q.kind !== 'open';

/** Whether an answer has the shape its question asks for. */
export function answerFits(q: QuizQuestion, a: QuizAnswer): boolean {
  switch (q.kind) {
    case 'single':
      return 'optionIds' in a && a.optionIds.length === 1 && q.options.some((o) => o.id === a.optionIds[0]);
    case 'multiple':
      return 'optionIds' in a && a.optionIds.length > 0 && new Set(a.optionIds).size === a.optionIds.length && a.optionIds.every((id) => q.options.some((o) => o.id === id));
    case 'true_false':
      return 'value' in a;
    case 'open':
      return 'text' in a;
  }
}

const sameSet = (a: string[], b: string[]) => a.length === b.length && new Set(a).size === new Set([...a, ...b]).size;

export function scoreAnswer(q: QuizQuestion, a: QuizAnswer): AnswerScore {
  if (!answerFits(q, a)) return { correct: q.kind === 'open' ? null : false, points: 0 };
  let correct: boolean | null;
  switch (q.kind) {
    case 'single':
    case 'multiple':
      correct = sameSet((a as { optionIds: string[] }).optionIds, q.correctOptionIds);
      break;
    case 'true_false':
      correct = (a as { value: boolean }).value === q.correct;
      break;
    case 'open':
      correct = null;
  }
  return { correct, points: correct ? q.points : 0 };
}

export interface AttemptScore {
  score: number;
  maxScore: number;
  /** 0..100; 100 when nothing is scored. */
  percent: number;
  passed: boolean;
}

/** Totals an attempt from the points each answered question earned. */
export function scoreAttempt(questions: QuizQuestion[], earned: Map<string, number>, settings: Pick<QuizSettings, 'passingScorePercent'>): AttemptScore {
  const scored = questions.filter(isScored);
  const maxScore = scored.reduce((s, q) => s + q.points, 0);
  const score = scored.reduce((s, q) => s + Math.min(q.points, Math.max(0, earned.get(q.id) ?? 0)), 0);
  const percent = maxScore === 0 ? 100 : Math.round((score / maxScore) * 10_000) / 100;
  return { score, maxScore, percent, passed: percent >= settings.passingScorePercent };
}

/** The right answer of a question, for showing it; null for open questions. */
export function correctAnswerOf(q: QuizQuestion): { optionIds: string[] } | { value: boolean } | null {
  if (q.kind === 'single' || q.kind === 'multiple') return { optionIds: q.correctOptionIds };
  if (q.kind === 'true_false') return { value: q.correct };
  return null;
}

/** Problems a saved quiz must not have, by field; empty when valid. */
export function quizProblems(questions: QuizQuestion[], durationSeconds: number | null): Record<string, string> {
  const problems: Record<string, string> = {};
  const ids = new Set<string>();
  questions.forEach((q, i) => {
    const at = `questions.${i}`;
    if (ids.has(q.id)) problems[`${at}.id`] = 'Each question needs its own id.';
    ids.add(q.id);
    if (durationSeconds !== null && q.atSeconds > durationSeconds) problems[`${at}.atSeconds`] = 'This time is after the end of the video.';
    if (q.kind === 'single' || q.kind === 'multiple') {
      const optionIds = q.options.map((o) => o.id);
      if (new Set(optionIds).size !== optionIds.length) problems[`${at}.options`] = 'Each choice needs its own id.';
      if (!q.correctOptionIds.every((id) => optionIds.includes(id))) problems[`${at}.correctOptionIds`] = 'A right answer must be one of the choices.';
    }
  });
  return problems;
}
