import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { effectiveEnd, effectiveStart, eventPhase, roomEntry, simulivePlayback, type EventSchedule } from './event-phase.js';

const MIN = 60_000;
const T0 = Date.UTC(2026, 11, 1, 15, 0, 0);
const schedule = (over: Partial<EventSchedule> = {}): EventSchedule => ({
  startsAt: T0,
  endsAt: T0 + 60 * MIN,
  startedAt: null,
  endedAt: null,
  earlyEntryMinutes: 15,
  ...over,
});

describe('event phase', () => {
  it('follows the schedule: scheduled, live from the start, ended at the end', () => {
    const s = schedule();
    expect(eventPhase(s, T0 - 1)).toBe('scheduled');
    expect(eventPhase(s, T0)).toBe('live');
    expect(eventPhase(s, T0 + 60 * MIN - 1)).toBe('live');
    expect(eventPhase(s, T0 + 60 * MIN)).toBe('ended');
  });

  it('opens when the owner starts early and closes when the owner ends early', () => {
    const started = schedule({ startedAt: T0 - 10 * MIN });
    expect(eventPhase(started, T0 - 10 * MIN - 1)).toBe('scheduled');
    expect(eventPhase(started, T0 - 10 * MIN)).toBe('live');
    const ended = schedule({ endedAt: T0 + 20 * MIN });
    expect(eventPhase(ended, T0 + 20 * MIN)).toBe('ended');
    expect(eventPhase(ended, T0 + 19 * MIN)).toBe('live');
  });

  it('ignores overrides that would lengthen the event', () => {
    const s = schedule({ startedAt: T0 + 5 * MIN, endedAt: T0 + 90 * MIN });
    expect(effectiveStart(s)).toBe(T0);
    expect(effectiveEnd(s)).toBe(T0 + 60 * MIN);
  });

  it('an event ended before it started stays ended', () => {
    const s = schedule({ endedAt: T0 - 30 * MIN });
    expect(eventPhase(s, T0 + MIN)).toBe('ended');
  });

  it('is monotonic in time: scheduled, then live, then ended, never back', () => {
    const rank = { scheduled: 0, live: 1, ended: 2 } as const;
    fc.assert(
      fc.property(
        fc.integer({ min: -120, max: 120 }),
        fc.integer({ min: 1, max: 240 }),
        fc.option(fc.integer({ min: -200, max: 200 })),
        fc.option(fc.integer({ min: -200, max: 400 })),
        fc.integer({ min: -300, max: 500 }),
        fc.integer({ min: 0, max: 300 }),
        (start, length, startedAt, endedAt, t, dt) => {
          const s = schedule({
            startsAt: T0 + start * MIN,
            endsAt: T0 + (start + length) * MIN,
            startedAt: startedAt === null ? null : T0 + startedAt * MIN,
            endedAt: endedAt === null ? null : T0 + endedAt * MIN,
          });
          return rank[eventPhase(s, T0 + t * MIN)] <= rank[eventPhase(s, T0 + (t + dt) * MIN)];
        },
      ),
    );
  });
});

describe('room entry', () => {
  it('lets moderators and speakers in early, viewers only at the start', () => {
    const s = schedule();
    const at = T0 - 10 * MIN;
    expect(roomEntry(s, at, 'viewer')).toMatchObject({ phase: 'scheduled', canEnter: false, enterAt: T0 });
    for (const role of ['speaker', 'moderator', 'owner', 'admin']) {
      expect(roomEntry(s, at, role)).toMatchObject({ phase: 'scheduled', canEnter: true, early: true, enterAt: T0 - 15 * MIN });
    }
    expect(roomEntry(s, T0 - 16 * MIN, 'moderator')).toMatchObject({ canEnter: false, enterAt: T0 - 15 * MIN });
  });

  it('uses the event’s early-entry minutes, 0 meaning nobody enters early', () => {
    expect(roomEntry(schedule({ earlyEntryMinutes: 30 }), T0 - 29 * MIN, 'speaker').canEnter).toBe(true);
    expect(roomEntry(schedule({ earlyEntryMinutes: 0 }), T0 - 1, 'speaker').canEnter).toBe(false);
  });

  it('lets everyone in while live and nobody after the end', () => {
    const s = schedule();
    for (const role of ['viewer', 'speaker', 'moderator', 'owner']) {
      expect(roomEntry(s, T0 + MIN, role)).toMatchObject({ phase: 'live', canEnter: true, early: false });
      expect(roomEntry(s, T0 + 61 * MIN, role)).toMatchObject({ phase: 'ended', canEnter: false, enterAt: null });
    }
  });

  it('never lets in a role the room does not know', () => {
    fc.assert(
      fc.property(fc.string().filter((r) => !['viewer', 'speaker', 'moderator', 'owner', 'admin'].includes(r)), fc.integer({ min: -100, max: 100 }), (role, t) => {
        return roomEntry(schedule(), T0 + t * MIN, role).canEnter === false;
      }),
    );
  });
});

describe('simulive playback', () => {
  it('puts a late joiner at the elapsed position and finishes on time', () => {
    const s = schedule();
    expect(simulivePlayback(s, T0 - 5_000)).toEqual({ state: 'waiting', startsInMs: 5_000 });
    expect(simulivePlayback(s, T0 + 90_500)).toEqual({ state: 'playing', positionMs: 90_500 });
    expect(simulivePlayback(s, T0 + 60 * MIN)).toEqual({ state: 'finished' });
  });

  it('starts from the early start and stops when the video runs out', () => {
    const s = schedule({ startedAt: T0 - 2 * MIN });
    expect(simulivePlayback(s, T0)).toEqual({ state: 'playing', positionMs: 2 * MIN });
    expect(simulivePlayback(s, T0, 90_000)).toEqual({ state: 'finished' });
  });
});
