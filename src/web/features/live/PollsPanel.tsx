import { useState } from 'react';
import type { PollDto } from '../../../contracts/live.js';
import { ConfirmDialog } from '../../ui/ConfirmDialog.js';
import { useAction, type Room } from './useAction.js';

/** Polls: everyone answers once; moderators launch, close and show results. */
export function PollsPanel({ room }: { room: Room }) {
  const { state } = room;
  const launches = state.you!.capabilities.includes('poll.launch');
  const act = useAction();
  const polls = Object.values(state.polls).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  return (
    <section className="live-panel" aria-label="Polls">
      {launches && <LaunchPoll room={room} />}
      {polls.length === 0 && <p className="live-note">No polls yet.</p>}
      <ol className="live-polls">
        {polls.map((p) => (
          <PollItem key={p.id} poll={p} room={room} run={act.run} />
        ))}
      </ol>
      {act.error && <p className="live-error" role="alert">{act.error}</p>}
    </section>
  );
}

function PollItem({ poll, room, run }: { poll: PollDto; room: Room; run: (a: () => Promise<unknown>) => Promise<boolean> }) {
  const { state, send } = room;
  const can = (a: string) => state.you!.capabilities.includes(a as never);
  const voted = state.mine.votes[poll.id];
  const [choice, setChoice] = useState<string[]>([]);
  const [confirmClose, setConfirmClose] = useState(false);
  const total = poll.results?.voters ?? 0;
  const share = (n: number) => (total ? Math.round((100 * n) / total) : 0);
  return (
    <li className="live-poll">
      <fieldset disabled={Boolean(voted) || poll.status === 'closed'}>
        <legend>
          {poll.question} {poll.status === 'closed' && <span className="live-tag">Closed</span>}
        </legend>
        {poll.options.map((o) => {
          const count = poll.results?.counts[o.id] ?? 0;
          return (
            <label key={o.id} className="live-poll-option">
              <input
                type={poll.multiple ? 'checkbox' : 'radio'}
                name={`poll-${poll.id}`}
                checked={voted ? voted.includes(o.id) : choice.includes(o.id)}
                onChange={(e) => setChoice(poll.multiple ? (e.target.checked ? [...choice, o.id] : choice.filter((x) => x !== o.id)) : [o.id])}
              />
              <span className="live-poll-text">{o.text}</span>
              {poll.results && (
                <span className="live-poll-result">
                  <meter min={0} max={Math.max(1, total)} value={count} aria-label={`${o.text}: ${count} of ${total}`} />
                  <span className="live-poll-share">
                    {share(count)} % ({count})
                  </span>
                </span>
              )}
            </label>
          );
        })}
        {!voted && poll.status === 'open' && (
          <button type="button" disabled={choice.length === 0} onClick={() => run(() => send({ type: 'poll.vote', pollId: poll.id, optionIds: choice }))}>
            Submit answer
          </button>
        )}
      </fieldset>
      {voted && (
        <p className="live-poll-received" role="status">
          Vote received{poll.resultsShown || poll.results ? '' : '. Results appear here if the moderators share them.'}
        </p>
      )}
      {poll.results && <p className="live-note">{total} answered{poll.resultsShown ? '' : ' (results visible to staff only)'}</p>}
      <div className="live-message-actions">
        {can('poll.show_results') && (
          <button type="button" onClick={() => run(() => send({ type: 'poll.show_results', pollId: poll.id, shown: !poll.resultsShown }))}>
            {poll.resultsShown ? 'Hide results' : 'Show results to everyone'}
          </button>
        )}
        {can('poll.close') && poll.status === 'open' && (
          <button type="button" onClick={() => setConfirmClose(true)}>
            Close poll
          </button>
        )}
      </div>
      <ConfirmDialog
        open={confirmClose}
        onCancel={() => setConfirmClose(false)}
        title="Close this poll?"
        description={`Nobody can answer “${poll.question}” after this, and it cannot be opened again. The answers so far are kept.`}
        cancelLabel="Keep it open"
        confirmLabel="Close poll"
        onConfirm={() => {
          setConfirmClose(false);
          void run(() => send({ type: 'poll.close', pollId: poll.id }));
        }}
      />
    </li>
  );
}

function LaunchPoll({ room }: { room: Room }) {
  const max = room.state.limits?.pollOptionsMax ?? 10;
  const [question, setQuestion] = useState('');
  const [options, setOptions] = useState(['', '']);
  const [multiple, setMultiple] = useState(false);
  const launch = useAction();
  const filled = options.map((o) => o.trim()).filter(Boolean);
  return (
    <form
      className="live-launch"
      onSubmit={async (e) => {
        e.preventDefault();
        if (await launch.run(() => room.send({ type: 'poll.launch', question: question.trim(), options: filled, multiple }))) {
          setQuestion('');
          setOptions(['', '']);
        }
      }}
    >
      <label htmlFor="poll-question">New poll</label>
      <input id="poll-question" value={question} onChange={(e) => setQuestion(e.target.value)} placeholder="Question" />
      {options.map((o, i) => (
        <input key={i} aria-label={`Option ${i + 1}`} value={o} onChange={(e) => setOptions(options.map((x, j) => (j === i ? e.target.value : x)))} placeholder={`Option ${i + 1}`} />
      ))}
      {options.length < max && (
        <button type="button" onClick={() => setOptions([...options, ''])}>
          Add option
        </button>
      )}
      <label className="live-check">
        <input type="checkbox" checked={multiple} onChange={(e) => setMultiple(e.target.checked)} /> Allow several answers
      </label>
      <button type="submit" disabled={launch.busy || !question.trim() || filled.length < 2}>
        Launch
      </button>
      {launch.error && <p className="live-error" role="alert">{launch.error}</p>}
    </form>
  );
}
