/**
 * Per-person rate limits in a room: token buckets (a burst, then a steady rate), counted with the
 * app's clock. Kept per process: a person's connections to one process share buckets.
 */
export interface BucketRule {
  /** Actions allowed in a burst. */
  burst: number;
  /** Milliseconds for one more action to become available. */
  refillMs: number;
}

export const rateClasses = ['message', 'question', 'reaction', 'moderation', 'frame'] as const;
export type RateClass = (typeof rateClasses)[number];

export type RoomRateLimits = Record<RateClass, BucketRule>;

/** Defaults sized for a person typing by hand; `frame` caps every socket message, valid or not. */
export const defaultRoomRateLimits: RoomRateLimits = {
  message: { burst: 8, refillMs: 2_000 },
  question: { burst: 3, refillMs: 20_000 },
  reaction: { burst: 30, refillMs: 250 },
  moderation: { burst: 60, refillMs: 100 },
  frame: { burst: 120, refillMs: 50 },
};

export interface Bucket {
  tokens: number;
  at: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly rules: RoomRateLimits,
    private readonly clock: () => number,
  ) {}

  /** Takes one token; returns 0 when allowed, else the milliseconds until the next one. */
  take(key: string, cls: RateClass): number {
    const id = `${cls}:${key}`;
    let b = this.buckets.get(id);
    if (!b) this.buckets.set(id, (b = { tokens: this.rules[cls].burst, at: this.clock() }));
    return this.takeFrom(b, cls);
  }

  /** The same, on a bucket the caller keeps (one per socket, without a map entry per socket). */
  takeFrom(b: Bucket, cls: RateClass): number {
    const rule = this.rules[cls];
    const now = this.clock();
    const refilled = Math.min(rule.burst, b.tokens + Math.max(0, now - b.at) / rule.refillMs);
    b.at = now;
    if (refilled >= 1) {
      b.tokens = refilled - 1;
      return 0;
    }
    b.tokens = refilled;
    return Math.ceil((1 - refilled) * rule.refillMs);
  }


  /** Forgets a person's buckets (when their last connection in this process closes). */
  forget(key: string): void {
    for (const cls of rateClasses) this.buckets.delete(`${cls}:${key}`);
  }
}
