import { z } from 'zod';

/**
 * Text at the edge. Every string a request carries (bodies, query strings, path parameters, room
 * messages, uploaded file names) is built with one of these, so what reaches the database is text
 * both SQLite and PostgreSQL store as it was sent:
 *
 * - line breaks are normalised: `\r\n` and a lone `\r` become `\n` (what a pasted Windows text holds);
 * - C0 control characters other than tab and line feed, and DEL (U+007F), are refused: PostgreSQL
 *   cannot store U+0000 at all, and the others are invisible and never typed;
 * - a lone UTF-16 surrogate (JSON can carry `"\uD800"`) is refused: it is not a character, SQLite and
 *   PostgreSQL would each store something else (U+FFFD) in its place;
 * - `singleLine()` also refuses a line break inside the text (names, titles, addresses, ids, codes);
 * - `fileNameText()` strips instead of refusing: nobody types a file name into Foyer, and an upload is
 *   not turned away for what the sender's system called the file.
 *
 * Each builder returns a plain zod string schema: trim, min, max, regex and email chain on as usual.
 * Response schemas keep bare `z.string()` (they describe stored data, they check nothing coming in).
 * `bareStrings()` lists request strings not built here; tests use it to keep it that way.
 */

/** The first character no text may hold (a control character but tab and line breaks, or a lone surrogate), or undefined. */
export function forbiddenCharacter(value: string): string | undefined {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) {
      if (c === 0x09 || c === 0x0a || c === 0x0d) continue;
      return value[i];
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      const next = value.charCodeAt(i + 1);
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      return value[i];
    }
  }
  return undefined;
}

