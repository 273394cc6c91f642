/**
 * What part of a media item a viewer has seen, as merged [start, end] second ranges. The player
 * reports the stretches it played; merging them gives "percent seen" (each second counted once),
 * while "minutes watched" adds up every reported stretch (re-watching counts).
 */
export type Range = readonly [number, number];

/** Stretches closer than this are joined (players report with small gaps between timer ticks). */
export const JOIN_GAP_SECONDS = 0.5;

/** Clamps to [0, limit], drops empty or invalid stretches, sorts and merges. */
export function normalize(ranges: readonly Range[], limit = Number.POSITIVE_INFINITY): Array<[number, number]> {
  const clean = ranges
    .filter(([s, e]) => Number.isFinite(s) && Number.isFinite(e))
    .map(([s, e]) => [Math.max(0, Math.min(s, e, limit)), Math.min(limit, Math.max(s, e, 0))] as [number, number])
    .filter(([s, e]) => e > s)
    .sort((a, b) => a[0] - b[0]);
  const out: Array<[number, number]> = [];
  for (const [s, e] of clean) {
    const last = out[out.length - 1];
    if (last && s <= last[1] + JOIN_GAP_SECONDS) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}

export const merge = (seen: readonly Range[], added: readonly Range[], limit?: number) => normalize([...seen, ...added], limit);

/** Seconds covered by merged ranges. */
export const covered = (ranges: readonly Range[]): number => ranges.reduce((sum, [s, e]) => sum + (e - s), 0);

/** 0..100, one decimal; 0 when the duration is unknown. */
export function percentSeen(ranges: readonly Range[], durationSeconds: number | null): number {
  if (!durationSeconds || durationSeconds <= 0) return 0;
  return Math.min(100, Math.round((covered(normalize(ranges, durationSeconds)) / durationSeconds) * 1000) / 10);
}

/** Seconds of playing in one report, for "minutes watched": clamped, and never more than `cap`. */
export function playedSeconds(ranges: readonly Range[], limit: number, cap: number): number {
  const total = ranges.reduce((sum, r) => sum + covered(normalize([r], limit)), 0);
  return Math.min(cap, total);
}
