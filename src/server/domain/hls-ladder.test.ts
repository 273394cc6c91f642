import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { masterPlaylist, planLadder, thumbnailInterval } from './hls-ladder.js';

describe('planLadder', () => {
  it('makes 360p, 720p and 1080p from a 1080p source', () => {
    expect(planLadder({ width: 1920, height: 1080 }).map((r) => [r.name, r.width, r.height])).toEqual([
      ['360p', 640, 360],
      ['720p', 1280, 720],
      ['1080p', 1920, 1080],
    ]);
  });

  it('stops at the source size: a 720p source gets no 1080p', () => {
    expect(planLadder({ width: 1280, height: 720 }).map((r) => r.name)).toEqual(['360p', '720p']);
  });

  it('fits portrait video by its short side', () => {
    expect(planLadder({ width: 720, height: 1280 }).map((r) => [r.name, r.width, r.height])).toEqual([
      ['360p', 360, 640],
      ['720p', 720, 1280],
    ]);
  });

  it('gives a tiny source one rung at its own size', () => {
    expect(planLadder({ width: 320, height: 240 })).toEqual([{ name: '240p', width: 320, height: 240, videoKbps: 533, audioKbps: 128 }]);
  });

  it('never upscales, always has a rung, and keeps even sizes and the aspect ratio', () => {
    fc.assert(
      fc.property(fc.integer({ min: 16, max: 7680 }), fc.integer({ min: 16, max: 7680 }), (width, height) => {
        const rungs = planLadder({ width, height });
        expect(rungs.length).toBeGreaterThan(0);
        for (const r of rungs) {
          expect(r.width % 2).toBe(0);
          expect(r.height % 2).toBe(0);
          expect(Math.min(r.width, r.height)).toBeLessThanOrEqual(Math.max(2, Math.round(Math.min(width, height) / 2) * 2));
          const [rs, rl] = [Math.min(r.width, r.height), Math.max(r.width, r.height)];
          const [ss, sl] = [Math.min(width, height), Math.max(width, height)];
          // One pixel of rounding on each side, no more.
          expect(Math.abs(rl / rs - sl / ss)).toBeLessThanOrEqual((1 + sl / ss) / rs + 1e-9);
          if (width > height) expect(r.width).toBeGreaterThanOrEqual(r.height);
          if (width < height) expect(r.width).toBeLessThanOrEqual(r.height);
        }
        const names = rungs.map((r) => r.name);
        expect(new Set(names).size).toBe(names.length);
      }),
    );
  });
});

describe('masterPlaylist', () => {
  it('lists variants from the lowest bandwidth with relative URIs', () => {
    const text = masterPlaylist([
      { name: '720p', bandwidthBps: 3_000_000, width: 1280, height: 720, codecs: 'avc1.4d402a,mp4a.40.2' },
      { name: '360p', bandwidthBps: 900_000, width: 640, height: 360, codecs: 'avc1.4d402a,mp4a.40.2' },
    ]);
    expect(text.split('\n').filter((l) => l && !l.startsWith('#'))).toEqual(['360p/index.m3u8', '720p/index.m3u8']);
    expect(text).toContain('#EXT-X-STREAM-INF:BANDWIDTH=900000,RESOLUTION=640x360,CODECS="avc1.4d402a,mp4a.40.2"');
  });
});

describe('thumbnailInterval', () => {
  it('keeps at most about 100 thumbnails', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 100_000, noNaN: true }), (d) => {
        expect(d / thumbnailInterval(d)).toBeLessThanOrEqual(100);
      }),
    );
  });
});
