import { useEffect, useRef, useState, type KeyboardEvent, type PointerEvent as ReactPointerEvent, type ReactNode } from 'react';
import { PlayerMenu } from './PlayerMenu.js';
import { formatClock, formatSpeed, nextSpeed, shortcutFor, SPEEDS, spokenClock, type PlayerShortcut } from './player-format.js';

/** A rendition of the stream the viewer may pick (hls.js level index). */
export interface QualityOption {
  index: number;
  height: number;
  bitrate: number;
}

export interface PlayerControlsProps {
  media: HTMLMediaElement;
  /** What goes full screen (the player with its controls; it keeps the keyboard focus there). */
  stage: HTMLElement | null;
  kind: 'video' | 'audio';
  /** Renditions (two or more to show the menu); `quality` -1 is Auto; `autoQuality` what Auto plays now. */
  qualities?: QualityOption[];
  quality?: number;
  autoQuality?: number | null;
  onQuality?: (index: number) => void;
  /** The seek preview picture for a moment, when the media has them. */
  thumbnail?: (seconds: number) => string | null;
  /**
   * Live mode (no seek bar, no speed): the LIVE badge at the edge, "go to live" when behind it, or
   * neither (the stream is reconnecting or paused by the speaker).
   */
  live?: { show: 'badge' | 'go-live' | 'none'; onGoLive: () => void };
  /** Play/Pause does this instead of playing or pausing the element (live: a pause on purpose, play from the edge). */
  onTogglePlay?: () => void;
  /** More at the end of the bar (a download link). */
  children?: ReactNode;
}

interface MediaState {
  paused: boolean;
  time: number;
  duration: number;
  buffered: number;
  volume: number;
  muted: boolean;
  rate: number;
}

const read = (m: HTMLMediaElement): MediaState => ({
  paused: m.paused,
  time: m.currentTime,
  duration: Number.isFinite(m.duration) ? m.duration : 0,
  buffered: m.buffered.length ? m.buffered.end(m.buffered.length - 1) : 0,
  volume: m.volume,
  muted: m.muted,
  rate: m.playbackRate,
});

const MEDIA_EVENTS = ['play', 'pause', 'playing', 'timeupdate', 'durationchange', 'loadedmetadata', 'progress', 'volumechange', 'ratechange', 'seeked', 'seeking', 'ended', 'emptied'];

/** The media element's state, kept current from its events. */
function useMediaState(media: HTMLMediaElement): MediaState {
  const [state, setState] = useState(() => read(media));
  useEffect(() => {
    const update = () => setState(read(media));
    update();
    for (const e of MEDIA_EVENTS) media.addEventListener(e, update);
    return () => {
      for (const e of MEDIA_EVENTS) media.removeEventListener(e, update);
    };
  }, [media]);
  return state;
}

/** The subtitle and caption tracks of the media, and which one shows (-1: none). */
function useCaptions(media: HTMLMediaElement): { tracks: TextTrack[]; showing: number } {
  const [state, setState] = useState<{ tracks: TextTrack[]; showing: number }>({ tracks: [], showing: -1 });
  useEffect(() => {
    const list = media.textTracks;
    const update = () => {
      const tracks = Array.from(list).filter((t) => t.kind === 'subtitles' || t.kind === 'captions');
      setState({ tracks, showing: tracks.findIndex((t) => t.mode === 'showing') });
    };
    update();
    list.addEventListener('change', update);
    list.addEventListener('addtrack', update);
    list.addEventListener('removetrack', update);
    return () => {
      list.removeEventListener('change', update);
      list.removeEventListener('addtrack', update);
      list.removeEventListener('removetrack', update);
    };
  }, [media]);
  return state;
}

/** Shows caption track `index` (-1: none), hiding the others. */
export function showCaptions(media: HTMLMediaElement, index: number): void {
  const tracks = Array.from(media.textTracks).filter((t) => t.kind === 'subtitles' || t.kind === 'captions');
  tracks.forEach((t, i) => (t.mode = i === index ? 'showing' : 'disabled'));
}

