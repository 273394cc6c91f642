import { useEffect, useState } from 'react';
import type { QuizQuestion, QuizSettings } from '../../../contracts/pipeline.js';
import { isApiError } from '../../api/client.js';
import { playerApi } from '../player/playerApi.js';
import './quiz.css';

type Kind = QuizQuestion['kind'];
const KINDS: Array<{ kind: Kind; label: string }> = [
  { kind: 'single', label: 'Single choice' },
  { kind: 'multiple', label: 'Multiple choice' },
  { kind: 'true_false', label: 'True / false' },
  { kind: 'open', label: 'Open answer' },
];

const newId = () => Math.random().toString(36).slice(2, 10);

function blank(kind: Kind, atSeconds: number): QuizQuestion {
  const base = { id: newId(), atSeconds, prompt: '', points: 1 };
  if (kind === 'single' || kind === 'multiple') {
    return { ...base, kind, options: [{ id: newId(), text: '' }, { id: newId(), text: '' }], correctOptionIds: [] };
  }
  if (kind === 'true_false') return { ...base, kind, correct: true };
  return { ...base, kind };
}

const mmss = (s: number) => `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, '0')}`;
const parseTime = (v: string) => {
  const m = /^(\d+):(\d{1,2})$/.exec(v.trim());
  return m ? Number(m[1]) * 60 + Number(m[2]) : Number(v) || 0;
};

/**
 * The owner's quiz editor: questions at times of the video (optionally at the player's current time),
 * the right answers, points, and the quiz settings. Saving turns the video into a quiz.
 */
export function QuizEditor({ mediaId, currentTime, onSaved }: { mediaId: string; currentTime?: () => number; onSaved?: () => void }) {
  const [settings, setSettings] = useState<QuizSettings>({ maxAttempts: 1, showCorrectAnswers: 'at_end', passingScorePercent: 70 });
  const [questions, setQuestions] = useState<QuizQuestion[]>([]);
  const [status, setStatus] = useState<string | null>(null);
  const [problems, setProblems] = useState<Record<string, string>>({});

  useEffect(() => {
    playerApi
      .ownerQuiz(mediaId)
      .then((q) => {
        setSettings(q.settings);
        setQuestions(q.questions);
      })
      .catch((err) => setStatus(isApiError(err) ? err.message : 'The quiz could not be loaded.'));
  }, [mediaId]);

  const update = (i: number, q: QuizQuestion) => setQuestions(questions.map((x, j) => (j === i ? q : x)));
  const save = async () => {
    setStatus('Saving…');
    setProblems({});
    try {
      await playerApi.saveQuiz(mediaId, { settings, questions });
      setStatus('Saved.');
      onSaved?.();
    } catch (err) {
      setStatus(isApiError(err) ? err.message : 'The quiz could not be saved.');
      if (isApiError(err)) setProblems(err.fieldErrors);
    }
  };

  return (
    <section className="quiz-editor" aria-label="Quiz editor">
      <fieldset className="quiz-editor-row quiz-editor-settings">
        <legend>Settings</legend>
        <label>
          Attempts{' '}
          <select className="input select select-inline" value={settings.maxAttempts ?? 0} onChange={(e) => setSettings({ ...settings, maxAttempts: Number(e.target.value) || null })}>
            {[1, 2, 3, 5].map((n) => (
              <option key={n} value={n}>
                {n === 1 ? '1 (no retakes)' : n}
              </option>
            ))}
            <option value={0}>Unlimited</option>
          </select>
        </label>
        <label>
          Show right answers{' '}
          <select className="input select select-inline" value={settings.showCorrectAnswers} onChange={(e) => setSettings({ ...settings, showCorrectAnswers: e.target.value as QuizSettings['showCorrectAnswers'] })}>
            <option value="never">Never</option>
            <option value="after_each">After each question</option>
            <option value="at_end">At the end</option>
          </select>
        </label>
        <label>
          Passing score %{' '}
          <input className="input input-narrow" type="number" min={0} max={100} value={settings.passingScorePercent} onChange={(e) => setSettings({ ...settings, passingScorePercent: Number(e.target.value) })} />
        </label>
      </fieldset>

      {questions.map((q, i) => (
        <div key={q.id} className="quiz-editor-question">
          <div className="quiz-editor-row">
            <strong>{KINDS.find((k) => k.kind === q.kind)?.label}</strong>
            <label>
              at <input className="input input-narrow" aria-label="Time (m:ss)" defaultValue={mmss(q.atSeconds)} onBlur={(e) => update(i, { ...q, atSeconds: parseTime(e.target.value) })} size={6} />
            </label>
            <label>
              points <input className="input input-narrow" type="number" min={0} max={100} value={q.points} onChange={(e) => update(i, { ...q, points: Number(e.target.value) })} />
            </label>
            <button type="button" className="btn btn-ghost btn-sm quiz-editor-remove" onClick={() => setQuestions(questions.filter((_, j) => j !== i))}>
              Remove
            </button>
          </div>
          <input className="input" aria-label="Question" placeholder="Question" value={q.prompt} onChange={(e) => update(i, { ...q, prompt: e.target.value })} />
          {(q.kind === 'single' || q.kind === 'multiple') &&
            q.options.map((o, oi) => (
              <div key={o.id} className="quiz-editor-row">
                <input
                  type={q.kind === 'single' ? 'radio' : 'checkbox'}
                  aria-label="Right answer"
                  checked={q.correctOptionIds.includes(o.id)}
                  onChange={(e) =>
                    update(i, { ...q, correctOptionIds: q.kind === 'single' ? [o.id] : e.target.checked ? [...q.correctOptionIds, o.id] : q.correctOptionIds.filter((c) => c !== o.id) })
                  }
                />
                <input className="input" aria-label={`Choice ${oi + 1}`} value={o.text} onChange={(e) => update(i, { ...q, options: q.options.map((x) => (x.id === o.id ? { ...x, text: e.target.value } : x)) })} />
              </div>
            ))}
          {(q.kind === 'single' || q.kind === 'multiple') && q.options.length < 10 && (
            <button type="button" className="btn btn-ghost btn-sm quiz-editor-add-choice" onClick={() => update(i, { ...q, options: [...q.options, { id: newId(), text: '' }] })}>
              Add a choice
            </button>
          )}
          {q.kind === 'true_false' && (
            <label>
              Right answer{' '}
              <select className="input select select-inline" value={String(q.correct)} onChange={(e) => update(i, { ...q, correct: e.target.value === 'true' })}>
                <option value="true">True</option>
                <option value="false">False</option>
              </select>
            </label>
          )}
          {Object.entries(problems)
            .filter(([k]) => k.startsWith(`questions.${i}.`))
            .map(([k, v]) => (
              <p key={k} className="quiz-error">
                {v}
              </p>
            ))}
        </div>
      ))}

      <div className="quiz-editor-row quiz-editor-add">
        {KINDS.map((k) => (
          <button key={k.kind} type="button" className="btn btn-secondary btn-sm" onClick={() => setQuestions([...questions, blank(k.kind, Math.floor(currentTime?.() ?? 0))])}>
            Add {k.label.toLowerCase()}
          </button>
        ))}
      </div>
      <div className="quiz-editor-row">
        <button type="button" className="btn btn-primary" onClick={() => void save()}>
          Save quiz
        </button>
        {status && <span role="status" className="quiz-editor-status">{status}</span>}
      </div>
    </section>
  );
}
