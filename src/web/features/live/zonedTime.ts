/**
 * `<input type="datetime-local">` holds a wall-clock time with no zone; the event form reads it in the
 * event's own time zone (the organiser's), not the browser's, so both conversions go through Intl.
 */

/** How far the zone's wall clock is ahead of UTC at `utcMs`, in ms. */
function zoneOffsetMs(utcMs: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(utcMs));
  const n = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const wall = Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second'));
  return wall - Math.floor(utcMs / 1000) * 1000;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** UTC instant → "YYYY-MM-DDTHH:mm:ss" as the wall clock in `timeZone` shows it. */
export function toZonedInput(iso: string, timeZone: string): string {
  const ms = Date.parse(iso);
  const d = new Date(ms + zoneOffsetMs(ms, timeZone));
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** "YYYY-MM-DDTHH:mm[:ss]" read in `timeZone` → ISO UTC, or undefined when it is not a time. */
export function fromZonedInput(value: string, timeZone: string): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?/.exec(value);
  if (!m) return undefined;
  const wall = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +(m[6] ?? 0));
  // The offset depends on the instant; a second pass settles it around DST changes.
  let utc = wall - zoneOffsetMs(wall, timeZone);
  utc = wall - zoneOffsetMs(utc, timeZone);
  return new Date(utc).toISOString();
}

export const browserTimeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
