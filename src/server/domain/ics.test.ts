import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildIcs, escapeText, foldLine, icsDate, icsFileName } from './ics.js';

const start = Date.UTC(2026, 11, 1, 15, 0, 0);
const base = { uid: 'evt-1@foyer.example', title: 'Quarterly town hall', startsAt: start, endsAt: start + 3600_000, now: Date.UTC(2026, 10, 27, 9, 0, 0) };

/** Undo folding and read the properties back, as a calendar client would. */
function parse(ics: string): Map<string, string[]> {
  const unfolded = ics.replace(/\r\n[ \t]/g, '');
  const props = new Map<string, string[]>();
  for (const line of unfolded.split('\r\n').filter(Boolean)) {
    const i = line.indexOf(':');
    const name = line.slice(0, i).split(';')[0];
    props.set(name, [...(props.get(name) ?? []), line.slice(i + 1)]);
  }
  return props;
}

const unescape = (v: string) => v.replace(/\\n/gi, '\n').replace(/\\([\\;,])/g, '$1');

describe('ics', () => {
  it('writes one VEVENT in UTC with the required properties and CRLF line ends', () => {
    const ics = buildIcs({ ...base, url: 'https://media.example.com/events/1', description: 'Bring questions', sequence: 2, organizer: { name: 'Ada, Owner', email: 'ada@example.com' } });
    expect(ics.endsWith('\r\n')).toBe(true);
    expect(ics.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    const p = parse(ics);
    expect(p.get('BEGIN')).toEqual(['VCALENDAR', 'VEVENT']);
    expect(p.get('END')).toEqual(['VEVENT', 'VCALENDAR']);
    expect(p.get('VERSION')).toEqual(['2.0']);
    expect(p.get('PRODID')).toHaveLength(1);
    expect(p.get('UID')).toEqual(['evt-1@foyer.example']);
    expect(p.get('DTSTAMP')).toEqual(['20261127T090000Z']);
    expect(p.get('DTSTART')).toEqual(['20261201T150000Z']);
    expect(p.get('DTEND')).toEqual(['20261201T160000Z']);
    expect(p.get('SEQUENCE')).toEqual(['2']);
    expect(p.get('SUMMARY')).toEqual(['Quarterly town hall']);
    expect(unescape(p.get('DESCRIPTION')![0])).toBe('Bring questions\n\nhttps://media.example.com/events/1');
    expect(p.get('URL')).toEqual(['https://media.example.com/events/1']);
    expect(ics).toContain('ORGANIZER;CN="Ada, Owner":mailto:ada@example.com');
    expect(p.get('STATUS')).toEqual(['CONFIRMED']);
  });

  it('marks a cancelled event', () => {
    expect(parse(buildIcs({ ...base, cancelled: true })).get('STATUS')).toEqual(['CANCELLED']);
  });

  it('refuses an event that ends before it starts', () => {
    expect(() => buildIcs({ ...base, endsAt: base.startsAt })).toThrow(RangeError);
  });

  it('escapes text so any title survives a round trip', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 300 }), (title) => {
        const p = parse(buildIcs({ ...base, title }));
        return unescape(p.get('SUMMARY')![0]) === title.replace(/\r\n|\r/g, '\n');
      }),
    );
    expect(escapeText('a,b;c\\d\ne')).toBe('a\\,b\\;c\\\\d\\ne');
  });

  it('folds every line to at most 75 octets without splitting a character', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 400 }), (text) => {
        const folded = foldLine(`DESCRIPTION:${text}`);
        const lines = folded.split('\r\n');
        const octetsOk = lines.every((l) => Buffer.byteLength(l, 'utf8') <= 75);
        const continuationOk = lines.slice(1).every((l) => l.startsWith(' '));
        const roundTrip = folded.replace(/\r\n /g, '') === `DESCRIPTION:${text}`;
        return octetsOk && continuationOk && roundTrip && !folded.includes('\uFFFD');
      }),
    );
  });

  it('formats dates and safe file names', () => {
    expect(icsDate(Date.UTC(2027, 0, 2, 3, 4, 5))).toBe('20270102T030405Z');
    expect(icsFileName('Town hall: Q&A / 2026')).toBe('Town-hall-QA-2026.ics');
    expect(icsFileName('???')).toBe('event.ics');
  });
});
