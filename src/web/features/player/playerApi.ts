import type { AttemptDto, PlaybackDto, QuizAnswer, QuizBody, QuizQuestion, ViewerQuizDto } from '../../../contracts/pipeline.js';
import { api } from '../../api/client.js';
import type { QuizResults } from './types.js';

const mediaPath = (mediaId: string) => `/api/media/${encodeURIComponent(mediaId)}`;

/**
 * The calls the player, PDF viewer and quiz make, on the app's one client. `playback` is asked
 * again and again: its answer carries fresh signed URLs (and when to ask next).
 */
export const playerApi = {
  playback: (mediaId: string, signal?: AbortSignal) => api<PlaybackDto>(`${mediaPath(mediaId)}/playback`, { signal }),
  /** `keepalive` for the report sent while the page is hidden or unloads. */
  reportProgress: (mediaId: string, body: { positionSeconds: number; ranges: Array<[number, number]> }, keepalive = false) =>
    api<{ percentSeen: number; secondsWatched: number }>(`${mediaPath(mediaId)}/progress`, { method: 'POST', body, keepalive }),
  quiz: (mediaId: string) => api<ViewerQuizDto>(`${mediaPath(mediaId)}/quiz`),
  startAttempt: (mediaId: string) => api<AttemptDto>(`${mediaPath(mediaId)}/quiz/attempts`, { method: 'POST', body: {} }),
  answer: (mediaId: string, attemptId: string, questionId: string, answer: QuizAnswer) =>
    api<AttemptDto['answers'][number]>(`${mediaPath(mediaId)}/quiz/attempts/${attemptId}/answers/${encodeURIComponent(questionId)}`, { method: 'PUT', body: answer }),
  finishAttempt: (mediaId: string, attemptId: string) => api<AttemptDto>(`${mediaPath(mediaId)}/quiz/attempts/${attemptId}/finish`, { method: 'POST', body: {} }),
  ownerQuiz: (mediaId: string) => api<{ settings: ViewerQuizDto['settings']; questions: QuizQuestion[] }>(`${mediaPath(mediaId)}/quiz/edit`),
  saveQuiz: (mediaId: string, body: QuizBody) => api<unknown>(`${mediaPath(mediaId)}/quiz`, { method: 'PUT', body }),
  quizResults: (mediaId: string) => api<QuizResults>(`${mediaPath(mediaId)}/quiz/results`),
};
