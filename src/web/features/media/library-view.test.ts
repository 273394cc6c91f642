import { describe, expect, it } from 'vitest';
import type { MediaDto } from '../../../contracts/api.js';
import { formatEventRange } from '../../ui/format.js';
import { cardFacts, formatDuration, viewLibrary } from './library-view.js';

const item = (over: Partial<MediaDto>): MediaDto => ({
  id: over.title ?? 'x',
  type: 'video',
  title: 'Untitled',
  description: '',
  status: 'ready',
  progress: 1,
  failureReason: null,
  durationSeconds: null,
  pageCount: null,
  posterUrl: null,
  event: null,
  blockDownload: false,
  mimeType: 'video/mp4',
  sizeBytes: 2048,
  originalName: 'x.mp4',
  createdAt: '2026-11-01T10:00:00.000Z',
  updatedAt: '2026-11-01T10:00:00.000Z',
  owner: { id: 'o', name: 'Owner' },
  canManage: true,
  ...over,
});

describe('the library view', () => {
  const items = [
    item({ title: 'Board meeting 10', createdAt: '2026-11-03T10:00:00.000Z' }),
    item({ title: 'board meeting 9', type: 'document', createdAt: '2026-11-01T10:00:00.000Z' }),
    item({ title: 'Town hall', type: 'live', createdAt: '2026-10-01T10:00:00.000Z', event: { startsAt: '2026-12-10T18:00:00.000Z', endsAt: '2026-12-10T19:00:00.000Z', timeZone: 'UTC', phase: 'scheduled' } }),
    item({ title: 'Podcast', type: 'audio', createdAt: '2026-11-02T10:00:00.000Z' }),
  ];
  const titles = (xs: MediaDto[]) => xs.map((m) => m.title);

  it('sorts newest or oldest first (an event by its start) and by title with numbers in order', () => {
    expect(titles(viewLibrary(items, { type: 'all', sort: 'newest', text: '' }))).toEqual(['Town hall', 'Board meeting 10', 'Podcast', 'board meeting 9']);
    expect(titles(viewLibrary(items, { type: 'all', sort: 'oldest', text: '' }))).toEqual(['board meeting 9', 'Podcast', 'Board meeting 10', 'Town hall']);
    expect(titles(viewLibrary(items, { type: 'all', sort: 'title', text: '' }))).toEqual(['board meeting 9', 'Board meeting 10', 'Podcast', 'Town hall']);
  });

  it('filters by type and by every word of the title, in any case', () => {
    expect(titles(viewLibrary(items, { type: 'document', sort: 'newest', text: '' }))).toEqual(['board meeting 9']);
    expect(titles(viewLibrary(items, { type: 'all', sort: 'newest', text: 'MEETING board' }))).toEqual(['Board meeting 10', 'board meeting 9']);
    expect(viewLibrary(items, { type: 'quiz', sort: 'newest', text: '' })).toEqual([]);
    // the list given is not reordered in place
    expect(titles(items)[0]).toBe('Board meeting 10');
  });

  it('says duration, pages and size as fits the type; never a size for a live event', () => {
    expect(cardFacts(item({ durationSeconds: 75 }))).toEqual(['1:15', '2.0 KB']);
    expect(cardFacts(item({ type: 'document', pageCount: 1, sizeBytes: 500 }))).toEqual(['1 page', '500 B']);
    expect(cardFacts(item({ type: 'document', pageCount: 12 }))).toEqual(['12 pages', '2.0 KB']);
    expect(cardFacts(item({ type: 'live', sizeBytes: 0 }))).toEqual([]);
    expect(formatDuration(3725)).toBe('1:02:05');
  });

  it("writes an event's time once and short, in the viewer's zone", () => {
    expect(formatEventRange('2026-12-01T18:52:00.000Z', '2026-12-01T19:52:00.000Z', { timeZone: 'Europe/Berlin' })).toBe('Tue 1 Dec, 19:52–20:52 CET');
    expect(formatEventRange('2026-12-01T21:00:00.000Z', '2026-12-02T00:00:00.000Z', { timeZone: 'Europe/Berlin' })).toBe('Tue 1 Dec, 22:00 – Wed 2 Dec, 01:00 CET');
  });
});
