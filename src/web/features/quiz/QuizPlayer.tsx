import { useEffect, useMemo, useRef, useState } from 'react';
import type { AttemptDto, QuizAnswer, ViewerQuizDto } from '../../../contracts/pipeline.js';
import { HlsPlayer, type HlsPlayerHandle } from '../player/HlsPlayer.js';
import { isApiError } from '../../api/client.js';
import { playerApi } from '../player/playerApi.js';
import { QuestionCard, type Feedback } from './QuestionCard.js';
import { QuizScore } from './QuizScore.js';
import './quiz.css';

/**
 * A quiz: the video stops at each question's time, the viewer answers (saved as given), and the
 * score shows when the video ends or every question is answered. Retakes as the owner allows.
 */
export function QuizPlayer({ mediaId, title }: { mediaId: string; title: string }) {
  const [quiz, setQuiz] = useState<ViewerQuizDto | null>(null);
  const [attempt, setAttempt] = useState<AttemptDto | null>(null);
  const [result, setResult] = useState<AttemptDto | null>(null);
  const [asking, setAsking] = useState<number | null>(null);
  const [feedback, setFeedback] = useState<Feedback | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const player = useRef<HlsPlayerHandle>(null);

  const load = async () => {
    try {
      const q = await playerApi.quiz(mediaId);
      setQuiz(q);
      const open = q.attempts.find((a) => a.finishedAt === null);
      setAttempt(open ?? null);
      setResult(open ? null : (q.attempts.at(-1) ?? null));
    } catch (err) {
      setError(isApiError(err) ? err.message : 'The quiz could not be loaded.');
    }
  };
  useEffect(() => {
    void load();
  }, [mediaId]);

  const questions = quiz?.questions ?? [];
  const cues = useMemo(() => questions.map((q) => q.atSeconds), [questions]);
  const answered = useMemo(() => new Set(attempt?.answers.map((a) => a.questionId) ?? []), [attempt]);
  const doneCues = useMemo(() => new Set(questions.flatMap((q, i) => (answered.has(q.id) ? [i] : []))), [questions, answered]);

  const start = async () => {
    setBusy(true);
    setError(null);
    try {
      setAttempt(await playerApi.startAttempt(mediaId));
      setResult(null);
    } catch (err) {
      setError(isApiError(err) ? err.message : 'The quiz could not start.');
    } finally {
      setBusy(false);
    }
  };

  const finish = async (current: AttemptDto) => {
    setBusy(true);
    try {
      const done = await playerApi.finishAttempt(mediaId, current.id);
      setResult(done);
      setAttempt(null);
      const q = await playerApi.quiz(mediaId);
      setQuiz(q);
    } catch (err) {
      setError(isApiError(err) ? err.message : 'The quiz could not be finished.');
    } finally {
      setBusy(false);
    }
  };

  const answer = async (a: QuizAnswer) => {
    if (!attempt || asking === null) return;
    const q = questions[asking];
    setBusy(true);
    setError(null);
    try {
      const res = await playerApi.answer(mediaId, attempt.id, q.id, a);
      const next = { ...attempt, answers: [...attempt.answers, res] };
      setAttempt(next);
      if (res.correctAnswer !== undefined) setFeedback({ correct: res.correct, correctAnswer: res.correctAnswer });
      else continueAfter(next);
    } catch (err) {
      setError(isApiError(err) ? err.message : 'Your answer could not be saved. Try again.');
    } finally {
      setBusy(false);
    }
  };

  const continueAfter = (current: AttemptDto) => {
    setFeedback(null);
    if (current.answers.length >= questions.length) {
      setAsking(null);
      void finish(current);
      return;
    }
    // Several questions at the very end: ask the next one rather than playing from the start again.
    const next = questions.findIndex((q) => !current.answers.some((a) => a.questionId === q.id));
    if (player.current?.ended() && next !== -1) return setAsking(next);
    setAsking(null);
    void player.current?.play();
  };

  if (error && !quiz) return <p className="quiz-error" role="alert">{error}</p>;
  if (!quiz) return <p aria-busy="true">Loading the quiz…</p>;

  return (
    <div className="quiz" data-testid="quiz">
      {attempt ? (
        <div className="quiz-stage">
          <HlsPlayer
            ref={player}
            mediaId={mediaId}
            title={title}
            cues={cues}
            doneCues={doneCues}
            onCue={(i) => setAsking(i)}
            onEnded={() => {
              if (attempt && asking === null) void finish(attempt);
            }}
          />
          {asking !== null && (
            <div className="quiz-overlay">
              <QuestionCard
                key={questions[asking].id}
                question={questions[asking]}
                number={asking + 1}
                total={questions.length}
                busy={busy}
                error={error}
                feedback={feedback}
                onAnswer={(a) => void answer(a)}
                onContinue={() => continueAfter(attempt)}
              />
            </div>
          )}
          <p className="quiz-progress" aria-live="polite">
            {answered.size} of {questions.length} questions answered
          </p>
        </div>
      ) : (
        <div className="quiz-intro">
          {result ? (
            <QuizScore attempt={result} questions={questions} attemptsLeft={quiz.attemptsLeft} onRetake={() => void start()} />
          ) : (
            <>
              <p className="quiz-intro-title">Quiz: {title}</p>
              <p className="quiz-intro-text">
                This video has {questions.length} question{questions.length === 1 ? '' : 's'}. It stops at each one for your answer.
                {quiz.settings.maxAttempts !== null && ` You have ${quiz.attemptsLeft} attempt${quiz.attemptsLeft === 1 ? '' : 's'}.`}
              </p>
              <button type="button" className="btn btn-primary" onClick={() => void start()} disabled={busy || quiz.attemptsLeft === 0} data-testid="quiz-start">
                Start the quiz
              </button>
            </>
          )}
          {error && (
            <p className="quiz-error" role="alert">
              {error}
            </p>
          )}
        </div>
      )}
    </div>
  );
}