const canPip = (media: HTMLMediaElement): media is HTMLVideoElement =>
  media instanceof HTMLVideoElement && typeof document !== 'undefined' && document.pictureInPictureEnabled && !media.disablePictureInPicture;

async function toggleFullscreen(stage: HTMLElement | null): Promise<void> {
  if (document.fullscreenElement) await document.exitFullscreen();
  else await stage?.requestFullscreen?.();
}

async function togglePip(media: HTMLMediaElement): Promise<void> {
  if (document.pictureInPictureElement) await document.exitPictureInPicture();
  else if (canPip(media)) await media.requestPictureInPicture();
}

/** Does what a keyboard shortcut says (player-format.ts `shortcutFor`); false when it does not apply. */
export function runShortcut(action: PlayerShortcut, media: HTMLMediaElement, stage: HTMLElement | null, live = false): boolean {
  const duration = Number.isFinite(media.duration) ? media.duration : 0;
  const seekTo = (s: number) => {
    if (live) return false;
    media.currentTime = Math.max(0, duration ? Math.min(duration, s) : s);
    return true;
  };
  switch (action) {
    case 'toggle-play':
      if (media.paused) void media.play().catch(() => undefined);
      else media.pause();
      return true;
    case 'back-5':
      return seekTo(media.currentTime - 5);
    case 'forward-5':
      return seekTo(media.currentTime + 5);
    case 'back-10':
      return seekTo(media.currentTime - 10);
    case 'forward-10':
      return seekTo(media.currentTime + 10);
    case 'start':
      return seekTo(0);
    case 'end':
      return seekTo(duration);
    case 'volume-up':
      media.muted = false;
      media.volume = Math.min(1, Math.round((media.volume + 0.1) * 10) / 10);
      return true;
    case 'volume-down':
      media.volume = Math.max(0, Math.round((media.volume - 0.1) * 10) / 10);
      return true;
    case 'toggle-mute':
      media.muted = !media.muted;
      return true;
    case 'toggle-fullscreen':
      if (!(media instanceof HTMLVideoElement)) return false;
      void toggleFullscreen(stage).catch(() => undefined);
      return true;
    case 'toggle-pip':
      if (!canPip(media)) return false;
      void togglePip(media).catch(() => undefined);
      return true;
    case 'toggle-captions': {
      const tracks = Array.from(media.textTracks).filter((t) => t.kind === 'subtitles' || t.kind === 'captions');
      if (!tracks.length) return false;
      showCaptions(media, tracks.some((t) => t.mode === 'showing') ? -1 : 0);
      return true;
    }
    case 'slower':
    case 'faster':
      if (live) return false;
      media.playbackRate = nextSpeed(media.playbackRate, action === 'faster' ? 1 : -1);
      return true;
    default: {
      const percent = /^percent-(\d+)$/.exec(action);
      return percent && duration ? seekTo((duration * Number(percent[1])) / 100) : false;
    }
  }
}

/**
 * A key pressed on a player region: runs its shortcut, unless a focused control keeps the key (Space
 * and Enter press a focused button; fields and open menus keep theirs). `onTogglePlay` replaces
 * play/pause (live: a pause on purpose, play from the edge).
 */
export function handlePlayerKey(e: KeyboardEvent<HTMLElement>, media: HTMLMediaElement | null, stage: HTMLElement | null, opts: { live?: boolean; onTogglePlay?: () => void } = {}): void {
  if (!media || e.altKey || e.ctrlKey || e.metaKey) return;
  const target = e.target as HTMLElement;
  if ((e.key === ' ' || e.key === 'Enter') && target.closest('button, a, [role=menuitemradio]')) return;
  if (target instanceof HTMLInputElement || target instanceof HTMLSelectElement || target instanceof HTMLTextAreaElement) return;
  const action = shortcutFor(e.key);
  if (!action) return;
  if (action === 'toggle-play' && opts.onTogglePlay) opts.onTogglePlay();
  else if (!runShortcut(action, media, stage, opts.live)) return;
  e.preventDefault();
}

