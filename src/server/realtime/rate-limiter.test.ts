import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RateLimiter, type RoomRateLimits } from './rate-limiter.js';

const rules: RoomRateLimits = {
  message: { burst: 3, refillMs: 1000 },
  question: { burst: 1, refillMs: 10_000 },
  reaction: { burst: 10, refillMs: 100 },
  moderation: { burst: 10, refillMs: 100 },
  frame: { burst: 10, refillMs: 100 },
};

describe('room rate limiter', () => {
  it('allows a burst, then says how long to wait, then refills with time', () => {
    let now = 0;
    const rl = new RateLimiter(rules, () => now);
    expect([rl.take('p', 'message'), rl.take('p', 'message'), rl.take('p', 'message')]).toEqual([0, 0, 0]);
    expect(rl.take('p', 'message')).toBe(1000);
    now += 400;
    expect(rl.take('p', 'message')).toBe(600);
    now += 600;
    expect(rl.take('p', 'message')).toBe(0);
    expect(rl.take('other', 'message')).toBe(0);
    expect(rl.take('p', 'question')).toBe(0);
  });

  it('never allows more than burst + elapsed/refill actions', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 3000 }), { minLength: 1, maxLength: 200 }), (gaps) => {
        let now = 0;
        const rl = new RateLimiter(rules, () => now);
        let allowed = 0;
        for (const g of gaps) {
          now += g;
          if (rl.take('p', 'message') === 0) allowed++;
        }
        return allowed <= 3 + Math.floor(now / 1000);
      }),
    );
  });

  it('forgets a person', () => {
    const rl = new RateLimiter(rules, () => 0);
    rl.take('p', 'question');
    expect(rl.take('p', 'question')).toBeGreaterThan(0);
    rl.forget('p');
    expect(rl.take('p', 'question')).toBe(0);
  });
});
