import type { AttemptDto } from '../../../contracts/pipeline.js';
import type { ViewerQuestion } from './quizTypes.js';

/** The result at the end: score, pass or not, and (when the settings allow) which answers were right. */
export function QuizScore({ attempt, questions, attemptsLeft, onRetake }: { attempt: AttemptDto; questions: ViewerQuestion[]; attemptsLeft: number | null; onRetake?: () => void }) {
  const revealed = attempt.answers.some((a) => a.correct !== null);
  return (
    <section className="quiz-score" aria-label="Quiz result" data-testid="quiz-score">
      <h3>
        Your score: {attempt.score ?? 0} of {attempt.maxScore ?? 0} ({attempt.percent ?? 0}%)
      </h3>
      <p className={attempt.passed ? 'quiz-passed' : 'quiz-failed'}>{attempt.passed ? 'You passed.' : 'You did not reach the passing score.'}</p>
      {revealed && (
        <ol className="quiz-review">
          {questions.map((q) => {
            const a = attempt.answers.find((x) => x.questionId === q.id);
            return (
              <li key={q.id}>
                <span>{q.prompt}</span>{' '}
                <strong>{!a ? 'Not answered' : a.correct === null ? 'Answered' : a.correct ? 'Right' : 'Wrong'}</strong>
              </li>
            );
          })}
        </ol>
      )}
      {onRetake && (attemptsLeft === null || attemptsLeft > 0) && (
        <button type="button" className="btn btn-secondary" onClick={onRetake}>
          Try again{attemptsLeft !== null ? ` (${attemptsLeft} left)` : ''}
        </button>
      )}
    </section>
  );
}
