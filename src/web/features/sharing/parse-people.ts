import Papa from 'papaparse';
import { toSingleLine } from '../../../contracts/text.js';

/** One person to invite, as typed, pasted or read from a file. The server checks and canonicalizes the address. */
export interface PersonInput {
  email: string;
  firstName: string;
  lastName: string;
}

/** Control characters a file or a paste brought along are dropped (the server refuses them; nobody meant them). */
const clean = (s: string) => toSingleLine(s).trim();
const person = (email: string, firstName = '', lastName = ''): PersonInput => ({ email: clean(email), firstName: clean(firstName), lastName: clean(lastName) });

/** "Ada Lovelace" -> first "Ada", last "Lovelace"; "Ada" -> first only. */
function splitName(name: string): [string, string] {
  const parts = name.trim().replace(/^"|"$/g, '').trim().split(/\s+/).filter(Boolean);
  return parts.length === 0 ? ['', ''] : [parts[0], parts.slice(1).join(' ')];
}

const NAMED = /^\s*(.*?)\s*<\s*([^<>\s]+)\s*>\s*$/;

/** `Ada Lovelace <ada@example.com>`, `"Ada" <ada@example.com>`, `mailto:ada@example.com` or a bare address. */
function parseEntry(entry: string): PersonInput {
  const named = NAMED.exec(entry);
  if (named) {
    const [first, last] = splitName(named[1]);
    return person(named[2], first, last);
  }
  return person(entry.trim().replace(/^mailto:/i, ''));
}

/**
 * A pasted list: one person per line, as `email`, `Name <email>`, `email, first, last` (commas or tabs, as copied
 * from a spreadsheet), or several addresses on one line separated by commas, semicolons or spaces.
 * Lines without an address are kept as they are: the server lists them as malformed rather than dropping them silently.
 */
export function parsePastedList(text: string): PersonInput[] {
  const out: PersonInput[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line) continue;
    const ats = (line.match(/@/g) ?? []).length;
    if (ats > 1) {
      const parts = /[,;]/.test(line) ? line.split(/[,;]/) : line.split(/\s+/);
      for (const p of parts) if (p.trim()) out.push(parseEntry(p));
      continue;
    }
    const cells = line.includes('\t') ? line.split('\t') : !NAMED.test(line) && line.includes(',') ? line.split(',') : null;
    if (cells) {
      out.push(fromCells(cells.map((c) => c.trim().replace(/^"|"$/g, ''))));
      continue;
    }
    out.push(parseEntry(line));
  }
  return out;
}

/** Cells of one row: the one with an @ is the email; the others, in order, are first and last name. */
function fromCells(cells: string[], emailIndex = cells.findIndex((c) => c.includes('@'))): PersonInput {
  const at = emailIndex >= 0 ? emailIndex : 0;
  const rest = cells.filter((_, i) => i !== at);
  const email = cells[at] ?? '';
  const named = NAMED.exec(email);
  if (named && !rest.some(Boolean)) return parseEntry(email);
  return person(email.replace(/^mailto:/i, ''), rest[0] ?? '', rest[1] ?? '');
}

export interface CsvResult {
  people: PersonInput[];
  /** The first row named the columns. */
  hasHeader: boolean;
  /** Problems worth telling the person about (the file still may have usable rows). */
  warnings: string[];
}

const headerKinds: Array<[RegExp, 'email' | 'first' | 'last' | 'name']> = [
  [/^(e-?mail|email address|e-?mail address|mail|address)$/i, 'email'],
  [/^(first|first ?name|given ?name|forename|first_name)$/i, 'first'],
  [/^(last|last ?name|surname|family ?name|last_name)$/i, 'last'],
  [/^(name|full ?name|display ?name)$/i, 'name'],
];

const kindOf = (cell: string) => headerKinds.find(([re]) => re.test(cell.trim()))?.[1];

/**
 * A CSV file of people: columns email, first name, last name. A header row is optional; when present it may
 * name the columns in any order (email / first name / last name / name). Without one, the column holding
 * addresses is the email and the others, in order, are first and last name.
 */
export function parseCsv(text: string): CsvResult {
  const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { skipEmptyLines: 'greedy' });
  const rows = parsed.data.filter((r) => r.some((c) => c.trim()));
  const warnings = parsed.errors.slice(0, 3).map((e) => (e.row !== undefined ? `Row ${e.row + 1}: ${e.message}` : e.message));
  if (rows.length === 0) return { people: [], hasHeader: false, warnings: ['The file has no rows.'] };

  const first = rows[0];
  const hasHeader = !first.some((c) => c.includes('@')) && first.some((c) => kindOf(c) !== undefined);
  if (!hasHeader) {
    const emailIndex = first.findIndex((c) => c.includes('@'));
    return { people: rows.map((r) => fromCells(r, emailIndex)), hasHeader, warnings };
  }

  const kinds = first.map(kindOf);
  const col = (k: 'email' | 'first' | 'last' | 'name') => kinds.indexOf(k);
  const emailCol = col('email');
  if (emailCol < 0) return { people: [], hasHeader, warnings: [...warnings, 'No column is named “email”.'] };
  const people = rows.slice(1).map((r) => {
    const cell = (i: number) => (i >= 0 ? (r[i] ?? '') : '');
    let firstName = cell(col('first'));
    let lastName = cell(col('last'));
    if (!firstName && !lastName && col('name') >= 0) [firstName, lastName] = splitName(cell(col('name')));
    return person(cell(emailCol), firstName, lastName);
  });
  return { people, hasHeader, warnings };
}

const key = (email: string) => email.trim().normalize('NFC').toLowerCase();

/**
 * Splits a list into the first occurrence of each address and the repeats. Large lists go to the server in
 * several requests, and the server only sees repeats within one request.
 */
export function dedupe(people: PersonInput[]): { unique: PersonInput[]; repeats: PersonInput[] } {
  const seen = new Set<string>();
  const unique: PersonInput[] = [];
  const repeats: PersonInput[] = [];
  for (const p of people) {
    const k = key(p.email);
    if (k && seen.has(k)) repeats.push(p);
    else {
      seen.add(k);
      unique.push(p);
    }
  }
  return { unique, repeats };
}
