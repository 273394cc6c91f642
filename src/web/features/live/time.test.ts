import { describe, expect, it } from 'vitest';
import { formatCountdown } from './time.js';

describe('live time helpers', () => {
  it('formats countdowns, never below zero', () => {
    expect(formatCountdown(42_000)).toBe('00:42');
    expect(formatCountdown(3_723_000)).toBe('1:02:03');
    expect(formatCountdown(90_061_000)).toBe('1 d 01:01:01');
    expect(formatCountdown(-5)).toBe('00:00');
    expect(formatCountdown(100)).toBe('00:01');
  });
});
