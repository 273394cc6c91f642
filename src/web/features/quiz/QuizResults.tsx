import { Fragment, useEffect, useState } from 'react';
import { isApiError } from '../../api/client.js';
import { playerApi } from '../player/playerApi.js';
import type { QuizResults as Results } from '../player/types.js';
import './quiz.css';

/** The owner's view: each viewer's best score and attempts, each answer, and the CSV export. */
export function QuizResults({ mediaId }: { mediaId: string }) {
  const [data, setData] = useState<Results | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(null);

  useEffect(() => {
    playerApi
      .quizResults(mediaId)
      .then(setData)
      .catch((err) => setError(isApiError(err) ? err.message : 'Results could not be loaded.'));
  }, [mediaId]);

  if (error) return <p className="quiz-error" role="alert">{error}</p>;
  if (!data) return <p aria-busy="true">Loading results…</p>;
  const prompt = (id: string) => data.questions.find((q) => q.id === id)?.prompt ?? id;
  const optionText = (qid: string, oid: string) => {
    const q = data.questions.find((x) => x.id === qid);
    return (q && 'options' in q ? q.options.find((o) => o.id === oid)?.text : undefined) ?? oid;
  };
  return (
    <section className="quiz-results" aria-label="Quiz results" data-testid="quiz-results">
      <div className="quiz-editor-row">
        <h3>Quiz results</h3>
        <a className="btn btn-secondary btn-sm" href={`/api/media/${encodeURIComponent(mediaId)}/quiz/results.csv`} download>
          Export CSV
        </a>
      </div>
      {data.viewers.length === 0 ? (
        <p>No one has taken the quiz yet.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Viewer</th>
              <th>Best score</th>
              <th>Passed</th>
              <th>Attempts</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {data.viewers.map((v) => (
              <Fragment key={v.viewer.key}>
                <tr data-testid="quiz-result-row">
                  <td>{v.viewer.name ?? v.viewer.email ?? (v.viewer.kind === 'guest' ? 'Invited guest' : 'Account')}</td>
                  <td>{v.bestPercent === null ? '—' : `${v.bestPercent}%`}</td>
                  <td>{v.passed ? 'Yes' : 'No'}</td>
                  <td>{v.attempts.length}</td>
                  <td>
                    <button type="button" className="btn btn-ghost btn-sm" aria-expanded={open === v.viewer.key} onClick={() => setOpen(open === v.viewer.key ? null : v.viewer.key)}>
                      Answers
                    </button>
                  </td>
                </tr>
                {open === v.viewer.key && (
                  <tr>
                    <td colSpan={5}>
                      {v.attempts.map((a) => (
                        <div key={a.id}>
                          <strong>
                            Attempt {a.number}: {a.percent === null ? 'not finished' : `${a.score} of ${a.maxScore} (${a.percent}%)`}
                          </strong>
                          <ul>
                            {a.answers.map((x) => (
                              <li key={x.questionId}>
                                {prompt(x.questionId)} — {'text' in x.answer ? x.answer.text : 'value' in x.answer ? String(x.answer.value) : x.answer.optionIds.map((o) => optionText(x.questionId, o)).join(', ')}{' '}
                                {x.correct === null ? '' : x.correct ? '✓' : '✗'}
                              </li>
                            ))}
                          </ul>
                        </div>
                      ))}
                    </td>
                  </tr>
                )}
              </Fragment>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
