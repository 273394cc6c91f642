import { describe, expect, it } from 'vitest';
import { formatClock, formatSpeed, nextSpeed, shortcutFor, spokenClock, thumbnailAt } from './player-format.js';

describe('the player’s clock', () => {
  it('writes positions the way players do', () => {
    expect(formatClock(0)).toBe('0:00');
    expect(formatClock(7.9)).toBe('0:07');
    expect(formatClock(296)).toBe('4:56');
    expect(formatClock(3723)).toBe('1:02:03');
    expect(formatClock(Number.NaN)).toBe('0:00');
    expect(formatClock(Infinity)).toBe('0:00');
  });
  it('says them in words for screen readers', () => {
    expect(spokenClock(0)).toBe('0 seconds');
    expect(spokenClock(65)).toBe('1 minute 5 seconds');
    expect(spokenClock(3600)).toBe('1 hour');
    expect(spokenClock(7322)).toBe('2 hours 2 minutes 2 seconds');
  });
  it('writes speeds with the multiplication sign', () => {
    expect(formatSpeed(1)).toBe('1×');
    expect(formatSpeed(1.25)).toBe('1.25×');
    expect(formatSpeed(0.5)).toBe('0.5×');
  });
});

describe('seek previews', () => {
  const thumbs = { urlTemplate: '/api/media/m/stream/1/sig/run/thumbs/{n}.jpg', everySeconds: 2, width: 160, count: 12 };
  it('picks the picture taken at or just before the moment, numbered from 1 in four digits', () => {
    expect(thumbnailAt(thumbs, 0)).toBe('/api/media/m/stream/1/sig/run/thumbs/0001.jpg');
    expect(thumbnailAt(thumbs, 1.99)).toBe('/api/media/m/stream/1/sig/run/thumbs/0001.jpg');
    expect(thumbnailAt(thumbs, 2)).toBe('/api/media/m/stream/1/sig/run/thumbs/0002.jpg');
    expect(thumbnailAt(thumbs, 23)).toBe('/api/media/m/stream/1/sig/run/thumbs/0012.jpg');
  });
  it('stays within the pictures there are, and has none without thumbnails', () => {
    expect(thumbnailAt(thumbs, 500)).toBe('/api/media/m/stream/1/sig/run/thumbs/0012.jpg');
    expect(thumbnailAt(thumbs, -3)).toBe('/api/media/m/stream/1/sig/run/thumbs/0001.jpg');
    expect(thumbnailAt(null, 3)).toBeNull();
    expect(thumbnailAt({ ...thumbs, count: 0 }, 3)).toBeNull();
  });
});

describe('keyboard shortcuts', () => {
  it('maps the usual keys', () => {
    expect(shortcutFor(' ')).toBe('toggle-play');
    expect(shortcutFor('k')).toBe('toggle-play');
    expect(shortcutFor('ArrowRight')).toBe('forward-5');
    expect(shortcutFor('J')).toBe('back-10');
    expect(shortcutFor('>')).toBe('faster');
    expect(shortcutFor('3')).toBe('percent-30');
    expect(shortcutFor('p')).toBe('toggle-pip');
    expect(shortcutFor('x')).toBeNull();
    expect(shortcutFor('Tab')).toBeNull();
  });
  it('steps the speed within the offered ones', () => {
    expect(nextSpeed(1, 1)).toBe(1.25);
    expect(nextSpeed(1, -1)).toBe(0.75);
    expect(nextSpeed(2, 1)).toBe(2);
    expect(nextSpeed(0.5, -1)).toBe(0.5);
    expect(nextSpeed(1.1, 1)).toBe(1.25);
  });
});