/** `U+0000` for a character. */
export const codePointLabel = (ch: string): string => `U+${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * The message for a refused text, or undefined when it may pass. Without `lineBreaks`, a line break
 * inside the text is refused; one before or after it is whitespace the field's trim removes.
 */
export function textProblem(value: string, opts: { lineBreaks: boolean }): string | undefined {
  const ch = forbiddenCharacter(value);
  if (ch === undefined) return !opts.lineBreaks && /[\r\n]/.test(value.trim()) ? 'Use a single line (no line breaks).' : undefined;
  const code = ch.charCodeAt(0);
  if (code >= 0xd800 && code <= 0xdfff) return `Contains a broken character (${codePointLabel(ch)}, half of a surrogate pair). Remove it and try again.`;
  return `Contains an invisible control character (${codePointLabel(ch)}). Remove it and try again.`;
}

/** `\r\n` and a lone `\r` as `\n`. */
export const normaliseLineBreaks = (value: string): string => (value.includes('\r') ? value.replace(/\r\n?/g, '\n') : value);

/** The checks the builders attach; a string schema carrying one of them was built here. */
const edgeChecks = new WeakSet<object>();

function textCheck(lineBreaks: boolean) {
  const check = z.superRefine<string>((value, ctx) => {
    const problem = textProblem(value, { lineBreaks });
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
  edgeChecks.add(check);
  return check;
}

/** One line of text: a name, title, email address, id, code or option. */
export const singleLine = (): z.ZodString => z.string().overwrite(normaliseLineBreaks).check(textCheck(false));

/** Text that may span lines: a description, message, question or answer. */
export const multiLine = (): z.ZodString => z.string().overwrite(normaliseLineBreaks).check(textCheck(true));

/**
 * A secret that is only hashed, never stored or shown (passwords): taken as typed, whatever it holds,
 * so no password is turned away or changed.
 */
export function secret(): z.ZodString {
  const opaque = z.superRefine<string>(() => {});
  edgeChecks.add(opaque);
  return z.string().check(opaque);
}

/**
 * Text made fit for one line instead of refused, where that is what a person expects (file names,
 * cells of an imported list): tab and line breaks become a space, other control characters go, a
 * lone surrogate becomes U+FFFD.
 */
export function toSingleLine(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) {
      if (c === 0x09 || c === 0x0a) out += ' ';
      else if (c === 0x0d) out += value.charCodeAt(i + 1) === 0x0a ? '' : ' ';
      continue;
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      const next = value.charCodeAt(i + 1);
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        out += value[i] + value[i + 1];
        i++;
      } else out += '\uFFFD';
      continue;
    }
    out += value[i];
  }
  return out;
}

/** A file name as an upload brings it: `toSingleLine`, trimmed, cut to `max` UTF-16 units without splitting a pair. May be empty. */
export function cleanFileName(name: string, max = 255): string {
  const line = toSingleLine(name).trim();
  if (line.length <= max) return line;
  const cut = /[\uD800-\uDBFF]/.test(line[max - 1]) ? max - 1 : max;
  return line.slice(0, cut).trim();
}

/** A file's name (multipart `filename`, tus `filename` metadata, a download's `?filename=`), cleaned by `cleanFileName`. */
export function fileNameText(max = 255): z.ZodString {
  const clean = z.overwrite<string>((name) => cleanFileName(name, max));
  edgeChecks.add(clean);
  return z.string().check(clean);
}

/** Whether a string schema was built by the builders above. */
export const isEdgeText = (schema: z.ZodString): boolean => (schema._zod.def.checks ?? []).some((c) => edgeChecks.has(c));

/** String formats whose own pattern admits no control character or surrogate (e.g. `z.iso.datetime()`). */
const strictFormats = new Set(['datetime', 'date', 'time', 'duration', 'uuid', 'guid']);

/**
 * Paths (`people.[].email`) of strings in a request schema that were not built by the builders above,
 * plus any `unknown`/`any` that would let a string through unchecked. Empty when every string is covered.
 */
export function bareStrings(schema: z.ZodType, path = ''): string[] {
  const seen = new Set<unknown>();
  const out: string[] = [];
  const at = (p: string, key: string) => (p ? `${p}.${key}` : key);
  const walk = (s: z.ZodType, p: string): void => {
    if (seen.has(s)) return;
    seen.add(s);
    // zod 4 keeps every schema's parts in `_zod.def`; the classic types are a view on them.
    const def = s._zod.def as unknown as Record<string, unknown> & { type: string };
    const child = (key: string) => def[key] as z.ZodType;
    switch (def.type) {
      case 'string': {
        const format = def.format as string | undefined;
        if (!(format && strictFormats.has(format)) && !isEdgeText(s as z.ZodString)) out.push(p || '(root)');
        return;
      }
      case 'object': {
        for (const [key, value] of Object.entries(def.shape as Record<string, z.ZodType>)) walk(value, at(p, key));
        if (def.catchall) walk(child('catchall'), at(p, '*'));
        return;
      }
      case 'array':
        return walk(child('element'), at(p, '[]'));
      case 'set':
        return walk(child('valueType'), at(p, '[]'));
      case 'tuple':
        (def.items as z.ZodType[]).forEach((item, i) => walk(item, at(p, String(i))));
        if (def.rest) walk(child('rest'), at(p, '[]'));
        return;
      case 'record':
      case 'map':
        walk(child('keyType'), at(p, '(key)'));
        return walk(child('valueType'), at(p, '*'));
      case 'union':
        return (def.options as z.ZodType[]).forEach((o) => walk(o, p));
      case 'intersection':
        walk(child('left'), p);
        return walk(child('right'), p);
      case 'pipe':
        walk(child('in'), p);
        return walk(child('out'), p);
      case 'optional':
      case 'nullable':
      case 'default':
      case 'prefault':
      case 'catch':
      case 'readonly':
      case 'nonoptional':
      case 'success':
        return walk(child('innerType'), p);
      case 'lazy':
        return walk((def.getter as () => z.ZodType)(), p);
      case 'any':
      case 'unknown':
      case 'template_literal':
        out.push(`${p || '(root)'} (${def.type})`);
        return;
      // numbers, booleans, enums, literals, null, transforms (they see already-parsed input), …
      default:
        return;
    }
  };
  walk(schema, path);
  return out;
}
