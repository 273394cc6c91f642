import { can, toRoomRole } from './room-capabilities.js';

/**
 * The phase of a live event from its schedule, the owner's overrides and the clock.
 * All times are epoch milliseconds. Pure: the clock comes in as `now`.
 */
export interface EventSchedule {
  startsAt: number;
  endsAt: number;
  /** Set when the owner started the event before its scheduled start. */
  startedAt: number | null;
  /** Set when the owner ended the event before its scheduled end. */
  endedAt: number | null;
  /** Minutes before the start that moderators and speakers may enter to prepare. */
  earlyEntryMinutes: number;
}

export type EventPhase = 'scheduled' | 'live' | 'ended';

export { DEFAULT_EARLY_ENTRY_MINUTES } from '../../contracts/live.js';

/** When the event actually opens: the scheduled start, or earlier if the owner started it early. */
export const effectiveStart = (s: EventSchedule): number => (s.startedAt !== null && s.startedAt < s.startsAt ? s.startedAt : s.startsAt);

/** When the event actually closes: the scheduled end, or earlier if the owner ended it early. */
export const effectiveEnd = (s: EventSchedule): number => (s.endedAt !== null && s.endedAt < s.endsAt ? s.endedAt : s.endsAt);

export function eventPhase(s: EventSchedule, now: number): EventPhase {
  if (now >= effectiveEnd(s)) return 'ended';
  if (now >= effectiveStart(s)) return 'live';
  return 'scheduled';
}

/** Roles that prepare the room (backchannel holders) may enter early. */
const entersEarly = (role: string) => can(role, 'backchannel.read');

export interface RoomEntry {
  phase: EventPhase;
  /** Whether this role may be in the room now. */
  canEnter: boolean;
  /** When this role may enter (the countdown's target); null once the event has ended. */
  enterAt: number | null;
  /** Whether this is the early-entry window (the room is open to staff only). */
  early: boolean;
  opensAt: number;
  closesAt: number;
}

/** Whether, and from when, a person in `role` may be in the room. An unknown role never may. */
export function roomEntry(s: EventSchedule, now: number, role: string): RoomEntry {
  const phase = eventPhase(s, now);
  const opensAt = effectiveStart(s);
  const closesAt = effectiveEnd(s);
  if (!toRoomRole(role)) return { phase, canEnter: false, enterAt: null, early: false, opensAt, closesAt };
  if (phase === 'ended') return { phase, canEnter: false, enterAt: null, early: false, opensAt, closesAt };
  if (phase === 'live') return { phase, canEnter: true, enterAt: opensAt, early: false, opensAt, closesAt };
  const enterAt = entersEarly(role) ? opensAt - Math.max(0, s.earlyEntryMinutes) * 60_000 : opensAt;
  const canEnter = now >= enterAt;
  return { phase, canEnter, enterAt, early: canEnter, opensAt, closesAt };
}

export type SimulivePlayback =
  | { state: 'waiting'; startsInMs: number }
  | { state: 'playing'; positionMs: number }
  | { state: 'finished' };

/**
 * Where a simulive recording is at `now`: it plays from the event's opening, so a late joiner starts
 * at the elapsed position; it stops at the event's close or at the end of the video, whichever is first.
 */
export function simulivePlayback(s: EventSchedule, now: number, durationMs?: number): SimulivePlayback {
  const opensAt = effectiveStart(s);
  if (now < opensAt) return { state: 'waiting', startsInMs: opensAt - now };
  const positionMs = now - opensAt;
  if (now >= effectiveEnd(s) || (durationMs !== undefined && positionMs >= durationMs)) return { state: 'finished' };
  return { state: 'playing', positionMs };
}
