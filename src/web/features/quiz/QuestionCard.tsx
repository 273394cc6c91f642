import { useId, useState, type FormEvent } from 'react';
import type { QuizAnswer } from '../../../contracts/pipeline.js';
import type { ViewerQuestion } from './quizTypes.js';

export interface Feedback {
  correct: boolean | null;
  correctAnswer?: { optionIds: string[] } | { value: boolean } | null;
}

/**
 * One question over the paused player. After answering, the right answer is shown only when the
 * quiz settings reveal it (`feedback`); the viewer then continues.
 */
export function QuestionCard(props: {
  question: ViewerQuestion;
  number: number;
  total: number;
  busy: boolean;
  error: string | null;
  feedback: Feedback | null;
  onAnswer: (answer: QuizAnswer) => void;
  onContinue: () => void;
}) {
  const { question: q, feedback } = props;
  const [chosen, setChosen] = useState<string[]>([]);
  const [value, setValue] = useState<boolean | null>(null);
  const [text, setText] = useState('');
  const name = useId();

  const answer: QuizAnswer | null =
    q.kind === 'single' || q.kind === 'multiple' ? (chosen.length ? { optionIds: chosen } : null)
    : q.kind === 'true_false' ? (value === null ? null : { value })
    : text.trim() ? { text: text.trim() } : null;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (feedback) return props.onContinue();
    if (answer) props.onAnswer(answer);
  };
  const right = feedback?.correctAnswer;
  const isRight = (id: string) => Boolean(right && 'optionIds' in right && right.optionIds.includes(id));

  return (
    <form className="quiz-card" onSubmit={submit} aria-labelledby={`${name}-prompt`} data-testid="quiz-question" data-question-id={q.id}>
      <p className="quiz-card-count">
        Question {props.number} of {props.total}
      </p>
      <h3 id={`${name}-prompt`} className="quiz-card-prompt">
        {q.prompt}
      </h3>
      <fieldset className="quiz-card-choices" disabled={props.busy || Boolean(feedback)}>
        <legend className="visually-hidden">Your answer</legend>
        {(q.kind === 'single' || q.kind === 'multiple') &&
          q.options?.map((o) => (
            <label key={o.id} className={`quiz-choice${feedback && isRight(o.id) ? ' quiz-choice-right' : ''}`}>
              <input
                type={q.kind === 'single' ? 'radio' : 'checkbox'}
                name={name}
                value={o.id}
                checked={chosen.includes(o.id)}
                onChange={(e) => setChosen(q.kind === 'single' ? [o.id] : e.target.checked ? [...chosen, o.id] : chosen.filter((c) => c !== o.id))}
              />
              {o.text}
            </label>
          ))}
        {q.kind === 'true_false' &&
          [true, false].map((v) => (
            <label key={String(v)} className={`quiz-choice${right && 'value' in right && right.value === v ? ' quiz-choice-right' : ''}`}>
              <input type="radio" name={name} checked={value === v} onChange={() => setValue(v)} />
              {v ? 'True' : 'False'}
            </label>
          ))}
        {q.kind === 'open' && <textarea aria-label="Your answer" rows={4} maxLength={5000} value={text} onChange={(e) => setText(e.target.value)} />}
      </fieldset>
      {feedback && feedback.correct !== null && (
        <p className={`quiz-feedback ${feedback.correct ? 'quiz-feedback-right' : 'quiz-feedback-wrong'}`} role="status">
          {feedback.correct ? 'Correct.' : 'Not quite.'}
        </p>
      )}
      {props.error && (
        <p className="quiz-error" role="alert">
          {props.error}
        </p>
      )}
      <button type="submit" className="btn btn-primary quiz-submit" disabled={props.busy || (!feedback && !answer)}>
        {feedback ? 'Continue' : 'Answer'}
      </button>
    </form>
  );
}
