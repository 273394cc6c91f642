import { useQuery } from '@tanstack/react-query';
import type { z } from 'zod';
import type { MediaDto } from '../../../contracts/api.js';
import type { EventReportDto } from '../../../contracts/live.js';
import type { viewingListSchema } from '../../../contracts/pipeline.js';
import { api } from '../../api/client.js';
import type { QuizResults } from '../player/types.js';

type ViewingList = z.infer<typeof viewingListSchema>;
export type ViewingRow = ViewingList['items'][number];
export type QuizRow = QuizResults['viewers'][number];

/** Per invited person (by email): how much they watched, and for quizzes their best score. */
export interface PersonStats {
  viewing?: ViewingRow;
  quiz?: QuizRow;
  /** Live events: minutes in the room (from the event report), null when they never came. */
  attendedMinutes?: number | null;
}

const REFRESH_MS = 15_000;
const norm = (email: string) => email.trim().toLowerCase();

/**
 * Viewing analytics and quiz results for the owner, keyed by invited email. The server names guests
 * by the invite behind their session; a person who later signed in counts under their account email.
 */
export function useViewingStats(media: MediaDto) {
  const id = encodeURIComponent(media.id);
  const viewing = useQuery({
    queryKey: ['analytics', media.id],
    queryFn: () => api<ViewingList>(`/api/media/${id}/analytics`),
    refetchInterval: REFRESH_MS,
  });
  const quiz = useQuery({
    queryKey: ['quiz-results', media.id],
    queryFn: () => api<QuizResults>(`/api/media/${id}/quiz/results`),
    enabled: media.type === 'quiz',
    refetchInterval: REFRESH_MS,
  });
  const report = useQuery({
    queryKey: ['live-event', media.id, 'report'],
    queryFn: () => api<EventReportDto>(`/api/events/${id}/report`),
    enabled: media.type === 'live',
    refetchInterval: REFRESH_MS,
  });
  const byEmail = new Map<string, PersonStats>();
  for (const row of report.data?.attendance.rows ?? []) {
    if (!row.email) continue;
    byEmail.set(norm(row.email), { ...byEmail.get(norm(row.email)), attendedMinutes: row.minutes });
  }
  for (const row of viewing.data?.items ?? []) {
    if (!row.viewer.email) continue;
    const key = norm(row.viewer.email);
    const prev = byEmail.get(key)?.viewing;
    // One person can watch from two sessions; keep the one seen most.
    if (!prev || row.percentSeen > prev.percentSeen) byEmail.set(key, { ...byEmail.get(key), viewing: row });
  }
  for (const row of quiz.data?.viewers ?? []) {
    if (!row.viewer.email) continue;
    const key = norm(row.viewer.email);
    const prev = byEmail.get(key)?.quiz;
    if (!prev || (row.bestPercent ?? -1) > (prev.bestPercent ?? -1)) byEmail.set(key, { ...byEmail.get(key), quiz: row });
  }
  return { get: (email: string) => byEmail.get(norm(email)), isQuiz: media.type === 'quiz', isLive: media.type === 'live', durationSeconds: viewing.data?.durationSeconds ?? null };
}
export type ViewingStats = ReturnType<typeof useViewingStats>;
