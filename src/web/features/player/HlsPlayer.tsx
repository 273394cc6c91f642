import Hls, { type ErrorData, type Level } from 'hls.js';
import { useCallback, useEffect, useImperativeHandle, useRef, useState, type KeyboardEvent, type Ref } from 'react';
import type { PlaybackDto } from '../../../contracts/pipeline.js';
import { isApiError } from '../../api/client.js';
import { playerApi } from './playerApi.js';
import { ProcessingStatus } from './ProcessingStatus.js';
import { ProgressTracker } from './progressTracker.js';
import { handlePlayerKey, PlayerControls, runShortcut, type QualityOption } from './PlayerControls.js';
import { SHORTCUT_HELP, thumbnailAt } from './player-format.js';
import { signedPrefixOf, withLatestSignature } from './signedUrl.js';
import './player.css';

export interface HlsPlayerHandle {
  play(): Promise<void>;
  pause(): void;
  seek(seconds: number): void;
  currentTime(): number;
  ended(): boolean;
}

export interface HlsPlayerProps {
  mediaId: string;
  title: string;
  ref?: Ref<HlsPlayerHandle>;
  /** Quiz: seconds at which the player stops and calls onCue (cues listed in `doneCues` are passed). */
  cues?: number[];
  doneCues?: ReadonlySet<number>;
  onCue?: (index: number) => void;
  onEnded?: () => void;
  /** Called with each playback answer (e.g. to show status elsewhere). */
  onPlayback?: (playback: PlaybackDto) => void;
}

const REPORT_EVERY_MS = 10_000;

/**
 * Foyer's video and audio player over HLS (hls.js; native HLS where hls.js cannot run), with its own
 * controls (PlayerControls: seek previews, speed, quality, captions, full screen, picture in
 * picture), keyboard shortcuts, the poster, and the viewer's position remembered. Media URLs
 * are short-lived signatures; the player asks for fresh ones every `refreshInSeconds` and moves
 * every later request to the newest, so long viewing never breaks and a revoked viewer stops.
 */
