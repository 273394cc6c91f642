import { describe, expect, it } from 'vitest';
import { dedupe, parseCsv, parsePastedList } from './parse-people.js';
import { sendInChunks } from './send-invites.js';

describe('pasted lists', () => {
  it('reads one person per line in the usual shapes', () => {
    const text = [
      'ada@example.com',
      '  Grace Brewster Hopper <grace@example.com>  ',
      '"Alan" <alan@example.com>',
      'linus@example.com, Linus, Torvalds',
      'Margaret\tHamilton\tmargaret@example.com',
      'mailto:ken@example.com',
      '',
      'not an address',
    ].join('\n');
    expect(parsePastedList(text)).toEqual([
      { email: 'ada@example.com', firstName: '', lastName: '' },
      { email: 'grace@example.com', firstName: 'Grace', lastName: 'Brewster Hopper' },
      { email: 'alan@example.com', firstName: 'Alan', lastName: '' },
      { email: 'linus@example.com', firstName: 'Linus', lastName: 'Torvalds' },
      { email: 'margaret@example.com', firstName: 'Margaret', lastName: 'Hamilton' },
      { email: 'ken@example.com', firstName: '', lastName: '' },
      { email: 'not an address', firstName: '', lastName: '' },
    ]);
  });

  it('splits several addresses on one line by commas, semicolons or spaces', () => {
    expect(parsePastedList('a@x.example, Bo Bee <b@x.example>; c@x.example').map((p) => p.email)).toEqual(['a@x.example', 'b@x.example', 'c@x.example']);
    expect(parsePastedList('a@x.example b@x.example').map((p) => p.email)).toEqual(['a@x.example', 'b@x.example']);
    expect(parsePastedList('Bo Bee <b@x.example>, Cy Sea <c@x.example>')[1]).toEqual({ email: 'c@x.example', firstName: 'Cy', lastName: 'Sea' });
  });
});

describe('CSV files', () => {
  it('works without a header: email, first name, last name', () => {
    const r = parseCsv('ada@example.com,Ada,Lovelace\r\ngrace@example.com,Grace,Hopper\r\n\r\n');
    expect(r.hasHeader).toBe(false);
    expect(r.people).toEqual([
      { email: 'ada@example.com', firstName: 'Ada', lastName: 'Lovelace' },
      { email: 'grace@example.com', firstName: 'Grace', lastName: 'Hopper' },
    ]);
  });

  it('follows a header in any order, with quoting, a BOM and a single name column', () => {
    const r = parseCsv('\uFEFFLast Name,E-mail,First Name\n"Lovelace, Countess",ada@example.com,Ada\n');
    expect(r.hasHeader).toBe(true);
    expect(r.people).toEqual([{ email: 'ada@example.com', firstName: 'Ada', lastName: 'Lovelace, Countess' }]);
    expect(parseCsv('Name;Email\nGrace Hopper;grace@example.com\n').people).toEqual([{ email: 'grace@example.com', firstName: 'Grace', lastName: 'Hopper' }]);
  });

  it('drops control characters a file or a paste brought along (the server would refuse them)', () => {
    const r = parseCsv('email,first name,last name\r\nada\u0000@example.com,"Ada\nAugusta",Love\u001blace\uD800\r\n');
    expect(r.people).toEqual([{ email: 'ada@example.com', firstName: 'Ada Augusta', lastName: 'Lovelace\uFFFD' }]);
    expect(parsePastedList('Grace\u0007 Hopper <grace@example.com>')).toEqual([{ email: 'grace@example.com', firstName: 'Grace', lastName: 'Hopper' }]);
  });

  it('says what is wrong with a file it cannot use', () => {
    expect(parseCsv('').warnings).toEqual(['The file has no rows.']);
    expect(parseCsv('first name,last name\nAda,Lovelace\n').warnings).toContain('No column is named “email”.');
  });

  it('reads 10,000 rows', () => {
    const text = Array.from({ length: 10_000 }, (_, i) => `p${i}@example.com,P${i},Person`).join('\n');
    const r = parseCsv(text);
    expect(r.people).toHaveLength(10_000);
    expect(r.people[9_999]).toEqual({ email: 'p9999@example.com', firstName: 'P9999', lastName: 'Person' });
  });
});

describe('dedupe', () => {
  it('keeps the first of each address, case-insensitively', () => {
    const { unique, repeats } = dedupe(parsePastedList('a@x.example\nB@X.example\nA@x.example \nb@x.example'));
    expect(unique.map((p) => p.email)).toEqual(['a@x.example', 'B@X.example']);
    expect(repeats.map((p) => p.email)).toEqual(['A@x.example', 'b@x.example']);
  });
});

describe('sending in chunks', () => {
  const people = Array.from({ length: 1_201 }, (_, i) => ({ email: `p${i}@x.example`, firstName: '', lastName: '' }));
  const fakeServer = (chunk: typeof people) =>
    Promise.resolve({
      created: chunk.filter((p) => !p.email.startsWith('p7')).map((p) => ({ id: p.email, email: p.email, replaced: false })),
      refused: chunk.filter((p) => p.email.startsWith('p7')).map((p) => ({ email: p.email, reason: 'domain_blocked' as const, message: 'blocked' })),
    });

  it('sends 500 at a time and reports a running count', async () => {
    const sizes: number[] = [];
    const progress: number[] = [];
    const out = await sendInChunks({
      people,
      send: (c) => {
        sizes.push(c.length);
        return fakeServer(c);
      },
      onProgress: (p) => progress.push(p.done),
    });
    expect(sizes).toEqual([500, 500, 201]);
    expect(progress).toEqual([500, 1000, 1201]);
    expect(out.created.length + out.refused.length).toBe(1201);
    expect(out.refused.every((r) => r.email.startsWith('p7'))).toBe(true);
    expect(out).toMatchObject({ done: 1201, total: 1201, stopped: false });
  });

  it('stops between chunks when asked, and keeps what went through when a request fails', async () => {
    let calls = 0;
    const stopped = await sendInChunks({ people, send: fakeServer, shouldStop: () => ++calls > 1 });
    expect(stopped).toMatchObject({ done: 500, stopped: true });
    let n = 0;
    const failed = await sendInChunks({ people, send: (c) => (++n === 2 ? Promise.reject(new Error('offline')) : fakeServer(c)) });
    expect(failed.done).toBe(500);
    expect((failed.error as Error).message).toBe('offline');
  });
});
