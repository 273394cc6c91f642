import type { PlaybackDto } from '../../../contracts/pipeline.js';

/** Playback speeds the player offers, slowest first. */
export const SPEEDS = [0.5, 0.75, 1, 1.25, 1.5, 1.75, 2] as const;

/** "0:07", "4:56", "1:02:03": a position or duration as a player shows it (unknown → "0:00"). */
export function formatClock(seconds: number): string {
  const s = Number.isFinite(seconds) && seconds > 0 ? Math.floor(seconds) : 0;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

/** "1 minute 5 seconds": the same for a screen reader (the seek slider's value text). */
export function spokenClock(seconds: number): string {
  const s = Number.isFinite(seconds) && seconds > 0 ? Math.floor(seconds) : 0;
  const parts: Array<[number, string]> = [
    [Math.floor(s / 3600), 'hour'],
    [Math.floor((s % 3600) / 60), 'minute'],
    [s % 60, 'second'],
  ];
  const said = parts.filter(([n], i) => n > 0 || (i === 2 && s === 0)).map(([n, unit]) => `${n} ${unit}${n === 1 ? '' : 's'}`);
  return said.join(' ');
}

/** "1×", "1.25×", "0.5×" */
export const formatSpeed = (rate: number) => `${Number(rate.toFixed(2))}×`;

/**
 * The seek preview for a moment of the media: the pipeline's picture nearest before it (one every
 * `everySeconds`, numbered from 1), or null when the media has none.
 */
export function thumbnailAt(thumbnails: PlaybackDto['thumbnails'], seconds: number): string | null {
  if (!thumbnails || thumbnails.count < 1 || !Number.isFinite(seconds)) return null;
  const n = Math.min(thumbnails.count, Math.max(1, Math.floor(Math.max(0, seconds) / thumbnails.everySeconds) + 1));
  return thumbnails.urlTemplate.replace('{n}', String(n).padStart(4, '0'));
}

/** What a key pressed on the player does (null: not a shortcut; the key goes on as usual). */
export type PlayerShortcut =
  | 'toggle-play'
  | 'back-5'
  | 'forward-5'
  | 'back-10'
  | 'forward-10'
  | 'volume-up'
  | 'volume-down'
  | 'toggle-mute'
  | 'toggle-fullscreen'
  | 'toggle-captions'
  | 'toggle-pip'
  | 'slower'
  | 'faster'
  | 'start'
  | 'end'
  | `percent-${number}`;

/** The player's keyboard shortcuts (the same as YouTube's and Vimeo's where they overlap). */
export function shortcutFor(key: string): PlayerShortcut | null {
  switch (key) {
    case ' ':
    case 'k':
    case 'K':
      return 'toggle-play';
    case 'ArrowLeft':
      return 'back-5';
    case 'ArrowRight':
      return 'forward-5';
    case 'j':
    case 'J':
      return 'back-10';
    case 'l':
    case 'L':
      return 'forward-10';
    case 'ArrowUp':
      return 'volume-up';
    case 'ArrowDown':
      return 'volume-down';
    case 'm':
    case 'M':
      return 'toggle-mute';
    case 'f':
    case 'F':
      return 'toggle-fullscreen';
    case 'c':
    case 'C':
      return 'toggle-captions';
    case 'p':
    case 'P':
      return 'toggle-pip';
    case '<':
      return 'slower';
    case '>':
      return 'faster';
    case 'Home':
      return 'start';
    case 'End':
      return 'end';
    default:
      return /^[0-9]$/.test(key) ? `percent-${Number(key) * 10}` : null;
  }
}

/** The shortcuts, as the player's description says them (and `aria-keyshortcuts` lists them). */
export const SHORTCUT_HELP =
  'Space or K plays and pauses, left and right arrows seek 5 seconds, J and L 10 seconds, 0 to 9 jump to that tenth, up and down arrows change the volume, M mutes, C toggles captions, < and > change the speed, F is full screen, P is picture in picture.';

/** The next speed up or down from `rate` (staying within SPEEDS). */
export function nextSpeed(rate: number, direction: 1 | -1): number {
  const i = SPEEDS.findIndex((s) => Math.abs(s - rate) < 0.01);
  const at = i === -1 ? SPEEDS.indexOf(1) : i;
  return SPEEDS[Math.min(SPEEDS.length - 1, Math.max(0, at + direction))];
}
