import { describe, expect, it } from 'vitest';
import { ProgressTracker } from './progressTracker.js';
import { signedPrefixOf, withLatestSignature } from './signedUrl.js';

const sigA = 'A'.repeat(43);
const sigB = 'B'.repeat(43);

describe('withLatestSignature', () => {
  it('moves a segment URL to the newest signature of the same media', () => {
    const old = `http://x/api/media/m1/stream/100/${sigA}/run/720p/seg_00001.ts`;
    const latest = `http://x/api/media/m1/stream/200/${sigB}/`;
    expect(withLatestSignature(old, latest)).toBe(`http://x/api/media/m1/stream/200/${sigB}/run/720p/seg_00001.ts`);
    expect(signedPrefixOf(`/api/media/m1/stream/200/${sigB}/run/master.m3u8`)).toBe(`/api/media/m1/stream/200/${sigB}/`);
  });

  it('works when the page has absolute URLs and the refresh gave a path, as hls.js sees them', () => {
    const old = `http://127.0.0.1:5000/api/media/m1/stream/100/${sigA}/run/360p/seg_00001.ts`;
    expect(withLatestSignature(old, `/api/media/m1/stream/200/${sigB}/`)).toBe(`http://127.0.0.1:5000/api/media/m1/stream/200/${sigB}/run/360p/seg_00001.ts`);
  });

  it('leaves other media and unsigned URLs alone', () => {
    const other = `http://x/api/media/m2/stream/100/${sigA}/seg.ts`;
    expect(withLatestSignature(other, `http://x/api/media/m1/stream/200/${sigB}/`)).toBe(other);
    expect(withLatestSignature('http://x/api/media/m1/playback', `http://x/api/media/m1/stream/200/${sigB}/`)).toBe('http://x/api/media/m1/playback');
    expect(withLatestSignature(other, undefined)).toBe(other);
  });
});

describe('ProgressTracker', () => {
  it('collects played stretches, splitting at seeks', () => {
    const t = new ProgressTracker();
    for (const s of [0, 0.25, 0.5, 1, 1.5]) t.onTime(s);
    t.onTime(30);
    t.onTime(30.5);
    expect(t.take()).toEqual([
      [0, 1.5],
      [30, 30.5],
    ]);
    t.onTime(31);
    expect(t.take()).toEqual([[30.5, 31]]);
    expect(t.take()).toEqual([]);
  });

  it('treats a jump back as a seek, and pause then play as one stretch', () => {
    const t = new ProgressTracker();
    t.onTime(10);
    t.onTime(11);
    t.onTime(5);
    t.onTime(6);
    expect(t.take()).toEqual([
      [10, 11],
      [5, 6],
    ]);
  });
});
