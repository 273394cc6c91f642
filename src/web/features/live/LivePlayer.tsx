import type Hls from 'hls.js';
import type { ErrorData, HlsConfig, LoaderConfig } from 'hls.js';
import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { LiveStreamStatusDto } from '../../../contracts/live-video.js';
import { isApiError } from '../../api/client.js';
import { BEHIND_LIVE_SECONDS, isRefusalStatus, nativeLatency, playlistBase, withLatestBase } from './livePlayback.js';
import { liveLatencyConfig } from './live-hls-config.js';
import { useLivePlayback } from './useLivePlayback.js';
import { handlePlayerKey, PlayerControls, type QualityOption } from '../player/PlayerControls.js';
import '../player/player.css';

export interface LivePlayerProps {
  /** The room's `stream.playbackUrl`. */
  playbackUrl: string;
  /** The stream's status, as the room says it. */
  status: LiveStreamStatusDto;
  serverOffsetMs: number;
  /** After the end: where the recording is, when the event page says so. */
  recordingUrl?: string | null;
}

/** Playlist and segment loading: fast retries, since a live edge a few seconds old is already late. */
const fastLoad = (firstByteMs: number, loadMs: number, retryOn404: boolean): { default: LoaderConfig } => ({
  default: {
    maxTimeToFirstByteMs: firstByteMs,
    maxLoadTimeMs: loadMs,
    timeoutRetry: { maxNumRetry: 4, retryDelayMs: 0, maxRetryDelayMs: 0 },
    errorRetry: {
      maxNumRetry: 6,
      retryDelayMs: 250,
      maxRetryDelayMs: 1_500,
      backoff: 'linear',
      // hls.js retries no 4xx; a playlist may 404 for a moment while the packager restarts. Refusals stop at once.
      shouldRetry: (cfg, count, _timeout, response, retry) => !isRefusalStatus(response?.code) && (retry || (retryOn404 && response?.code === 404 && count < (cfg?.maxNumRetry ?? 0))),
    },
  },
});

/** hls.js tuned for latency (live-hls-config.ts), with fast retries and the URL refresh. */
export const liveHlsConfig = (xhrSetup: HlsConfig['xhrSetup']): Partial<HlsConfig> => ({
  ...liveLatencyConfig,
  manifestLoadPolicy: fastLoad(4_000, 8_000, true),
  playlistLoadPolicy: fastLoad(3_000, 6_000, true),
  fragLoadPolicy: fastLoad(4_000, 10_000, false),
  xhrSetup,
});

/** How long playback may sit still while it should be playing before the player pulls it forward. */
const STALL_MS = 4_000;
const MAX_MEDIA_RECOVERIES = 3;

const stateMessage = (status: LiveStreamStatusDto, hasPlaylist: boolean): string | null => {
  switch (status.state) {
    case 'waiting':
      return 'The broadcast will start soon';
    case 'reconnecting':
      return 'The speaker’s connection dropped — reconnecting…';
    case 'paused':
      return 'The speaker paused the broadcast';
    case 'ended':
      return 'The broadcast has ended';
    case 'live':
      return hasPlaylist ? null : 'The broadcast is starting…';
  }
};

/**
 * Live video in the room (webcast, DIY live): hls.js, or the browser's own HLS where there is no
 * Media Source Extensions (Safari on iPhone). Stays near the live edge, shows how far behind it is,
 * recovers from stalls and network or media errors, and stops at once when a playlist or segment
 * request is refused (invite revoked, event deleted). Every state of the stream has its message.
 */
