import { describe, expect, it } from 'vitest';
import { contentTypeOf, parseRange } from './send-stored.js';

describe('parseRange', () => {
  it('reads start-end, open-ended and suffix ranges', () => {
    expect(parseRange('bytes=0-9', 100)).toEqual({ start: 0, end: 9 });
    expect(parseRange('bytes=90-', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=-10', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=95-500', 100)).toEqual({ start: 95, end: 99 });
  });
  it('serves the whole file for no header, several ranges or another unit', () => {
    expect(parseRange(undefined, 100)).toBeUndefined();
    expect(parseRange('bytes=0-1,5-6', 100)).toBeUndefined();
    expect(parseRange('items=0-1', 100)).toBeUndefined();
  });
  it('refuses ranges outside the file', () => {
    expect(parseRange('bytes=100-', 100)).toBe('unsatisfiable');
    expect(parseRange('bytes=-0', 100)).toBe('unsatisfiable');
    expect(parseRange('bytes=9-3', 100)).toBe('unsatisfiable');
  });
});

describe('contentTypeOf', () => {
  it('knows HLS, captions and originals', () => {
    expect(contentTypeOf('media/x/play/r/master.m3u8')).toBe('application/vnd.apple.mpegurl');
    expect(contentTypeOf('media/x/play/r/720p/seg_001.ts')).toBe('video/mp2t');
    expect(contentTypeOf('media/x/original.PDF')).toBe('application/pdf');
    expect(contentTypeOf('media/x/original.bin')).toBe('application/octet-stream');
  });
});
