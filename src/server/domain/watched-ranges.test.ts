import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { covered, merge, normalize, percentSeen, playedSeconds, type Range } from './watched-ranges.js';

const range = fc.tuple(fc.double({ min: -10, max: 200, noNaN: true }), fc.double({ min: -10, max: 200, noNaN: true })) as fc.Arbitrary<Range>;
const ranges = fc.array(range, { maxLength: 20 });

describe('watched ranges', () => {
  it('merges overlapping and nearly touching stretches, and clamps to the media', () => {
    expect(normalize([[10, 20], [0, 5], [19, 30], [30.3, 40], [50, 40], [-5, 1], [95, 120]], 100)).toEqual([
      [0, 5],
      [10, 50],
      [95, 100],
    ]);
  });

  it('computes percent seen, counting each second once', () => {
    const seen = merge([[0, 30]], [[10, 40], [0, 30]], 100);
    expect(covered(seen)).toBe(40);
    expect(percentSeen(seen, 100)).toBe(40);
    expect(percentSeen(seen, null)).toBe(0);
  });

  it('counts every played second for time watched, capped per report', () => {
    expect(playedSeconds([[0, 30], [0, 30]], 100, 120)).toBe(60);
    expect(playedSeconds([[0, 100], [0, 100]], 100, 120)).toBe(120);
    expect(playedSeconds([[90, 150]], 100, 120)).toBe(10);
  });

  it('property: result is sorted, disjoint, inside the limit', () => {
    fc.assert(
      fc.property(ranges, (rs) => {
        const n = normalize(rs, 100);
        for (const [s, e] of n) {
          expect(s).toBeGreaterThanOrEqual(0);
          expect(e).toBeLessThanOrEqual(100);
          expect(e).toBeGreaterThan(s);
        }
        for (let i = 1; i < n.length; i++) expect(n[i][0]).toBeGreaterThan(n[i - 1][1]);
      }),
    );
  });

  it('property: merging is idempotent and order does not matter', () => {
    fc.assert(
      fc.property(ranges, ranges, (a, b) => {
        const ab = merge(normalize(a, 100), b, 100);
        expect(merge(ab, b, 100)).toEqual(ab);
        expect(merge(normalize(b, 100), a, 100)).toEqual(ab);
      }),
    );
  });

  it('property: coverage never shrinks, never exceeds the duration or the sum of its parts', () => {
    fc.assert(
      fc.property(ranges, ranges, (a, b) => {
        const na = normalize(a, 100);
        const ab = merge(na, b, 100);
        expect(covered(ab)).toBeGreaterThanOrEqual(covered(na) - 1e-9);
        expect(covered(ab)).toBeLessThanOrEqual(100 + 1e-9);
        expect(percentSeen(ab, 100)).toBeLessThanOrEqual(100);
        expect(covered(ab)).toBeLessThanOrEqual(covered(na) + covered(normalize(b, 100)) + 0.5 * (a.length + b.length) + 1e-9);
      }),
    );
  });
});
