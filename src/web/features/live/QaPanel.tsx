import { useState } from 'react';
import type { QuestionDto } from '../../../contracts/live.js';
import { visibleQuestions } from './roomState.js';
import { useAction, type Room } from './useAction.js';

type Filter = 'open' | 'waiting' | 'dismissed';

/** Q&A: everyone asks and upvotes; speakers answer; moderators approve, dismiss, pin and reopen. */
export function QaPanel({ room }: { room: Room }) {
  const { state, send } = room;
  const you = state.you!;
  const can = (a: string) => you.capabilities.includes(a as never);
  const moderates = can('question.approve');
  const all = visibleQuestions(state);
  const waiting = all.filter((q) => q.status === 'pending').length;
  // a moderator opening Q&A while questions wait starts where the work is
  const [filter, setFilter] = useState<Filter>(() => (moderates && waiting > 0 ? 'waiting' : 'open'));
  const [text, setText] = useState('');
  const [anonymous, setAnonymous] = useState(false);
  const ask = useAction();
  const act = useAction();
  const limit = state.limits?.questionChars ?? 500;

  const shown = moderates
    ? all.filter((q) => (filter === 'open' ? q.status === 'approved' : filter === 'waiting' ? q.status === 'pending' : q.status === 'dismissed'))
    : all;

  return (
    <section className="live-panel" aria-label="Questions and answers">
      {moderates && (
        <div className="live-tabs" role="tablist" aria-label="Questions">
          {(['open', 'waiting', 'dismissed'] as const).map((f) => (
            <button key={f} role="tab" type="button" aria-selected={filter === f} onClick={() => setFilter(f)}>
              {f === 'open' ? 'Approved' : f === 'waiting' ? `Waiting (${waiting})` : 'Dismissed'}
            </button>
          ))}
        </div>
      )}
      <ol className="live-questions" aria-live="polite">
        {shown.map((q) => (
          <QuestionItem key={q.id} q={q} room={room} run={act.run} mine={Boolean(state.mine.questions[q.id])} />
        ))}
        {shown.length === 0 && <li className="live-note">No questions yet.</li>}
      </ol>
      {act.error && <p className="live-error" role="alert">{act.error}</p>}
      {you.muted ? (
        <p className="live-note" role="status">A moderator has muted you.</p>
      ) : (
        <form
          className="live-composer live-ask"
          onSubmit={async (e) => {
            e.preventDefault();
            if (await ask.run(() => send({ type: 'question.ask', body: text.trim(), anonymous }))) setText('');
          }}
        >
          <label htmlFor="ask-question">Your question</label>
          <textarea id="ask-question" className="live-ask-text" value={text} maxLength={limit} rows={3} onChange={(e) => setText(e.target.value)} />
          <span className="live-count">{limit - text.length} characters left</span>
          <label className="live-check">
            <input type="checkbox" checked={anonymous} onChange={(e) => setAnonymous(e.target.checked)} />
            <span>Ask anonymously</span>
          </label>
          <button type="submit" disabled={ask.busy || !text.trim()}>
            Ask
          </button>
          {state.event?.qaMode === 'pre_moderated' && <p className="live-note">Questions appear once a moderator approves them.</p>}
          {ask.error && <p className="live-error" role="alert">{ask.error}</p>}
        </form>
      )}
    </section>
  );
}

function QuestionItem({ q, room, run, mine }: { q: QuestionDto; room: Room; run: (a: () => Promise<unknown>) => Promise<boolean>; mine: boolean }) {
  const { state, send } = room;
  const can = (a: string) => state.you!.capabilities.includes(a as never);
  const [answer, setAnswer] = useState('');
  const upvoted = state.mine.upvotes.includes(q.id);
  const moderate = (action: 'approve' | 'dismiss' | 'pin' | 'unpin' | 'reopen') => run(() => send({ type: 'question.moderate', questionId: q.id, action }));
  return (
    <li className={`live-question live-question-${q.status}${q.pinned ? ' live-question-pinned' : ''}`}>
      <div className="live-question-head">
        <span className="live-author">{q.author?.name ?? 'Anonymous'}</span>
        {q.pinned && <span className="live-tag">Pinned</span>}
        {mine && q.status === 'pending' && <span className="live-tag">Waiting for approval</span>}
        {mine && q.status === 'dismissed' && <span className="live-tag">Not selected</span>}
        {q.answeredLiveAt && <span className="live-tag">Answered live</span>}
      </div>
      <p className="live-body">{q.body}</p>
      {q.answer && (
        <p className="live-answer">
          <strong>{q.answer.by}:</strong> {q.answer.text}
        </p>
      )}
      <div className="live-message-actions">
        {q.status === 'approved' && (
          <button type="button" aria-pressed={upvoted} onClick={() => run(() => send({ type: 'question.upvote', questionId: q.id, upvoted: !upvoted }))}>
            ▲ {q.upvotes}
          </button>
        )}
        {can('question.approve') && q.status !== 'approved' && (
          <button type="button" onClick={() => moderate('approve')}>
            Approve
          </button>
        )}
        {can('question.dismiss') && q.status !== 'dismissed' && (
          <button type="button" onClick={() => moderate('dismiss')}>
            Dismiss
          </button>
        )}
        {can('question.pin') && q.status === 'approved' && (
          <button type="button" onClick={() => moderate(q.pinned ? 'unpin' : 'pin')}>
            {q.pinned ? 'Unpin' : 'Pin'}
          </button>
        )}
        {can('question.reopen') && (q.status === 'dismissed' || q.answer || q.answeredLiveAt) && (
          <button type="button" onClick={() => moderate('reopen')}>
            Reopen
          </button>
        )}
        {can('question.mark_answered_live') && q.status === 'approved' && !q.answeredLiveAt && (
          <button type="button" onClick={() => run(() => send({ type: 'question.mark_answered_live', questionId: q.id }))}>
            Answered live
          </button>
        )}
      </div>
      {can('question.answer') && q.status === 'approved' && !q.answer && (
        <form
          className="live-composer"
          onSubmit={async (e) => {
            e.preventDefault();
            if (await run(() => send({ type: 'question.answer', questionId: q.id, text: answer.trim() }))) setAnswer('');
          }}
        >
          <label className="visually-hidden" htmlFor={`answer-${q.id}`}>
            Answer in text
          </label>
          <input id={`answer-${q.id}`} value={answer} onChange={(e) => setAnswer(e.target.value)} placeholder="Answer in text…" />
          <button type="submit" disabled={!answer.trim()}>
            Answer
          </button>
        </form>
      )}
    </li>
  );
}