export function HlsPlayer({ mediaId, title, ref, cues, doneCues, onCue, onEnded, onPlayback }: HlsPlayerProps) {
  const [playback, setPlayback] = useState<PlaybackDto | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [levels, setLevels] = useState<QualityOption[]>([]);
  const [level, setLevel] = useState(-1);
  const [autoLevel, setAutoLevel] = useState<number | null>(null);
  const mediaRef = useRef<HTMLVideoElement & HTMLAudioElement>(null);
  /** The element once mounted, for the controls (a callback ref: they render after it exists). */
  const [mediaEl, setMediaEl] = useState<HTMLMediaElement | null>(null);
  /** The player's root: what goes full screen (video and controls), and where the shortcuts are heard. */
  const [stage, setStage] = useState<HTMLDivElement | null>(null);
  const attachMedia = useCallback((el: (HTMLVideoElement & HTMLAudioElement) | null) => {
    mediaRef.current = el;
    setMediaEl(el);
  }, []);
  const hlsRef = useRef<Hls | null>(null);
  const latestPrefix = useRef<string | undefined>(undefined);
  const cueState = useRef({ cues, doneCues, onCue, onEnded, pending: -1 });
  cueState.current = { ...cueState.current, cues, doneCues, onCue, onEnded };

  useImperativeHandle(ref, () => ({
    play: async () => {
      cueState.current.pending = -1;
      await mediaRef.current?.play();
    },
    pause: () => mediaRef.current?.pause(),
    seek: (s: number) => {
      if (mediaRef.current) mediaRef.current.currentTime = s;
    },
    currentTime: () => mediaRef.current?.currentTime ?? 0,
    ended: () => mediaRef.current?.ended ?? false,
  }));

  // Playback URLs: first load, polling while processing, and refreshing the signature.
  useEffect(() => {
    const abort = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = async () => {
      try {
        const pb = await playerApi.playback(mediaId, abort.signal);
        latestPrefix.current = pb.hlsUrl ? signedPrefixOf(pb.hlsUrl) : undefined;
        setPlayback((prev) => (prev && prev.status === 'ready' && pb.status === 'ready' ? { ...prev, expiresAt: pb.expiresAt, downloadUrl: pb.downloadUrl } : pb));
        onPlayback?.(pb);
        setError(null);
        const again = pb.status === 'ready' ? pb.refreshInSeconds * 1000 : pb.status === 'failed' ? null : 2_000;
        if (again !== null) timer = setTimeout(load, again);
      } catch (err) {
        if (abort.signal.aborted) return;
        // No fresh URLs: access ended (revoked invite) or the server is unreachable. Playing stops when the last URLs expire.
        setError(isApiError(err) ? err.message : 'Could not load the media.');
        if (!isApiError(err) || err.status >= 500 || err.status === 0) timer = setTimeout(load, 5_000);
      }
    };
    void load();
    return () => {
      abort.abort();
      clearTimeout(timer);
    };
  }, [mediaId]);

  const hlsUrl = playback?.status === 'ready' ? playback.hlsUrl : null;

  // The stream: hls.js attached once per media.
  useEffect(() => {
    const el = mediaRef.current;
    if (!el || !hlsUrl || !playback) return;
    const resumeAt = playback.resumeAtSeconds;
    if (!Hls.isSupported()) {
      el.src = hlsUrl;
      const onMeta = () => {
        if (resumeAt) el.currentTime = resumeAt;
      };
      el.addEventListener('loadedmetadata', onMeta, { once: true });
      return () => el.removeEventListener('loadedmetadata', onMeta);
    }
    const hls = new Hls({
      startPosition: resumeAt ?? -1,
      xhrSetup: (xhr, url) => {
        xhr.open('GET', withLatestSignature(url, latestPrefix.current), true);
      },
    });
    hlsRef.current = hls;
    hls.on(Hls.Events.MANIFEST_PARSED, (_e, data) => {
      setLevels(data.levels.map((l: Level, index: number) => ({ index, height: l.height, bitrate: l.bitrate })));
    });
    hls.on(Hls.Events.LEVEL_SWITCHED, (_e, data) => setAutoLevel(data.level));
    hls.on(Hls.Events.ERROR, (_e, data: ErrorData) => {
      if (!data.fatal) return;
      if (data.type === Hls.ErrorTypes.NETWORK_ERROR) {
        // An expired signature: fetch fresh URLs, then carry on from where loading stopped.
        void playerApi
          .playback(mediaId)
          .then((pb) => {
            latestPrefix.current = pb.hlsUrl ? signedPrefixOf(pb.hlsUrl) : latestPrefix.current;
            hls.startLoad();
          })
          .catch((err) => setError(isApiError(err) ? err.message : 'Playback stopped: the media could not be loaded.'));
      } else if (data.type === Hls.ErrorTypes.MEDIA_ERROR) {
        hls.recoverMediaError();
      } else {
        setError('This media cannot be played in this browser.');
      }
    });
    hls.loadSource(hlsUrl);
    hls.attachMedia(el);
    return () => {
      hls.destroy();
      hlsRef.current = null;
    };
    // The stream is set up once per ready media; refreshed signatures flow through latestPrefix.
  }, [hlsUrl === null, mediaId]);

  // Progress reports, position memory and quiz cues.
  useEffect(() => {
    const el = mediaRef.current;
    if (!el || !hlsUrl) return;
    const tracker = new ProgressTracker();
    let lastReported = -1;
    const report = (keepalive = false) => {
      const ranges = tracker.take();
      const position = el.currentTime;
      if (!ranges.length && Math.abs(position - lastReported) < 1) return;
      lastReported = position;
      void playerApi.reportProgress(mediaId, { positionSeconds: position, ranges }, keepalive).catch(() => undefined);
    };
    const onTime = () => {
      if (!el.paused && !el.seeking) tracker.onTime(el.currentTime);
      const c = cueState.current;
      if (!c.cues?.length || c.pending !== -1) return;
      const index = c.cues.findIndex((at, i) => !c.doneCues?.has(i) && el.currentTime >= at);
      if (index === -1) return;
      c.pending = index;
      el.pause();
      if (el.currentTime - c.cues[index] > 1) el.currentTime = c.cues[index];
      c.onCue?.(index);
    };
    const onSeeking = () => tracker.close();
    const onPause = () => {
      tracker.close();
      report();
    };
    const onEndedEvent = () => {
      report();
      // A question at the very end may never see a time update past it: ask it before ending.
      const c = cueState.current;
      // A question is on screen: the quiz ends after it is answered, not now.
      if (c.pending !== -1) return;
      const left = c.cues?.findIndex((_, i) => !c.doneCues?.has(i)) ?? -1;
      if (left !== -1) {
        c.pending = left;
        c.onCue?.(left);
        return;
      }
      c.onEnded?.();
    };
    const onHidden = () => {
      if (document.visibilityState === 'hidden') report(true);
    };
    el.addEventListener('timeupdate', onTime);
    el.addEventListener('seeking', onSeeking);
    el.addEventListener('pause', onPause);
    el.addEventListener('ended', onEndedEvent);
    document.addEventListener('visibilitychange', onHidden);
    const interval = setInterval(() => {
      if (!el.paused) report();
    }, REPORT_EVERY_MS);
    return () => {
      el.removeEventListener('timeupdate', onTime);
      el.removeEventListener('seeking', onSeeking);
      el.removeEventListener('pause', onPause);
      el.removeEventListener('ended', onEndedEvent);
      document.removeEventListener('visibilitychange', onHidden);
      clearInterval(interval);
      tracker.close();
      report(true);
    };
  }, [hlsUrl === null, mediaId]);

  const chooseLevel = (index: number) => {
    setLevel(index);
    if (hlsRef.current) hlsRef.current.currentLevel = index;
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => handlePlayerKey(e, mediaRef.current, stage);

  if (!playback) {
    return <div className="player player-loading" aria-busy="true">{error ?? 'Loading…'}</div>;
  }
  if (playback.status !== 'ready' || !playback.hlsUrl) return <ProcessingStatus playback={playback} />;

  const isAudio = playback.type === 'audio';
  const thumbnails = playback.thumbnails;
  const thumbnail = thumbnails ? (seconds: number) => {
    const url = thumbnailAt(thumbnails, seconds);
    return url && withLatestSignature(url, latestPrefix.current);
  } : undefined;
  return (
    <div ref={setStage} className={`player ${isAudio ? 'player-audio' : 'player-video'}`} tabIndex={0} onKeyDown={onKeyDown} role="region" aria-label={`Player: ${title}`} aria-description={SHORTCUT_HELP} aria-keyshortcuts="Space k j l m f c p < > 0 1 2 3 4 5 6 7 8 9">
      <div className="player-stage">
        {isAudio ? (
          <audio ref={attachMedia} preload="metadata" aria-label={`Audio: ${title}`} data-testid="player-media" />
        ) : (
          <video
            ref={attachMedia}
            playsInline
            preload="metadata"
            poster={playback.posterUrl ?? undefined}
            aria-label={`Video: ${title}`}
            data-testid="player-media"
            onClick={() => mediaEl && runShortcut('toggle-play', mediaEl, stage)}
            onDoubleClick={() => mediaEl && runShortcut('toggle-fullscreen', mediaEl, stage)}
          >
            {playback.captions.map((c) => (
              <track key={c.id} kind="subtitles" src={c.url} srcLang={c.lang} label={c.label} />
            ))}
          </video>
        )}
        {mediaEl && (
          <PlayerControls media={mediaEl} stage={stage} kind={isAudio ? 'audio' : 'video'} qualities={levels} quality={level} autoQuality={autoLevel} onQuality={chooseLevel} thumbnail={thumbnail} />
        )}
      </div>
      {(playback.downloadUrl || error) && (
        <div className="player-bar">
          {error && (
            <p className="player-error" role="alert">
              {error}
            </p>
          )}
          {playback.downloadUrl && (
            <a className="player-download" href={playback.downloadUrl} download>
              Download
            </a>
          )}
        </div>
      )}
    </div>
  );
}
