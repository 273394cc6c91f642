import { describe, expect, it } from 'vitest';
import { formatCountdown, formatEventTime } from './time.js';

describe('live time helpers', () => {
  it('formats countdowns, never below zero', () => {
    expect(formatCountdown(42_000)).toBe('00:42');
    expect(formatCountdown(3_723_000)).toBe('1:02:03');
    expect(formatCountdown(90_061_000)).toBe('1 d 01:01:01');
    expect(formatCountdown(-5)).toBe('00:00');
    expect(formatCountdown(100)).toBe('00:01');
  });

  it('shows the organiser’s zone only when it differs from the viewer’s', () => {
    const own = Intl.DateTimeFormat().resolvedOptions().timeZone;
    expect(formatEventTime('2026-12-01T15:00:00Z', own).organiser).toBeUndefined();
    const other = own === 'Asia/Tokyo' ? 'Europe/Berlin' : 'Asia/Tokyo';
    expect(formatEventTime('2026-12-01T15:00:00Z', other).organiser).toContain(other);
  });
});
