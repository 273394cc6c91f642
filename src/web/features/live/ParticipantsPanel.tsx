import { useEffect } from 'react';
import { useAction, type Room } from './useAction.js';

/** Moderators: who is here, their role, and mute / unmute. */
export function ParticipantsPanel({ room }: { room: Room }) {
  const { state, send } = room;
  const act = useAction();
  const refresh = () => act.run(() => send({ type: 'participants.list' }));
  useEffect(() => {
    void refresh();
    // refreshes while open, as people come and go
    const t = setInterval(() => void refresh(), 15_000);
    return () => clearInterval(t);
  }, []);
  const people = state.participants ?? [];
  return (
    <section className="live-panel" aria-label="Participants">
      <p className="live-note">
        {people.filter((p) => p.online).length} online of {people.length} who joined.{' '}
        <button type="button" onClick={() => void refresh()} disabled={act.busy}>
          Refresh
        </button>
      </p>
      <ul className="live-participants">
        {people.map((p) => (
          <li key={p.id} className={p.online ? 'live-online' : 'live-offline'}>
            <span className="live-author">{p.name}</span> <span className="live-role">{p.role}</span>
            {p.devices > 1 && <span className="live-devices">on {p.devices} devices</span>}
            {p.muted && <span className="live-tag">Muted</span>}
            {p.role === 'viewer' || p.role === 'speaker' ? (
              <button type="button" onClick={() => act.run(async () => {
                await send({ type: 'person.mute', participantId: p.id, muted: !p.muted });
                await send({ type: 'participants.list' });
              })}>
                {p.muted ? 'Unmute' : 'Mute'}
              </button>
            ) : null}
          </li>
        ))}
      </ul>
      {act.error && <p className="live-error" role="alert">{act.error}</p>}
    </section>
  );
}
