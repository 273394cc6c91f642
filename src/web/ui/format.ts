export { formatBytes } from '../../contracts/bytes.js';

const dateFmt = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
const dateTimeFmt = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });

export const formatDate = (iso: string) => dateFmt.format(new Date(iso));
export const formatDateTime = (iso: string) => dateTimeFmt.format(new Date(iso));

/** Initials for an avatar: "Ada Lovelace" -> "AL". */
export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const letters = parts.length > 1 ? [parts[0][0], parts[parts.length - 1][0]] : [parts[0]?.[0] ?? '?'];
  return letters.join('').toUpperCase();
}

const sameYearFmt = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });

/** A compact date and time for tables: the year only when it is not this year. */
export const formatWhen = (iso: string) => {
  const d = new Date(iso);
  return d.getFullYear() === new Date().getFullYear() ? sameYearFmt.format(d) : dateTimeFmt.format(d);
};

/**
 * An event's time written once and short, in the viewer's zone: "Tue 1 Dec, 19:52–20:52 CET", or
 * "Tue 1 Dec, 22:00 – Wed 2 Dec, 01:00 CET" across midnight. `timeZone` for tests (default: the viewer's).
 */
export function formatEventRange(startIso: string, endIso: string, opts: { timeZone?: string; locale?: string } = {}): string {
  const start = new Date(startIso);
  const end = new Date(endIso);
  const base = { timeZone: opts.timeZone } as const;
  const day = new Intl.DateTimeFormat(opts.locale ?? 'en-GB', { ...base, weekday: 'short', day: 'numeric', month: 'short' });
  const time = new Intl.DateTimeFormat(opts.locale ?? 'en-GB', { ...base, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const zone = new Intl.DateTimeFormat(opts.locale ?? 'en-GB', { ...base, timeZoneName: 'short' }).formatToParts(end).find((p) => p.type === 'timeZoneName')?.value ?? '';
  const clean = (s: string) => s.replace(/,/g, '');
  const sameDay = day.format(start) === day.format(end);
  const text = sameDay ? `${clean(day.format(start))}, ${time.format(start)}–${time.format(end)}` : `${clean(day.format(start))}, ${time.format(start)} – ${clean(day.format(end))}, ${time.format(end)}`;
  return zone ? `${text} ${zone}` : text;
}
