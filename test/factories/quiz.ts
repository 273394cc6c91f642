import type { QuizBody } from '../../src/contracts/pipeline.js';

/** A quiz with one question of each kind, at the given seconds. */
export function sampleQuiz(at: [number, number, number, number], settings: Partial<QuizBody['settings']> = {}): QuizBody {
  return {
    settings: { maxAttempts: 2, showCorrectAnswers: 'at_end', passingScorePercent: 50, ...settings },
    questions: [
      { id: 'colour', kind: 'single', atSeconds: at[0], prompt: 'Which colour bar is leftmost?', points: 1, options: [{ id: 'w', text: 'White' }, { id: 'b', text: 'Black' }], correctOptionIds: ['w'] },
      { id: 'primes', kind: 'multiple', atSeconds: at[1], prompt: 'Which are prime?', points: 2, options: [{ id: '2', text: 'Two' }, { id: '4', text: 'Four' }, { id: '5', text: 'Five' }], correctOptionIds: ['2', '5'] },
      { id: 'tone', kind: 'true_false', atSeconds: at[2], prompt: 'The tone is 440 Hz.', points: 1, correct: true },
      { id: 'why', kind: 'open', atSeconds: at[3], prompt: 'What did you learn?', points: 1 },
    ],
  };
}
