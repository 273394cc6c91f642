import { Suspense, useEffect, useState } from 'react';
import type { RoomPanel } from '../../../contracts/live.js';
import { lazyComponent } from '../../lazy-component.js';
import { ChatPanel } from './ChatPanel.js';
import { ParticipantsPanel } from './ParticipantsPanel.js';
import { PollsPanel } from './PollsPanel.js';
import { QaPanel } from './QaPanel.js';
import { visibleQuestions } from './roomState.js';
import { StreamArea } from './StreamArea.js';
import { useRoom } from './useRoom.js';

/** The Go live panel and its recorder: only people who may broadcast download it. */
const GoLivePanel = lazyComponent(() => import('./GoLivePanel.js').then((m) => m.GoLivePanel)).Component;

const panelLabel: Record<RoomPanel, string> = { chat: 'Chat', qa: 'Q&A', polls: 'Polls', backchannel: 'Backchannel', participants: 'Participants' };

/**
 * The live room. Panels come from the role the server says the person holds (`you.panels`), so an
 * upgrade or downgrade changes them on the spot, without a reload. `onClosed` hears why the room
 * closed for good (event ended, invite revoked…), for the page to move on.
 */
export function LiveRoom({ eventId, onClosed }: { eventId: string; onClosed?: (reason: { code: string; message: string }) => void }) {
  const room = useRoom(eventId);
  const { state } = room;
  const panels = state.you?.panels ?? [];
  const [tab, setTab] = useState<RoomPanel>('chat');
  const current = panels.includes(tab) ? tab : panels[0];

  useEffect(() => {
    if (state.status === 'closed' && state.closedBy) onClosed?.(state.closedBy);
  }, [state.status, state.closedBy, onClosed]);

  if (state.status === 'closed') {
    return (
      <div className="live-room live-room-closed" role="alert">
        <p>{state.closedBy?.message ?? 'The room is closed.'}</p>
      </div>
    );
  }
  if (!state.you || !state.event) return <div className="live-room" role="status">Joining the room…</div>;

  const latest = state.announcements.at(-1);
  // moderators see how many questions wait for them on the Q&A tab
  const waiting = state.you.capabilities.includes('question.approve') ? visibleQuestions(state).filter((q) => q.status === 'pending').length : 0;
  const stream = state.event.stream;
  const broadcaster = stream.kind === 'live' && state.event.kind === 'webcast' && state.you.capabilities.includes('stream.broadcast');
  return (
    <div className="live-room" data-role={state.you.role}>
      <header className="live-room-head">
        <h1>{state.event.title}</h1>
        <span className="live-tag">{state.event.phase === 'live' ? 'Live' : state.event.early ? 'Preparing — the audience joins at the start' : state.event.phase}</span>
        {state.attendees !== undefined && <span className="live-attendees">{state.attendees} watching</span>}
        {state.status === 'reconnecting' && (
          <span className="live-tag" role="status">
            Reconnecting…
          </span>
        )}
      </header>
      {state.degraded && (
        <p className="live-degraded" role="status">
          <strong>Connection trouble on our side.</strong> People in this room may see new messages late. Everything sent here is saved and reaches everyone once it is fixed.
        </p>
      )}
      {latest && (
        <p className="live-announcement" role="status">
          <strong>{latest.author.name}:</strong> {latest.body}
        </p>
      )}
      <div className="live-room-body">
        <div className="live-main">
          <StreamArea stream={stream} serverOffsetMs={state.serverOffsetMs} phase={state.event.phase} />
          {broadcaster && (
            <Suspense fallback={null}>
              <GoLivePanel playbackUrl={stream.playbackUrl} status={stream.status} isOwner={state.you.role === 'owner'} youName={state.you.name} />
            </Suspense>
          )}
        </div>
        <aside className="live-side">
          <div className="live-tabs" role="tablist" aria-label="Room panels">
            {panels.map((p) => (
              <button key={p} type="button" role="tab" aria-selected={current === p} onClick={() => setTab(p)}>
                {panelLabel[p]}
                {p === 'qa' && waiting > 0 && (
                  <span className="live-tab-count" aria-label={`${waiting} waiting`}>
                    {waiting}
                  </span>
                )}
              </button>
            ))}
          </div>
          {current === 'chat' && <ChatPanel room={room} channel="chat" />}
          {current === 'backchannel' && <ChatPanel room={room} channel="backchannel" />}
          {current === 'qa' && <QaPanel room={room} />}
          {current === 'polls' && <PollsPanel room={room} />}
          {current === 'participants' && <ParticipantsPanel room={room} />}
          {current === 'chat' && <AnnouncementForm room={room} />}
        </aside>
      </div>
    </div>
  );
}

function AnnouncementForm({ room }: { room: ReturnType<typeof useRoom> }) {
  const [text, setText] = useState('');
  const [error, setError] = useState<string>();
  if (!room.state.you?.capabilities.includes('announcement.send')) return null;
  return (
    <form
      className="live-composer"
      onSubmit={async (e) => {
        e.preventDefault();
        try {
          await room.send({ type: 'announcement.send', body: text.trim() });
          setText('');
          setError(undefined);
        } catch (err) {
          setError((err as Error).message);
        }
      }}
    >
      <label htmlFor="announce">Announcement to everyone</label>
      <input id="announce" value={text} onChange={(e) => setText(e.target.value)} />
      <button type="submit" disabled={!text.trim()}>
        Announce
      </button>
      {error && <p className="live-error" role="alert">{error}</p>}
    </form>
  );
}
