import { useEffect, useRef, useState } from 'react';
import type { RoomMessageDto } from '../../../contracts/live.js';
import { ConfirmDialog } from '../../ui/ConfirmDialog.js';
import { useAction, type Room } from './useAction.js';

/** Chat (everyone) or backchannel (moderators and speakers): the same list and composer. */
export function ChatPanel({ room, channel }: { room: Room; channel: 'chat' | 'backchannel' }) {
  const { state, send } = room;
  const you = state.you!;
  const messages = (channel === 'chat' ? state.messages : state.backchannel) ?? [];
  const [text, setText] = useState('');
  const post = useAction();
  const act = useAction();
  const [deleting, setDeleting] = useState<RoomMessageDto | null>(null);
  const end = useRef<HTMLLIElement>(null);
  const limit = state.limits?.chatChars ?? 1000;
  // braces on purpose: newer browsers return a promise from scrollIntoView, and an effect may return only a cleanup
  useEffect(() => {
    end.current?.scrollIntoView?.({ block: 'nearest' });
  }, [messages.length]);

  const canDelete = (m: RoomMessageDto) => m.author.id === you.participantId || you.capabilities.includes('chat.delete_any');
  const submit = async () => {
    const body = text.trim();
    if (!body) return;
    if (await post.run(() => send({ type: channel === 'chat' ? 'chat.send' : 'backchannel.send', body }))) setText('');
  };

  return (
    <section className="live-panel" aria-label={channel === 'chat' ? 'Chat' : 'Backchannel (moderators and speakers only)'}>
      {channel === 'backchannel' && <p className="live-note">Only moderators and speakers see this.</p>}
      <ol className="live-messages" aria-live="polite">
        {messages.map((m) => (
          <li key={m.id} className={`live-message${m.author.id === you.participantId ? ' live-message-own' : ''}`}>
            <span className="live-author">
              {m.author.name}
              {m.author.role !== 'viewer' && <span className="live-role"> {m.author.role}</span>}
            </span>
            <span className="live-body">{m.body}</span>
            <span className="live-message-actions">
              <button
                type="button"
                aria-pressed={state.mine.likes.includes(m.id)}
                onClick={() => act.run(() => send({ type: 'chat.like', messageId: m.id, liked: !state.mine.likes.includes(m.id) }))}
              >
                ♥ {m.likes || ''}
              </button>
              {canDelete(m) && (
                <button type="button" onClick={() => setDeleting(m)} aria-label={`Delete message from ${m.author.name}`}>
                  Delete
                </button>
              )}
            </span>
          </li>
        ))}
        <li ref={end} aria-hidden="true" />
      </ol>
      {act.error && <p className="live-error" role="alert">{act.error}</p>}
      <ConfirmDialog
        open={deleting !== null}
        onCancel={() => setDeleting(null)}
        title="Delete this message?"
        description={deleting && deleting.author.id !== you.participantId ? `It disappears for everyone in the room, ${deleting.author.name} included. This cannot be undone.` : 'It disappears for everyone in the room. This cannot be undone.'}
        cancelLabel="Keep it"
        confirmLabel="Delete"
        onConfirm={() => {
          const m = deleting;
          setDeleting(null);
          if (m) void act.run(() => send({ type: 'message.delete', messageId: m.id }));
        }}
      >
        {deleting && <blockquote className="live-body confirm-quote">{deleting.body}</blockquote>}
      </ConfirmDialog>
      {you.muted && channel === 'chat' ? (
        <p className="live-note" role="status">A moderator has muted you. You can still read, like and vote.</p>
      ) : (
        <form
          className="live-composer"
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <label className="visually-hidden" htmlFor={`compose-${channel}`}>
            {channel === 'chat' ? 'Message' : 'Message to moderators and speakers'}
          </label>
          <input id={`compose-${channel}`} value={text} maxLength={limit} onChange={(e) => setText(e.target.value)} placeholder={channel === 'chat' ? 'Say something…' : 'Note to the team…'} autoComplete="off" />
          <button type="submit" disabled={post.busy || !text.trim()}>
            Send
          </button>
          {post.error && <p className="live-error" role="alert">{post.error}</p>}
        </form>
      )}
    </section>
  );
}
