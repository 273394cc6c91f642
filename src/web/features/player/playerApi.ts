import type { AttemptDto, PlaybackDto, QuizAnswer, QuizBody, QuizQuestion, ViewerQuizDto } from '../../../contracts/pipeline.js';
import type { QuizResults } from './types.js';

/**
 * The few API calls the player, PDF viewer and quiz make. Self-contained so these components work
 * on their own; the app's shared client (src/web/api/client.ts) can replace `call` when merged.
 */
export class PlayerApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

function csrfToken(): string {
  const wanted = location.protocol === 'https:' ? '__Host-foyer_csrf' : 'foyer_csrf';
  for (const part of document.cookie.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === wanted) return decodeURIComponent(rest.join('='));
  }
  return '';
}

async function call<T>(path: string, opts: { method?: string; body?: unknown; keepalive?: boolean; signal?: AbortSignal } = {}): Promise<T> {
  const method = opts.method ?? 'GET';
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET') headers['X-CSRF-Token'] = csrfToken();
  let res: Response;
  try {
    res = await fetch(path, { method, headers, credentials: 'same-origin', body: opts.body === undefined ? undefined : JSON.stringify(opts.body), keepalive: opts.keepalive, signal: opts.signal });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new PlayerApiError('network_error', 'Could not reach the server. Check your connection.', 0);
  }
  const text = await res.text();
  const json = text ? JSON.parse(text) : undefined;
  if (!res.ok) throw new PlayerApiError(json?.error?.code ?? 'internal_error', json?.error?.message ?? `The server answered ${res.status}.`, res.status, json?.error?.details);
  return json as T;
}

export const playerApi = {
  playback: (mediaId: string, signal?: AbortSignal) => call<PlaybackDto>(`/api/media/${encodeURIComponent(mediaId)}/playback`, { signal }),
  reportProgress: (mediaId: string, body: { positionSeconds: number; ranges: Array<[number, number]> }, keepalive = false) =>
    call<{ percentSeen: number; secondsWatched: number }>(`/api/media/${encodeURIComponent(mediaId)}/progress`, { method: 'POST', body, keepalive }),
  quiz: (mediaId: string) => call<ViewerQuizDto>(`/api/media/${encodeURIComponent(mediaId)}/quiz`),
  startAttempt: (mediaId: string) => call<AttemptDto>(`/api/media/${encodeURIComponent(mediaId)}/quiz/attempts`, { method: 'POST', body: {} }),
  answer: (mediaId: string, attemptId: string, questionId: string, answer: QuizAnswer) =>
    call<AttemptDto['answers'][number]>(`/api/media/${encodeURIComponent(mediaId)}/quiz/attempts/${attemptId}/answers/${encodeURIComponent(questionId)}`, { method: 'PUT', body: answer }),
  finishAttempt: (mediaId: string, attemptId: string) => call<AttemptDto>(`/api/media/${encodeURIComponent(mediaId)}/quiz/attempts/${attemptId}/finish`, { method: 'POST', body: {} }),
  ownerQuiz: (mediaId: string) => call<{ settings: ViewerQuizDto['settings']; questions: QuizQuestion[] }>(`/api/media/${encodeURIComponent(mediaId)}/quiz/edit`),
  saveQuiz: (mediaId: string, body: QuizBody) => call<unknown>(`/api/media/${encodeURIComponent(mediaId)}/quiz`, { method: 'PUT', body }),
  quizResults: (mediaId: string) => call<QuizResults>(`/api/media/${encodeURIComponent(mediaId)}/quiz/results`),
};
