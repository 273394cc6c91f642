import { useCallback, useEffect, useReducer, useRef } from 'react';
import { roomCloseCodes, serverMessageSchema, type ClientMessageInput, type ServerMessage } from '../../../contracts/live.js';
import { errorFromWire, networkError, type ApiError } from '../../api/client.js';
import { roomSocketUrl } from './liveApi.js';
import { initialRoomState, roomReducer, type RoomState } from './roomState.js';

type Answer = Extract<ServerMessage, { type: 'ack' | 'participants' }>;

/** Close codes after which reconnecting cannot help (access gone, event over): the room shows why. */
const final = new Set<number>([roomCloseCodes.unauthenticated, roomCloseCodes.forbidden, roomCloseCodes.not_found, roomCloseCodes.gone]);
/** Messages the server stores once per ref: safe to send again after a reconnect. */
const idempotent = new Set(['chat.send', 'backchannel.send', 'announcement.send', 'question.ask']);
const backoffMs = (attempt: number) => Math.min(30_000, 500 * 2 ** attempt) * (0.75 + Math.random() / 2);

interface Pending {
  message: ClientMessageInput & { ref: string };
  resolve: (a: Answer) => void;
  reject: (e: ApiError) => void;
}

/**
 * One socket to an event's room: joins, keeps the room state, reconnects with backoff and resumes
 * from the last sequence seen (no gap, no duplicate), and resends idempotent messages that were not
 * acknowledged. `send` resolves with the ack (or the participants list) and rejects with an ApiError.
 */
export function useRoom(eventId: string): { state: RoomState; send: (m: ClientMessageInput) => Promise<Answer> } {
  const [state, dispatch] = useReducer(roomReducer, initialRoomState);
  const stateRef = useRef(state);
  stateRef.current = state;
  const socket = useRef<WebSocket | undefined>(undefined);
  const pending = useRef(new Map<string, Pending>());

  useEffect(() => {
    let stopped = false;
    let attempt = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let lastError: { code: string; message: string } | undefined;

    const connect = () => {
      const ws = new WebSocket(roomSocketUrl(eventId));
      socket.current = ws;
      ws.onopen = () => {
        const cursors = stateRef.current.cursors;
        ws.send(JSON.stringify({ type: 'hello', ...(cursors ? { resume: cursors } : {}) }));
      };
      ws.onmessage = (e) => {
        let parsed;
        try {
          parsed = serverMessageSchema.safeParse(JSON.parse(String(e.data)));
        } catch {
          return;
        }
        if (!parsed.success) return;
        const m = parsed.data;
        dispatch({ type: 'server', message: m, receivedAt: Date.now() });
        if (m.type === 'synced') {
          attempt = 0;
          for (const p of pending.current.values()) ws.send(JSON.stringify(p.message));
        }
        if ((m.type === 'ack' || m.type === 'participants') && m.ref) {
          pending.current.get(m.ref)?.resolve(m);
          pending.current.delete(m.ref);
        }
        if (m.type === 'error') {
          if (m.ref) {
            // the socket's error is the same wire shape as an HTTP body's; status 0: no HTTP answer
            pending.current.get(m.ref)?.reject(errorFromWire(m.error, 0));
            pending.current.delete(m.ref);
          } else lastError = m.error;
        }
      };
      ws.onclose = (e) => {
        if (stopped) return;
        // what cannot be resent safely fails now; the rest waits for the next connection
        for (const [ref, p] of pending.current) {
          if (final.has(e.code) || !idempotent.has(p.message.type)) {
            p.reject(networkError('Not sent: the connection dropped. Try again.'));
            pending.current.delete(ref);
          }
        }
        if (final.has(e.code)) {
          dispatch({ type: 'status', status: 'closed', closedBy: lastError ?? { code: e.reason || 'forbidden', message: 'You can no longer be in this room.' } });
          return;
        }
        dispatch({ type: 'status', status: 'reconnecting' });
        timer = setTimeout(connect, backoffMs(attempt++));
      };
    };
    connect();
    return () => {
      stopped = true;
      clearTimeout(timer);
      socket.current?.close(1000);
    };
  }, [eventId]);

  const send = useCallback((m: ClientMessageInput) => {
    const ref = crypto.randomUUID();
    const message = { ...m, ref } as ClientMessageInput & { ref: string };
    return new Promise<Answer>((resolve, reject) => {
      pending.current.set(ref, { message, resolve, reject });
      const ws = socket.current;
      if (ws?.readyState === WebSocket.OPEN && stateRef.current.status === 'live') ws.send(JSON.stringify(message));
    }).then((answer) => {
      // the person's own marks, which the server does not echo to everyone
      if (m.type === 'chat.like') dispatch({ type: 'liked', messageId: m.messageId, liked: m.liked });
      if (m.type === 'question.upvote') dispatch({ type: 'upvoted', questionId: m.questionId, upvoted: m.upvoted });
      if (m.type === 'poll.vote') dispatch({ type: 'voted', pollId: m.pollId, optionIds: m.optionIds });
      return answer;
    });
  }, []);

  return { state, send };
}