const Icon = ({ d }: { d: string }) => (
  <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" focusable="false">
    <path d={d} fill="currentColor" />
  </svg>
);
const ICONS = {
  play: 'M8 5v14l11-7z',
  pause: 'M6 5h4v14H6zm8 0h4v14h-4z',
  volume: 'M3 9v6h4l5 5V4L7 9H3zm13.5 3a4.5 4.5 0 0 0-2.5-4v8a4.5 4.5 0 0 0 2.5-4zM14 3.2v2.1a7 7 0 0 1 0 13.4v2.1a9 9 0 0 0 0-17.6z',
  muted: 'M3 9v6h4l5 5V4L7 9H3zm13.6 3 2.9-2.9-1.4-1.4-2.9 2.9-2.9-2.9-1.4 1.4 2.9 2.9-2.9 2.9 1.4 1.4 2.9-2.9 2.9 2.9 1.4-1.4z',
  captions: 'M19 4H5a2 2 0 0 0-2 2v12a2 2 0 0 0 2 2h14a2 2 0 0 0 2-2V6a2 2 0 0 0-2-2zm-8 7H9.5v-.5h-2v3h2V13H11v1a1 1 0 0 1-1 1H7a1 1 0 0 1-1-1v-4a1 1 0 0 1 1-1h3a1 1 0 0 1 1 1zm7 0h-1.5v-.5h-2v3h2V13H18v1a1 1 0 0 1-1 1h-3a1 1 0 0 1-1-1v-4a1 1 0 0 1 1-1h3a1 1 0 0 1 1 1z',
  fullscreen: 'M7 14H5v5h5v-2H7zm-2-4h2V7h3V5H5zm12 7h-3v2h5v-5h-2zM14 5v2h3v3h2V5z',
  exitFullscreen: 'M5 16h3v3h2v-5H5zm3-8H5v2h5V5H8zm6 11h2v-3h3v-2h-5zm2-11V5h-2v5h5V8z',
  pip: 'M19 11h-8v6h8zm4 8V5a2 2 0 0 0-2-2H3a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h18a2 2 0 0 0 2-2zm-2 0H3V5h18z',
  gauge: 'M20.4 8.6 19 10a8 8 0 0 1-.6 7.9H5.6A8 8 0 0 1 15.9 6.2l1.4-1.4A10 10 0 0 0 3.9 19a2 2 0 0 0 1.7 1h12.8a2 2 0 0 0 1.7-1 10 10 0 0 0 .3-10.4zm-10.1 6.8a2 2 0 0 0 2.8 0l5.7-8.5-8.5 5.7a2 2 0 0 0 0 2.8z',
  quality: 'M19.4 13a7.6 7.6 0 0 0 0-2l2.1-1.6-2-3.5-2.5 1a7.3 7.3 0 0 0-1.7-1L15 3.3h-4l-.4 2.6a7.3 7.3 0 0 0-1.7 1l-2.5-1-2 3.5L6.6 11a7.6 7.6 0 0 0 0 2l-2.1 1.6 2 3.5 2.5-1a7.3 7.3 0 0 0 1.7 1l.4 2.6h4l.4-2.6a7.3 7.3 0 0 0 1.7-1l2.5 1 2-3.5zM13 15.5a3.5 3.5 0 1 1 0-7 3.5 3.5 0 0 1 0 7z',
};

const IDLE_MS = 2_500;
const KEY_PREVIEW_MS = 1_200;

/**
 * Foyer's player controls over a media element: play, seek with preview pictures, time, volume,
 * speed, captions, quality (Auto first, saying what it plays), full screen, picture in picture;
 * live mode shows LIVE or "go to live" instead of the seek bar. Every control is a button, slider or
 * menu with an accessible name; the keyboard shortcuts are the player region's (HlsPlayer).
 */
