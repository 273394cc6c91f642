/**
 * An iCalendar (RFC 5545) file for one live event, for "add to calendar" and invite emails.
 * Times are written in UTC ("Z"), so every calendar shows them in its owner's own time zone.
 */
export interface IcsEvent {
  /** Stable across edits, so calendars update the entry instead of adding another. */
  uid: string;
  title: string;
  description?: string;
  /** The event page (or invite link) to open. */
  url?: string;
  startsAt: number;
  endsAt: number;
  /** When the file is made (DTSTAMP). */
  now: number;
  /** Revision counter; raise it when the schedule changes so calendars take the update. */
  sequence?: number;
  organizer?: { name: string; email: string };
  cancelled?: boolean;
}

const CRLF = '\r\n';
const utf8 = new TextEncoder();

/** Basic UTC form: 20261201T150000Z. */
export const icsDate = (ms: number): string => new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');

/** TEXT value escaping (RFC 5545 §3.3.11). */
export const escapeText = (s: string): string =>
  s.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r\n|\r|\n/g, '\\n');

/** Parameter values with : ; , must be quoted, and may not contain a double quote. */
const paramValue = (s: string): string => {
  const clean = s.replace(/["\r\n]/g, '');
  return /[:;,]/.test(clean) ? `"${clean}"` : clean;
};

/**
 * Content lines longer than 75 octets are folded: CRLF plus one space, never inside a UTF-8 sequence
 * (RFC 5545 §3.1).
 */
export function foldLine(line: string): string {
  const out: string[] = [];
  let current = '';
  let octets = 0;
  let limit = 75;
  for (const ch of line) {
    const size = utf8.encode(ch).length;
    if (octets + size > limit) {
      out.push(current);
      current = '';
      octets = 0;
      // continuation lines start with a space, which counts toward their 75 octets
      limit = 74;
    }
    current += ch;
    octets += size;
  }
  out.push(current);
  return out.join(`${CRLF} `);
}

export function buildIcs(e: IcsEvent): string {
  if (!(e.endsAt > e.startsAt)) throw new RangeError('an event must end after it starts');
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Foyer//Live events//EN',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    'BEGIN:VEVENT',
    `UID:${e.uid}`,
    `DTSTAMP:${icsDate(e.now)}`,
    `DTSTART:${icsDate(e.startsAt)}`,
    `DTEND:${icsDate(e.endsAt)}`,
    `SEQUENCE:${Math.max(0, Math.floor(e.sequence ?? 0))}`,
    `SUMMARY:${escapeText(e.title)}`,
  ];
  const description = [e.description?.trim(), e.url].filter(Boolean).join('\n\n');
  if (description) lines.push(`DESCRIPTION:${escapeText(description)}`);
  if (e.url) lines.push(`URL:${e.url}`, `LOCATION:${escapeText(e.url)}`);
  if (e.organizer) lines.push(`ORGANIZER;CN=${paramValue(e.organizer.name)}:mailto:${e.organizer.email}`);
  lines.push(`STATUS:${e.cancelled ? 'CANCELLED' : 'CONFIRMED'}`, 'TRANSP:OPAQUE', 'END:VEVENT', 'END:VCALENDAR');
  return lines.map(foldLine).join(CRLF) + CRLF;
}

/** File name for an event's .ics: its title made safe for every mail client and file system. */
export const icsFileName = (title: string): string =>
  `${
    title
      .normalize('NFKD')
      .replace(/[^\w\s-]/g, '')
      .trim()
      .replace(/\s+/g, '-')
      .slice(0, 60) || 'event'
  }.ics`;