export function LivePlayer({ playbackUrl, status, serverOffsetMs, recordingUrl }: LivePlayerProps) {
  const playback = useLivePlayback(playbackUrl, status.state, serverOffsetMs);
  const playlistUrl = playback.data?.playlistUrl ?? null;
  const videoRef = useRef<HTMLVideoElement>(null);
  const hlsRef = useRef<Hls | null>(null);
  const bases = useRef<string[]>([]);
  const latestBase = useRef<string | undefined>(undefined);
  const latestUrl = useRef<string | null>(null);
  const [refusal, setRefusal] = useState<string>();
  const [engineError, setEngineError] = useState<string>();
  const [root, setRoot] = useState<HTMLDivElement | null>(null);
  const [videoEl, setVideoEl] = useState<HTMLVideoElement | null>(null);
  const attachVideo = useCallback((el: HTMLVideoElement | null) => {
    videoRef.current = el;
    setVideoEl(el);
  }, []);
  const [userPaused, setUserPaused] = useState(false);
  const [latency, setLatency] = useState<number | null>(null);
  const [restarts, setRestarts] = useState(0);
  /** The renditions, when there are several; `chosen` -1 = Auto; `playing` = the level Auto picked. */
  const [qualities, setQualities] = useState<QualityOption[]>([]);
  const [chosen, setChosen] = useState(-1);
  const [playing, setPlaying] = useState<number | null>(null);
  const userPausedRef = useRef(false);
  userPausedRef.current = userPaused;

  // The newest signed folder: every later request moves to it (xhrSetup), so refreshing never reloads the stream.
  useEffect(() => {
    if (!playlistUrl) return;
    latestUrl.current = playlistUrl;
    const base = playlistBase(playlistUrl, location.href);
    if (!bases.current.includes(base)) bases.current.push(base);
    latestBase.current = base;
  }, [playlistUrl]);

  const { refetch } = playback;
  const recentRefusals = useRef<number[]>([]);
  /** A refused request: stop now, then ask whether this person may still watch (a fresh signature resumes). */
  const checkAccess = useCallback(async () => {
    const el = videoRef.current;
    el?.pause();
    hlsRef.current?.stopLoad();
    const now = Date.now();
    recentRefusals.current = [...recentRefusals.current.filter((t) => now - t < 10_000), now];
    const answer = await refetch();
    // refused again and again although the answer says yes: stop instead of looping
    if (answer.isError || !answer.data?.playlistUrl || recentRefusals.current.length > 2) {
      hlsRef.current?.destroy();
      hlsRef.current = null;
      const err = answer.error;
      setRefusal(isApiError(err) ? err.message : 'You can no longer watch this broadcast.');
      return;
    }
    // a fresh signature (or a new playlist): carry on from the live edge
    setRestarts((n) => n + 1);
  }, [refetch]);

  const active = playlistUrl !== null && status.state !== 'waiting' && status.state !== 'ended' && !refusal;

  // The stream: set up once per playlist (refreshed signatures flow through xhrSetup).
  useEffect(() => {
    const el = videoRef.current;
    const url = latestUrl.current;
    if (!active || !el || !url) return;
    let cancelled = false;
    let hls: Hls | null = null;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    let mediaRecoveries = 0;
    let networkRetries = 0;
    const onNativeError = () => void checkAccess();

    void import('hls.js').then(({ default: HlsClass }) => {
      if (cancelled) return;
      if (!HlsClass.isSupported()) {
        if (el.canPlayType('application/vnd.apple.mpegurl')) {
          // Safari: its own HLS. A refused or expired playlist surfaces as a media error.
          el.src = url;
          el.addEventListener('error', onNativeError);
          void el.play().catch(() => setUserPaused(true));
        } else setEngineError('This browser cannot play live video. Use a recent Chrome, Edge, Firefox or Safari.');
        return;
      }
      hls = new HlsClass(
        liveHlsConfig((xhr, reqUrl) => {
          xhr.open('GET', withLatestBase(reqUrl, bases.current, latestBase.current), true);
        }),
      );
      hlsRef.current = hls;
      const h = hls;
      h.on(HlsClass.Events.ERROR, (_e, data: ErrorData) => {
        if (data.type === HlsClass.ErrorTypes.NETWORK_ERROR && isRefusalStatus(data.response?.code)) {
          void checkAccess();
          return;
        }
        if (!data.fatal) return;
        if (data.type === HlsClass.ErrorTypes.NETWORK_ERROR) {
          // a packager restart, a lost connection: load again soon; a fresh answer may carry a new playlist
          clearTimeout(retryTimer);
          retryTimer = setTimeout(() => {
            void refetch();
            h.startLoad();
          }, Math.min(3_000, 500 * 2 ** networkRetries++));
        } else if (data.type === HlsClass.ErrorTypes.MEDIA_ERROR && mediaRecoveries < MAX_MEDIA_RECOVERIES) {
          if (mediaRecoveries++ > 0) h.swapAudioCodec();
          h.recoverMediaError();
        } else {
          // beyond repair in place: a new player from the live edge
          retryTimer = setTimeout(() => setRestarts((n) => n + 1), 1_000);
        }
      });
      h.on(HlsClass.Events.FRAG_BUFFERED, () => {
        networkRetries = 0;
      });
      h.on(HlsClass.Events.MANIFEST_PARSED, (_e, data) => {
        setQualities(data.levels.length > 1 ? data.levels.map((l, index) => ({ index, height: l.height, bitrate: l.bitrate })) : []);
        if (!userPausedRef.current) void el.play().catch(() => setUserPaused(true));
      });
      h.on(HlsClass.Events.LEVEL_SWITCHED, (_e, data) => setPlaying(data.level));
      h.loadSource(url);
      h.attachMedia(el);
    });
    return () => {
      cancelled = true;
      clearTimeout(retryTimer);
      el.removeEventListener('error', onNativeError);
      hls?.destroy();
      if (hlsRef.current === hls) hlsRef.current = null;
      if (!hls && el.getAttribute('src')) {
        el.removeAttribute('src');
        el.load();
      }
    };
  }, [active, restarts, checkAccess, refetch]);

  // Latency for the badge, and the stall watchdog: playing should mean time moves on.
  useEffect(() => {
    const el = videoRef.current;
    if (!active || !el) return;
    let lastTime = el.currentTime;
    let stillSince = Date.now();
    const t = setInterval(() => {
      const hls = hlsRef.current;
      const seekable = el.seekable.length ? el.seekable.end(el.seekable.length - 1) : undefined;
      const l = hls ? (hls.latency > 0 ? hls.latency : null) : nativeLatency(seekable, el.currentTime);
      setLatency(l === null ? null : Math.round(l * 10) / 10);
      if (el.currentTime !== lastTime || userPausedRef.current || status.state !== 'live') {
        lastTime = el.currentTime;
        stillSince = Date.now();
        return;
      }
      if (Date.now() - stillSince < STALL_MS) return;
      // stuck while the stream is live: load again and jump to where the live edge is now
      stillSince = Date.now();
      const edge = hls?.liveSyncPosition ?? (seekable !== undefined ? seekable - 1.5 : null);
      hls?.startLoad();
      if (edge !== null && edge > el.currentTime + 0.5) el.currentTime = edge;
      if (el.paused) void el.play().catch(() => setUserPaused(true));
    }, 500);
    return () => clearInterval(t);
  }, [active, status.state]);

  const goLive = () => {
    const el = videoRef.current;
    if (!el) return;
    const hls = hlsRef.current;
    const seekable = el.seekable.length ? el.seekable.end(el.seekable.length - 1) : undefined;
    const edge = hls?.liveSyncPosition ?? (seekable !== undefined ? seekable - 1.5 : null);
    if (edge !== null && Number.isFinite(edge)) el.currentTime = edge;
    setUserPaused(false);
    void el.play().catch(() => setUserPaused(true));
  };

  const togglePlay = () => {
    const el = videoRef.current;
    if (!el) return;
    if (el.paused) goLive();
    else {
      // only the viewer pauses on purpose (there are no native controls): the player's own pauses do not count
      setUserPaused(true);
      el.pause();
    }
  };
  const chooseQuality = (level: number) => {
    setChosen(level);
    // the next segment comes in the chosen rendition (-1: hls.js chooses by bandwidth)
    if (hlsRef.current) hlsRef.current.nextLevel = level;
  };
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (active) handlePlayerKey(e, videoRef.current, root, { live: true, onTogglePlay: togglePlay });
  };

  const message = refusal ?? engineError ?? stateMessage(status, playlistUrl !== null);
  const behind = active && status.state === 'live' && latency !== null && latency > BEHIND_LIVE_SECONDS;
  const ended = status.state === 'ended';
  const liveShow = behind || (userPaused && status.state === 'live') ? 'go-live' : status.state === 'live' ? 'badge' : 'none';

  return (
    <div
      ref={setRoot}
      className="live-player live-video"
      data-state={refusal ? 'refused' : status.state}
      role="region"
      aria-label="Live video player"
      aria-keyshortcuts="Space k m f p"
      aria-description="Space or K plays and pauses (playing again goes to live), M mutes, up and down arrows change the volume, F is full screen, P is picture in picture."
      tabIndex={active ? 0 : undefined}
      onKeyDown={onKeyDown}
    >
      <div className="live-video-frame">
        <video
          ref={attachVideo}
          muted
          autoPlay
          playsInline
          hidden={!active}
          aria-label="Live video"
          data-testid="live-video"
          onPlay={() => setUserPaused(false)}
        />
        {message && (
          <div className={`live-video-message ${active ? 'live-video-overlay' : ''}`} role={refusal || engineError ? 'alert' : 'status'}>
            <p>{message}</p>
            {ended && !refusal && (recordingUrl ? <a href={recordingUrl}>Watch the recording</a> : <p className="live-video-note">The recording will be available here after the event.</p>)}
          </div>
        )}
        {active && videoEl && (
          <PlayerControls
            media={videoEl}
            stage={root}
            kind="video"
            live={{ show: liveShow, onGoLive: goLive }}
            onTogglePlay={togglePlay}
            qualities={qualities}
            quality={chosen}
            autoQuality={playing}
            onQuality={chooseQuality}
          >
            {latency !== null && status.state === 'live' && <span className="live-latency">{latency.toFixed(1)} s behind</span>}
          </PlayerControls>
        )}
      </div>
    </div>
  );
}
