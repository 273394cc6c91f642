import { describe, expect, it } from 'vitest';
import { LOW_RENDITION_LAG, lowRenditionSegments, measuredBandwidth, parseBlockingMsn, parseFfmpegPlaylist, renderMasterPlaylist, renderMediaPlaylist, type LiveSegment } from './live-playlist.js';

const seg = (msn: number, discontinuity = false, durationMs = 1000): LiveSegment => ({ msn, durationMs, discontinuity, programDateTime: Date.UTC(2026, 11, 2, 9, 0, msn) });

describe('live playlists', () => {
  it('reads the complete segments of ffmpeg’s playlist, and its end', () => {
    const text = '#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXT-X-MEDIA-SEQUENCE:3\n#EXTINF:1.000000,\nseg-3.ts\n#EXTINF:0.960000,\nseg-4.ts\n#EXTINF:1.0,\nother.ts\n';
    expect(parseFfmpegPlaylist(text)).toEqual({ segments: [{ index: 3, file: 'seg-3.ts', durationSec: 1 }, { index: 4, file: 'seg-4.ts', durationSec: 0.96 }], ended: false });
    expect(parseFfmpegPlaylist(`${text}#EXT-X-ENDLIST\n`).ended).toBe(true);
    // a segment line without its EXTINF is not taken
    expect(parseFfmpegPlaylist('#EXTM3U\nseg-9.ts\n').segments).toEqual([]);
  });

  it('lists the last six segments with blocking reload, program date-time and the discontinuity sequence', () => {
    const segments = [seg(0), seg(1), seg(2, true), seg(3), seg(4), seg(5), seg(6, true), seg(7), seg(8)];
    const text = renderMediaPlaylist({ segments, discontinuitiesBefore: 0, ended: false });
    expect(text).toContain('#EXT-X-MEDIA-SEQUENCE:3\n');
    // seg-2's discontinuity dropped out of the window: the sequence counts it
    expect(text).toContain('#EXT-X-DISCONTINUITY-SEQUENCE:1\n');
    expect(text).toContain('#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,HOLD-BACK=3.0\n');
    expect(text.match(/#EXT-X-DISCONTINUITY\n/g)).toHaveLength(1);
    expect(text.indexOf('#EXT-X-DISCONTINUITY\n')).toBeLessThan(text.indexOf('seg-6.ts'));
    expect(text.indexOf('#EXT-X-DISCONTINUITY\n')).toBeGreaterThan(text.indexOf('seg-5.ts'));
    expect(text).toContain(`#EXT-X-PROGRAM-DATE-TIME:${new Date(Date.UTC(2026, 11, 2, 9, 0, 8)).toISOString()}\n#EXTINF:1.000,\nseg-8.ts`);
    expect(text).not.toContain('#EXT-X-ENDLIST');
    expect(text.match(/^seg-\d+\.ts$/gm)).toEqual(['seg-3.ts', 'seg-4.ts', 'seg-5.ts', 'seg-6.ts', 'seg-7.ts', 'seg-8.ts']);
  });

  it('counts a discontinuity on the first listed segment in the sequence, not as a tag; ends with ENDLIST and no blocking', () => {
    const text = renderMediaPlaylist({ segments: [seg(10, true), seg(11)], discontinuitiesBefore: 2, ended: true });
    expect(text).toContain('#EXT-X-DISCONTINUITY-SEQUENCE:3\n');
    expect(text).not.toContain('#EXT-X-DISCONTINUITY\n');
    expect(text.trimEnd().endsWith('#EXT-X-ENDLIST')).toBe(true);
    expect(text).not.toContain('CAN-BLOCK-RELOAD');
  });

  it('sets the target duration from the longest listed segment, rounded up', () => {
    expect(renderMediaPlaylist({ segments: [seg(0, false, 2400)], discontinuitiesBefore: 0, ended: false })).toContain('#EXT-X-TARGETDURATION:3\n');
    expect(renderMediaPlaylist({ segments: [seg(0, false, 1000)], discontinuitiesBefore: 0, ended: false })).toContain('#EXT-X-TARGETDURATION:1\n');
  });

  it('writes a master playlist and reads _HLS_msn', () => {
    expect(renderMasterPlaylist([{ uri: 'index.m3u8', bandwidth: 2_800_000, codecs: 'avc1.640028,mp4a.40.2' }])).toBe('#EXTM3U\n#EXT-X-VERSION:6\n#EXT-X-INDEPENDENT-SEGMENTS\n#EXT-X-STREAM-INF:BANDWIDTH=2800000,CODECS="avc1.640028,mp4a.40.2"\nindex.m3u8\n');
    expect(parseBlockingMsn(undefined)).toBeUndefined();
    expect(parseBlockingMsn('42')).toBe(42);
    for (const bad of ['-1', '4.2', 'x', '', '1234567890']) expect(parseBlockingMsn(bad)).toBe('invalid');
  });

  it('lists the 480p rendition up to its newest segment; a source segment left without one further back is listed by the source’s URI', () => {
    const low = (msn: number, has: boolean) => ({ ...seg(msn), sizeBytes: 100_000, lowSizeBytes: has ? 40_000 : null });
    // the newest two are still being made: not listed yet (the playlist grows when they come)
    const catching = [low(0, true), low(1, true), low(2, true), low(3, false), low(4, false)];
    expect(lowRenditionSegments(catching, false).map((s) => s.uri)).toEqual(['seg-0.ts', 'seg-1.ts', 'seg-2.ts']);
    // ended: everything, the missing ones from the source
    expect(lowRenditionSegments(catching, true).map((s) => s.uri)).toEqual(['seg-0.ts', 'seg-1.ts', 'seg-2.ts', '../seg-3.ts', '../seg-4.ts']);
    // more missing than the rendition's lag: it stopped (the machine could not keep up); the source stands in, nothing stalls
    const stopped = [low(0, true), ...Array.from({ length: LOW_RENDITION_LAG + 1 }, (_, i) => low(i + 1, false))];
    expect(lowRenditionSegments(stopped, false).map((s) => s.uri)).toEqual(['seg-0.ts', ...stopped.slice(1).map((s) => `../seg-${s.msn}.ts`)]);
    // a gap in the middle is listed by the source's URI
    expect(lowRenditionSegments([low(0, true), low(1, false), low(2, true)], false).map((s) => s.uri)).toEqual(['seg-0.ts', '../seg-1.ts', 'seg-2.ts']);
    // the rendered playlist uses those URIs
    expect(renderMediaPlaylist({ segments: lowRenditionSegments([low(0, true), low(1, false), low(2, true)], false), discontinuitiesBefore: 0, ended: false })).toMatch(/\nseg-0\.ts\n[^]*\n\.\.\/seg-1\.ts\n[^]*\nseg-2\.ts\n$/);
  });

  it('measures a rendition’s bandwidth from its segments', () => {
    const segments = [{ ...seg(0, false, 1000), sizeBytes: 250_000, lowSizeBytes: 100_000 }, { ...seg(1, false, 2000), sizeBytes: 500_000, lowSizeBytes: null }];
    expect(measuredBandwidth(segments, (s) => s.sizeBytes)).toBe(2_000_000);
    expect(measuredBandwidth(segments, (s) => s.lowSizeBytes)).toBe(800_000);
    expect(measuredBandwidth([seg(0)], (s) => s.lowSizeBytes)).toBeUndefined();
  });

  it('writes a master playlist with the 480p rendition', () => {
    expect(renderMasterPlaylist([{ uri: 'index.m3u8', bandwidth: 3_000_000, resolution: '1280x720' }, { uri: 'lo/index.m3u8', bandwidth: 1_000_000, resolution: '854x480' }])).toBe(
      '#EXTM3U\n#EXT-X-VERSION:6\n#EXT-X-INDEPENDENT-SEGMENTS\n#EXT-X-STREAM-INF:BANDWIDTH=3000000,RESOLUTION=1280x720\nindex.m3u8\n#EXT-X-STREAM-INF:BANDWIDTH=1000000,RESOLUTION=854x480\nlo/index.m3u8\n',
    );
  });
});
