import { describe, expect, it } from 'vitest';
import { fromZonedInput, toZonedInput } from './zonedTime.js';

describe('zoned datetime-local values', () => {
  it('reads a wall-clock time in the event zone, summer and winter', () => {
    expect(fromZonedInput('2026-07-01T15:00', 'Europe/Berlin')).toBe('2026-07-01T13:00:00.000Z');
    expect(fromZonedInput('2026-12-01T15:00:30', 'Europe/Berlin')).toBe('2026-12-01T14:00:30.000Z');
    expect(fromZonedInput('2026-12-01T09:00', 'America/New_York')).toBe('2026-12-01T14:00:00.000Z');
    expect(fromZonedInput('', 'UTC')).toBeUndefined();
  });

  it('shows a UTC instant as the zone’s wall clock, and back', () => {
    expect(toZonedInput('2026-07-01T13:00:00.000Z', 'Europe/Berlin')).toBe('2026-07-01T15:00:00');
    expect(toZonedInput('2026-03-29T01:30:00.000Z', 'Europe/Berlin')).toBe('2026-03-29T03:30:00');
    const iso = '2026-11-01T05:30:00.000Z';
    expect(fromZonedInput(toZonedInput(iso, 'America/Los_Angeles'), 'America/Los_Angeles')).toBe(iso);
  });
});
