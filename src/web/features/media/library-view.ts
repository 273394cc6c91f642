import type { MediaDto, MediaTypeDto } from '../../../contracts/api.js';
import { formatBytes } from '../../ui/format.js';

export const librarySorts = ['newest', 'oldest', 'title'] as const;
export type LibrarySort = (typeof librarySorts)[number];
export const sortLabels: Record<LibrarySort, string> = { newest: 'Newest first', oldest: 'Oldest first', title: 'Title A–Z' };

export interface LibraryQuery {
  type: MediaTypeDto | 'all';
  sort: LibrarySort;
  /** Words the title must contain (any case, any order). */
  text: string;
}

/** The date a card sorts by: a live event's start, else when it was added. */
const dateOf = (m: MediaDto) => Date.parse(m.event?.startsAt ?? m.createdAt);

/** The library as the toolbar asks for it: filtered by type and title words, then sorted. */
export function viewLibrary(items: MediaDto[], q: LibraryQuery): MediaDto[] {
  const words = q.text.toLocaleLowerCase().split(/\s+/).filter(Boolean);
  const out = items.filter((m) => (q.type === 'all' || m.type === q.type) && words.every((w) => m.title.toLocaleLowerCase().includes(w)));
  const byTitle = (a: MediaDto, b: MediaDto) => a.title.localeCompare(b.title, undefined, { sensitivity: 'base', numeric: true });
  if (q.sort === 'title') return out.sort((a, b) => byTitle(a, b) || dateOf(b) - dateOf(a));
  const dir = q.sort === 'newest' ? -1 : 1;
  return out.sort((a, b) => dir * (dateOf(a) - dateOf(b)) || byTitle(a, b));
}

/** 75 → "1:15", 3725 → "1:02:05". */
export function formatDuration(seconds: number): string {
  const total = Math.max(0, Math.round(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  return h ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
}

/** What a card says about its item besides type and status: duration, pages, size. Never "0 B". */
export function cardFacts(m: MediaDto): string[] {
  const facts: string[] = [];
  if ((m.type === 'video' || m.type === 'audio' || m.type === 'quiz') && m.durationSeconds !== null) facts.push(formatDuration(m.durationSeconds));
  if (m.type === 'document' && m.pageCount !== null) facts.push(m.pageCount === 1 ? '1 page' : `${m.pageCount} pages`);
  if (m.type !== 'live' && m.sizeBytes > 0) facts.push(formatBytes(m.sizeBytes));
  return facts;
}

export const phaseLabels: Record<NonNullable<MediaDto['event']>['phase'], string> = { scheduled: 'Scheduled', live: 'Live now', ended: 'Ended' };