export function PlayerControls({ media, stage, kind, qualities = [], quality = -1, autoQuality = null, onQuality, thumbnail, live, onTogglePlay, children }: PlayerControlsProps) {
  const s = useMediaState(media);
  const captions = useCaptions(media);
  const [fullscreen, setFullscreen] = useState(false);
  const [pip, setPip] = useState(false);
  const [preview, setPreview] = useState<{ seconds: number; fraction: number } | null>(null);
  const [dragging, setDragging] = useState(false);
  const [idle, setIdle] = useState(false);
  const track = useRef<HTMLDivElement>(null);
  const keyPreviewTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const idleTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const isVideo = kind === 'video';

  useEffect(() => {
    const onFs = () => setFullscreen(document.fullscreenElement !== null && document.fullscreenElement === stage);
    const onPipIn = () => setPip(true);
    const onPipOut = () => setPip(false);
    document.addEventListener('fullscreenchange', onFs);
    media.addEventListener('enterpictureinpicture', onPipIn);
    media.addEventListener('leavepictureinpicture', onPipOut);
    return () => {
      document.removeEventListener('fullscreenchange', onFs);
      media.removeEventListener('enterpictureinpicture', onPipIn);
      media.removeEventListener('leavepictureinpicture', onPipOut);
    };
  }, [media, stage]);

  // On video, the controls fade while playing and nobody moves the pointer (never while focused: CSS).
  useEffect(() => {
    if (!isVideo || !stage) return;
    const wake = () => {
      setIdle(false);
      clearTimeout(idleTimer.current);
      idleTimer.current = setTimeout(() => setIdle(!media.paused), IDLE_MS);
    };
    stage.addEventListener('pointermove', wake);
    stage.addEventListener('keydown', wake);
    media.addEventListener('pause', wake);
    media.addEventListener('play', wake);
    return () => {
      clearTimeout(idleTimer.current);
      stage.removeEventListener('pointermove', wake);
      stage.removeEventListener('keydown', wake);
      media.removeEventListener('pause', wake);
      media.removeEventListener('play', wake);
    };
  }, [isVideo, stage, media]);
  useEffect(() => {
    if (stage) stage.dataset.idle = String(idle && !s.paused);
  }, [stage, idle, s.paused]);
  useEffect(() => () => clearTimeout(keyPreviewTimer.current), []);

  const duration = s.duration;
  const fractionAt = (clientX: number) => {
    const r = track.current?.getBoundingClientRect();
    if (!r || r.width === 0) return 0;
    return Math.min(1, Math.max(0, (clientX - r.left) / r.width));
  };
  const seekTo = (seconds: number) => {
    media.currentTime = Math.max(0, Math.min(duration || seconds, seconds));
  };
  const showPreviewFor = (seconds: number) => {
    if (!duration) return;
    setPreview({ seconds, fraction: seconds / duration });
    clearTimeout(keyPreviewTimer.current);
    keyPreviewTimer.current = setTimeout(() => setPreview(null), KEY_PREVIEW_MS);
  };

  const onTrackPointer = (e: ReactPointerEvent<HTMLDivElement>, kindOf: 'down' | 'move' | 'up' | 'leave') => {
    if (!duration) return;
    const fraction = fractionAt(e.clientX);
    const seconds = fraction * duration;
    if (kindOf === 'down') {
      e.currentTarget.setPointerCapture?.(e.pointerId);
      setDragging(true);
      seekTo(seconds);
    } else if (kindOf === 'move' && dragging) seekTo(seconds);
    else if (kindOf === 'up') setDragging(false);
    if (kindOf === 'leave' && !dragging) setPreview(null);
    else if (kindOf !== 'up' || e.pointerType === 'mouse') setPreview({ seconds, fraction });
    if (kindOf === 'up' && e.pointerType !== 'mouse') setPreview(null);
  };
  const onTrackKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const steps: Record<string, number> = { ArrowLeft: -5, ArrowDown: -5, ArrowRight: 5, ArrowUp: 5, PageDown: -30, PageUp: 30 };
    let to: number | null = null;
    if (e.key in steps) to = media.currentTime + steps[e.key];
    else if (e.key === 'Home') to = 0;
    else if (e.key === 'End') to = duration;
    if (to === null || !duration) return;
    e.preventDefault();
    e.stopPropagation();
    to = Math.max(0, Math.min(duration, to));
    seekTo(to);
    showPreviewFor(to);
  };

  const played = duration ? Math.min(1, s.time / duration) : 0;
  const loaded = duration ? Math.min(1, s.buffered / duration) : 0;
  const thumb = preview && thumbnail ? thumbnail(preview.seconds) : null;
  const silent = s.muted || s.volume === 0;
  const qualityOf = (index: number) => qualities.find((q) => q.index === index);
  const autoLabel = `Auto${qualityOf(autoQuality ?? -2) ? ` (${qualityOf(autoQuality!)!.height}p)` : ''}`;
  const qualityItems = [{ value: -1, label: autoLabel }, ...[...qualities].sort((a, b) => b.height - a.height || b.bitrate - a.bitrate).map((q) => ({ value: q.index, label: `${q.height}p` }))];

  return (
    <div className={`player-controls ${isVideo ? 'player-controls-video' : 'player-controls-audio'}`} data-testid="player-controls">
      {!live && (
        <div className="player-seek">
          <div
            ref={track}
            className="player-seek-track"
            role="slider"
            tabIndex={0}
            aria-label="Seek"
            aria-valuemin={0}
            aria-valuemax={Math.floor(duration)}
            aria-valuenow={Math.floor(s.time)}
            aria-valuetext={`${spokenClock(s.time)} of ${spokenClock(duration)}`}
            aria-keyshortcuts="ArrowLeft ArrowRight Home End PageUp PageDown"
            data-testid="player-seek"
            onPointerDown={(e) => onTrackPointer(e, 'down')}
            onPointerMove={(e) => onTrackPointer(e, 'move')}
            onPointerUp={(e) => onTrackPointer(e, 'up')}
            onPointerLeave={(e) => onTrackPointer(e, 'leave')}
            onKeyDown={onTrackKey}
            onBlur={() => setPreview(null)}
          >
            <div className="player-seek-loaded" style={{ width: `${loaded * 100}%` }} />
            <div className="player-seek-played" style={{ width: `${played * 100}%` }} />
            <div className="player-seek-thumb" style={{ left: `${played * 100}%` }} />
          </div>
          {preview && (
            <div className="player-preview" style={{ left: `${preview.fraction * 100}%` }} aria-hidden="true" data-testid="player-preview">
              {thumb && <img src={thumb} alt="" data-testid="player-preview-image" />}
              <span className="player-preview-time">{formatClock(preview.seconds)}</span>
            </div>
          )}
        </div>
      )}
      <div className="player-row">
        <button type="button" className="player-button" aria-label={s.paused ? 'Play' : 'Pause'} aria-keyshortcuts="k Space" title={s.paused ? 'Play (k)' : 'Pause (k)'} onClick={() => (onTogglePlay ? onTogglePlay() : runShortcut('toggle-play', media, stage, Boolean(live)))}>
          <Icon d={s.paused ? ICONS.play : ICONS.pause} />
        </button>
        <div className="player-volume">
          <button type="button" className="player-button" aria-label={silent ? 'Unmute' : 'Mute'} aria-keyshortcuts="m" title={silent ? 'Unmute (m)' : 'Mute (m)'} onClick={() => {
            if (!silent) media.muted = true;
            else {
              media.muted = false;
              if (media.volume === 0) media.volume = 0.5;
            }
          }}>
            <Icon d={silent ? ICONS.muted : ICONS.volume} />
          </button>
          <input
            type="range"
            className="player-volume-slider"
            aria-label="Volume"
            min={0}
            max={100}
            step={5}
            value={Math.round((s.muted ? 0 : s.volume) * 100)}
            aria-valuetext={`${Math.round((s.muted ? 0 : s.volume) * 100)}%`}
            onChange={(e) => {
              const v = Number(e.target.value) / 100;
              media.volume = v;
              media.muted = v === 0;
            }}
            onKeyDown={(e) => {
              // the slider's own arrows change the volume; the player's do not run on top
              if (e.key.startsWith('Arrow') || e.key === 'Home' || e.key === 'End' || e.key === 'PageUp' || e.key === 'PageDown') e.stopPropagation();
            }}
          />
        </div>
        {live ? (
          live.show === 'go-live' ? (
            <button type="button" className="player-go-live" onClick={live.onGoLive}>
              Behind live — go to live
            </button>
          ) : (
            live.show === 'badge' && (
              <span className="player-live-badge" aria-label="Live">
                LIVE
              </span>
            )
          )
        ) : (
          <span className="player-time" data-testid="player-time">
            {formatClock(s.time)} / {formatClock(duration)}
          </span>
        )}
        <span className="player-spacer" />
        {captions.tracks.length === 1 && (
          <button type="button" className="player-button" aria-label="Captions" aria-pressed={captions.showing === 0} aria-keyshortcuts="c" title={`Captions: ${captions.tracks[0].label || captions.tracks[0].language} (c)`} onClick={() => showCaptions(media, captions.showing === 0 ? -1 : 0)}>
            <Icon d={ICONS.captions} />
          </button>
        )}
        {captions.tracks.length > 1 && (
          <PlayerMenu
            label="Captions"
            icon={<Icon d={ICONS.captions} />}
            current={captions.showing === -1 ? 'Off' : captions.tracks[captions.showing].label || captions.tracks[captions.showing].language}
            items={[{ value: -1, label: 'Off' }, ...captions.tracks.map((t, i) => ({ value: i, label: t.label || t.language || `Track ${i + 1}` }))]}
            value={captions.showing}
            onChoose={(i) => showCaptions(media, i)}
          />
        )}
        {!live && (
          <PlayerMenu
            label="Speed"
            icon={<Icon d={ICONS.gauge} />}
            current={formatSpeed(s.rate)}
            items={SPEEDS.map((r) => ({ value: r, label: r === 1 ? 'Normal (1×)' : formatSpeed(r) }))}
            value={SPEEDS.find((r) => Math.abs(r - s.rate) < 0.01) ?? 1}
            onChoose={(r) => (media.playbackRate = r)}
            testId="player-speed"
          />
        )}
        {qualities.length > 1 && onQuality && (
          <PlayerMenu
            label="Quality"
            icon={<Icon d={ICONS.quality} />}
            current={quality === -1 ? autoLabel : `${qualityOf(quality)?.height ?? '?'}p`}
            items={qualityItems}
            value={quality}
            onChoose={onQuality}
            testId="player-quality"
          />
        )}
        {isVideo && canPip(media) && (
          <button type="button" className="player-button" aria-label={pip ? 'Exit picture in picture' : 'Picture in picture'} aria-keyshortcuts="p" title="Picture in picture (p)" onClick={() => void togglePip(media).catch(() => undefined)}>
            <Icon d={ICONS.pip} />
          </button>
        )}
        {isVideo && (
          <button type="button" className="player-button" aria-label={fullscreen ? 'Exit full screen' : 'Full screen'} aria-keyshortcuts="f" title={fullscreen ? 'Exit full screen (f)' : 'Full screen (f)'} onClick={() => void toggleFullscreen(stage).catch(() => undefined)}>
            <Icon d={fullscreen ? ICONS.exitFullscreen : ICONS.fullscreen} />
          </button>
        )}
        {children}
      </div>
    </div>
  );
}
