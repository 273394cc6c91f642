import { describe, expect, it } from 'vitest';
import type { LivePlaybackDto } from '../../../contracts/live-video.js';
import { FIRST_SEGMENT_POLL_MS, isRefusalStatus, nativeLatency, nextPlaybackRefreshMs, playlistBase, withLatestBase } from './livePlayback.js';

const now = Date.parse('2026-12-02T10:00:00Z');
const answer = (over: Partial<LivePlaybackDto> = {}): LivePlaybackDto => ({
  status: { state: 'live', reason: null, source: 'webcast', publisherName: null, since: null, reconnectUntil: null },
  playlistUrl: '/api/live/e1/1764669600/sig/master.m3u8',
  expiresAt: new Date(now + 120_000).toISOString(),
  canBroadcast: false,
  ingestUrl: null,
  ...over,
});

describe('when the live player asks for its playback answer again', () => {
  it('every second while live without a first segment; not at all while waiting or after the end', () => {
    expect(nextPlaybackRefreshMs(answer({ playlistUrl: null }), 'live', now)).toBe(FIRST_SEGMENT_POLL_MS);
    expect(nextPlaybackRefreshMs(answer({ playlistUrl: null }), 'reconnecting', now)).toBe(FIRST_SEGMENT_POLL_MS);
    expect(nextPlaybackRefreshMs(answer({ playlistUrl: null }), 'waiting', now)).toBe(false);
    expect(nextPlaybackRefreshMs(answer(), 'ended', now)).toBe(false);
    expect(nextPlaybackRefreshMs(undefined, 'live', now)).toBe(false);
  });

  it('well before the signature expires, and never after it', () => {
    // two minutes left: ask 30 s early
    expect(nextPlaybackRefreshMs(answer(), 'live', now)).toBe(90_000);
    // twenty seconds left: a quarter early
    expect(nextPlaybackRefreshMs(answer({ expiresAt: new Date(now + 20_000).toISOString() }), 'live', now)).toBe(15_000);
    // eight seconds left: at least 3 s early
    expect(nextPlaybackRefreshMs(answer({ expiresAt: new Date(now + 8_000).toISOString() }), 'live', now)).toBe(5_000);
    // already expired: at once (after a second, not in a loop)
    expect(nextPlaybackRefreshMs(answer({ expiresAt: new Date(now - 5_000).toISOString() }), 'paused', now)).toBe(1_000);
  });
});

describe('moving requests to the newest signature', () => {
  const page = 'http://foyer.test/events/e1';
  const first = playlistBase('/api/live/e1/100/aaa/master.m3u8', page);
  const second = playlistBase('http://foyer.test/api/live/e1/200/bbb/master.m3u8?x=1', page);

  it('the base is the absolute folder of the playlist, signature included', () => {
    expect(first).toBe('http://foyer.test/api/live/e1/100/aaa/');
    expect(second).toBe('http://foyer.test/api/live/e1/200/bbb/');
  });

  it('playlists and segments under an older folder go to the newest; anything else is left alone', () => {
    const bases = [first, second];
    expect(withLatestBase('http://foyer.test/api/live/e1/100/aaa/v0/seg42.ts', bases, second)).toBe('http://foyer.test/api/live/e1/200/bbb/v0/seg42.ts');
    expect(withLatestBase('http://foyer.test/api/live/e1/100/aaa/master.m3u8', bases, second)).toBe('http://foyer.test/api/live/e1/200/bbb/master.m3u8');
    expect(withLatestBase('http://foyer.test/api/live/e1/200/bbb/seg1.ts', bases, second)).toBe('http://foyer.test/api/live/e1/200/bbb/seg1.ts');
    expect(withLatestBase('http://foyer.test/api/live/e2/100/aaa/seg1.ts', bases, second)).toBe('http://foyer.test/api/live/e2/100/aaa/seg1.ts');
    expect(withLatestBase('http://foyer.test/api/live/e1/100/aaa/seg1.ts', bases, undefined)).toBe('http://foyer.test/api/live/e1/100/aaa/seg1.ts');
  });
});

describe('small rules', () => {
  it('native latency comes from the seekable end; unknown without one', () => {
    expect(nativeLatency(12.5, 10)).toBe(2.5);
    expect(nativeLatency(undefined, 10)).toBeNull();
    expect(nativeLatency(Infinity, 10)).toBeNull();
    expect(nativeLatency(9, 10)).toBe(0);
  });
  it('401, 403 and 410 stop playback; 404 and 5xx are retried', () => {
    expect([401, 403, 410].every(isRefusalStatus)).toBe(true);
    expect([0, 404, 500, 503, undefined].some(isRefusalStatus)).toBe(false);
  });
});
