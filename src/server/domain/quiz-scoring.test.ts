import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { QuizQuestion } from '../../contracts/pipeline.js';
import { answerFits, correctAnswerOf, quizProblems, scoreAnswer, scoreAttempt } from './quiz-scoring.js';

const opts = [
  { id: 'a', text: 'A' },
  { id: 'b', text: 'B' },
  { id: 'c', text: 'C' },
];
const single: QuizQuestion = { id: 'q1', kind: 'single', atSeconds: 1, prompt: 'One?', points: 2, options: opts, correctOptionIds: ['b'] };
const multiple: QuizQuestion = { id: 'q2', kind: 'multiple', atSeconds: 2, prompt: 'Many?', points: 3, options: opts, correctOptionIds: ['a', 'c'] };
const tf: QuizQuestion = { id: 'q3', kind: 'true_false', atSeconds: 3, prompt: 'True?', points: 1, correct: false };
const open: QuizQuestion = { id: 'q4', kind: 'open', atSeconds: 4, prompt: 'Why?', points: 5 };

describe('scoreAnswer', () => {
  it('scores single choice', () => {
    expect(scoreAnswer(single, { optionIds: ['b'] })).toEqual({ correct: true, points: 2 });
    expect(scoreAnswer(single, { optionIds: ['a'] })).toEqual({ correct: false, points: 0 });
    expect(scoreAnswer(single, { optionIds: ['a', 'b'] })).toEqual({ correct: false, points: 0 });
  });

  it('scores multiple choice all or nothing, in any order', () => {
    expect(scoreAnswer(multiple, { optionIds: ['c', 'a'] })).toEqual({ correct: true, points: 3 });
    expect(scoreAnswer(multiple, { optionIds: ['a'] })).toEqual({ correct: false, points: 0 });
    expect(scoreAnswer(multiple, { optionIds: ['a', 'b', 'c'] })).toEqual({ correct: false, points: 0 });
    expect(scoreAnswer(multiple, { optionIds: ['a', 'a'] })).toEqual({ correct: false, points: 0 });
  });

  it('scores true/false, and leaves open answers unscored', () => {
    expect(scoreAnswer(tf, { value: false })).toEqual({ correct: true, points: 1 });
    expect(scoreAnswer(tf, { value: true })).toEqual({ correct: false, points: 0 });
    expect(scoreAnswer(open, { text: 'Because.' })).toEqual({ correct: null, points: 0 });
  });

  it('gives nothing for an answer of the wrong shape or an unknown choice', () => {
    expect(answerFits(single, { value: true })).toBe(false);
    expect(scoreAnswer(single, { optionIds: ['zzz'] })).toEqual({ correct: false, points: 0 });
    expect(scoreAnswer(tf, { text: 'yes' })).toEqual({ correct: false, points: 0 });
  });

  it('property: never more points than the question is worth, full points only when correct', () => {
    const anyAnswer = fc.oneof(
      fc.record({ optionIds: fc.array(fc.constantFrom('a', 'b', 'c', 'x'), { maxLength: 4 }) }),
      fc.record({ value: fc.boolean() }),
      fc.record({ text: fc.string() }),
    );
    fc.assert(
      fc.property(fc.constantFrom(single, multiple, tf, open), anyAnswer, (q, a) => {
        const s = scoreAnswer(q, a);
        expect(s.points).toBeGreaterThanOrEqual(0);
        expect(s.points).toBeLessThanOrEqual(q.points);
        expect(s.points === q.points && q.points > 0).toBe(s.correct === true);
        if (q.kind === 'open') expect(s.correct).toBeNull();
      }),
    );
  });
});

describe('scoreAttempt', () => {
  const questions = [single, multiple, tf, open];

  it('totals scored questions only, and passes at the threshold', () => {
    const earned = new Map([
      ['q1', 2],
      ['q3', 1],
    ]);
    expect(scoreAttempt(questions, earned, { passingScorePercent: 50 })).toEqual({ score: 3, maxScore: 6, percent: 50, passed: true });
    expect(scoreAttempt(questions, earned, { passingScorePercent: 50.01 }).passed).toBe(false);
  });

  it('counts unanswered questions as zero and a quiz with nothing scored as passed', () => {
    expect(scoreAttempt(questions, new Map(), { passingScorePercent: 1 })).toMatchObject({ score: 0, maxScore: 6, percent: 0, passed: false });
    expect(scoreAttempt([open], new Map(), { passingScorePercent: 100 })).toEqual({ score: 0, maxScore: 0, percent: 100, passed: true });
  });

  it('property: the percent stays within 0..100 and grows with points earned', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -5, max: 10 }), { minLength: 4, maxLength: 4 }), fc.integer({ min: 0, max: 100 }), (pts, pass) => {
        const earned = new Map(questions.map((q, i) => [q.id, pts[i]]));
        const s = scoreAttempt(questions, earned, { passingScorePercent: pass });
        expect(s.percent).toBeGreaterThanOrEqual(0);
        expect(s.percent).toBeLessThanOrEqual(100);
        expect(s.score).toBeLessThanOrEqual(s.maxScore);
        const more = scoreAttempt(questions, new Map(questions.map((q, i) => [q.id, pts[i] + 1])), { passingScorePercent: pass });
        expect(more.percent).toBeGreaterThanOrEqual(s.percent);
      }),
    );
  });
});

describe('quizProblems', () => {
  it('finds duplicate ids, right answers that are not choices, and times past the end', () => {
    const bad: QuizQuestion[] = [
      { ...single, correctOptionIds: ['z'] },
      { ...tf, id: 'q1', atSeconds: 99 },
    ];
    expect(quizProblems(bad, 60)).toEqual({
      'questions.0.correctOptionIds': 'A right answer must be one of the choices.',
      'questions.1.id': 'Each question needs its own id.',
      'questions.1.atSeconds': 'This time is after the end of the video.',
    });
    expect(quizProblems([single, multiple, tf, open], 60)).toEqual({});
  });

  it('shows right answers only for scored questions', () => {
    expect(correctAnswerOf(multiple)).toEqual({ optionIds: ['a', 'c'] });
    expect(correctAnswerOf(tf)).toEqual({ value: false });
    expect(correctAnswerOf(open)).toBeNull();
  });
});
