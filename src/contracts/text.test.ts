import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { idParams, logInBody, mediaPatchBody, signUpBody, verifyEmailBody } from './api.js';
import { auditQuery, bulkRevokeBody, changeRoleBody, createInvitesBody, inviteParams, lobbyEnterBody, lobbyNewLinkBody, siteSettingsPatch } from './invites.js';
import { clientMessageSchema, eventCreateBody, eventPatchBody, recordingBody, speakerParams } from './live.js';
import { blockDownloadBody, captionQuery, progressBody, quizAnswerInput, quizBody } from './pipeline.js';
import { bareStrings, cleanFileName, fileNameText, multiLine, secret, singleLine, textProblem, toSingleLine } from './text.js';

// The rule, written out independently of the helper: C0 controls but tab, LF and CR; DEL; lone surrogates.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const LONE_SURROGATE = /\p{Cs}/u;
const refusedAnywhere = (s: string) => CONTROL.test(s) || LONE_SURROGATE.test(s);

/** Strings rich in what the rule is about: control characters, line breaks, halves of surrogate pairs, emoji. */
const unit = fc.oneof(
  fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c)),
  fc.constantFrom('\u007f', '\r\n', '\t', ' ', 'a', 'Z', 'é', '€', '😀', '\u2028', '\ufeff'),
  fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
);
const text = fc.oneof(fc.string({ unit, maxLength: 30 }), fc.string({ unit: 'binary', maxLength: 30 }));

describe('text at the edge', () => {
  it('refuses NUL, every other C0 control but tab and line feed, DEL and lone surrogates, naming the character', () => {
    const one = singleLine();
    const many = multiLine();
    for (let c = 0; c < 0x20; c++) {
      const s = `a${String.fromCharCode(c)}b`;
      const allowedInMulti = c === 0x09 || c === 0x0a || c === 0x0d;
      expect(many.safeParse(s).success, `U+${c.toString(16)} in multiLine`).toBe(allowedInMulti);
      expect(one.safeParse(s).success, `U+${c.toString(16)} in singleLine`).toBe(c === 0x09);
    }
    expect(one.safeParse('a\u0000b').error?.issues[0].message).toBe('Contains an invisible control character (U+0000). Remove it and try again.');
    expect(many.safeParse('a\u007fb').error?.issues[0].message).toContain('(U+007F)');
    expect(many.safeParse('a\uD800b').error?.issues[0].message).toBe('Contains a broken character (U+D800, half of a surrogate pair). Remove it and try again.');
    expect(many.safeParse('\uDC00').error?.issues[0].message).toContain('(U+DC00');
    expect(one.safeParse('two\nlines').error?.issues[0].message).toBe('Use a single line (no line breaks).');
    // before or after the text, a line break is whitespace the field trims
    expect(one.trim().parse('\r\nname\n')).toBe('name');
    // a whole pair is a character like any other
    expect(one.parse('I ❤️ 😀 𝄞')).toBe('I ❤️ 😀 𝄞');
  });

  it('normalises CRLF and a lone CR to LF before trimming and counting', () => {
    expect(multiLine().parse('one\r\ntwo\rthree\n')).toBe('one\ntwo\nthree\n');
    expect(multiLine().trim().max(7).parse(' a\r\nb\r\nc\r\nd \r\n')).toBe('a\nb\nc\nd');
    expect(singleLine().safeParse('a\r\nb').success).toBe(false);
    expect(singleLine().trim().parse('  name\r\n')).toBe('name');
  });

  it('keeps the usual zod chain: trim, min, max, regex, email, with the text problem first', () => {
    const title = singleLine().trim().min(1, 'Enter a title.').max(5);
    expect(title.safeParse('   ').error?.issues[0].message).toBe('Enter a title.');
    expect(title.safeParse('toolong').success).toBe(false);
    const issues = title.safeParse('\u0000toolong').error!.issues;
    expect(issues[0].message).toContain('U+0000');
    expect(singleLine().email().safeParse('ada@example.com').success).toBe(true);
    expect(singleLine().email().safeParse('ada\u0000@example.com').error?.issues[0].message).toContain('U+0000');
  });

  it('passes exactly the strings the rule allows, and never passes on a forbidden character (property)', () => {
    fc.assert(
      fc.property(text, (s) => {
        const normalised = s.replace(/\r\n?/g, '\n');
        const many = multiLine().safeParse(s);
        expect(many.success).toBe(!refusedAnywhere(s));
        if (many.success) expect(many.data).toBe(normalised);
        const one = singleLine().safeParse(s);
        expect(one.success).toBe(!refusedAnywhere(s) && !/[\r\n]/.test(s.trim()));
        if (!many.success || !one.success) expect(textProblem(normalised, { lineBreaks: !many.success })).toBeDefined();
      }),
      { numRuns: 2000 },
    );
  });

  it('makes any text fit one line where stripping is what a person expects (file names, imported cells)', () => {
    expect(toSingleLine('Ada\tLovelace\r\nand\u0000 co\uD800')).toBe('Ada Lovelace and co\uFFFD');
    expect(cleanFileName('  report\u0000.pdf\n')).toBe('report.pdf');
    expect(cleanFileName('\u0001\u0002')).toBe('');
    // cut without splitting a surrogate pair
    expect(cleanFileName('ab😀', 3)).toBe('ab');
    expect(fileNameText().parse('clip\u0007 (final).mp4')).toBe('clip (final).mp4');
    fc.assert(
      fc.property(text, fc.integer({ min: 1, max: 40 }), (s, max) => {
        expect(singleLine().safeParse(toSingleLine(s)).success).toBe(true);
        const name = cleanFileName(s, max);
        expect(name.length).toBeLessThanOrEqual(max);
        expect(singleLine().safeParse(name).success).toBe(true);
        expect(fileNameText(max).parse(s)).toBe(name);
      }),
      { numRuns: 1000 },
    );
  });

  it('takes a secret (a password) as typed: it is only hashed', () => {
    expect(secret().parse('pass\u0000word\uD800\r\n')).toBe('pass\u0000word\uD800\r\n');
  });

  it('finds strings a schema did not build with the helper', () => {
    const schema = z.object({
      ok: singleLine(),
      bare: z.string(),
      list: z.array(z.object({ name: z.string().trim().optional() })),
      either: z.discriminatedUnion('kind', [z.object({ kind: z.literal('a'), text: multiLine() }), z.object({ kind: z.literal('b'), note: z.string().nullable() })]),
      when: z.iso.datetime(),
      anything: z.unknown(),
      n: z.number(),
    });
    expect(bareStrings(schema).sort()).toEqual(['anything (unknown)', 'bare', 'either.note', 'list.[].name'].sort());
  });

  it('every request contract builds its strings with the helper (a bare z.string() fails here)', () => {
    const contracts = {
      signUpBody, logInBody, verifyEmailBody, mediaPatchBody, idParams,
      createInvitesBody, bulkRevokeBody, changeRoleBody, inviteParams, lobbyEnterBody, lobbyNewLinkBody, auditQuery, siteSettingsPatch,
      eventCreateBody, eventPatchBody, recordingBody, speakerParams, clientMessageSchema,
      captionQuery, quizBody, quizAnswerInput, blockDownloadBody, progressBody,
    };
    const bare = Object.entries(contracts).flatMap(([name, schema]) => bareStrings(schema).map((p) => `${name}: ${p}`));
    expect(bare).toEqual([]);
  });
});
