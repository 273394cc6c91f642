import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalDomain, canonicalEmail, domainCoveredBy, emailDomain } from './email.js';

const label = fc.stringMatching(/^[a-z][a-z0-9]{0,10}$/);
const localPart = fc.stringMatching(/^[a-z0-9][a-z0-9._+-]{0,20}[a-z0-9]$/).filter((s) => !s.includes('..'));
const address = fc.tuple(localPart, label, fc.constantFrom('com', 'org', 'de', 'io')).map(([l, d, t]) => `${l}@${d}.${t}`);

/** Randomly changes the case of each character. */
const caseVariant = (s: string) =>
  fc.array(fc.boolean(), { minLength: s.length, maxLength: s.length }).map((flags) =>
    [...s].map((c, i) => (flags[i] ? c.toUpperCase() : c)).join(''),
  );

describe('canonicalEmail', () => {
  it('trims, lower-cases and converts the domain to IDNA', () => {
    expect(canonicalEmail('  Alice@Example.COM ')).toBe('alice@example.com');
    expect(canonicalEmail('bob@bücher.de')).toBe('bob@xn--bcher-kva.de');
    expect(canonicalEmail('BOB@BÜCHER.DE')).toBe('bob@xn--bcher-kva.de');
  });

  it('treats NFC and NFD spellings as the same address', () => {
    const nfd = 'jose\u0301@example.com';
    const nfc = 'jos\u00e9@example.com';
    expect(canonicalEmail(nfd)).toBe(canonicalEmail(nfc));
  });

  it('rejects malformed addresses', () => {
    for (const bad of ['', 'no-at', '@example.com', 'a@', 'a@b', 'a b@example.com', 'a@exa mple.com', 'a..b@example.com', 'a@-x.com', 'a@1.2.3.4']) {
      expect(canonicalEmail(bad), bad).toBeNull();
    }
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(fc.oneof(address, fc.string(), fc.string({ unit: 'binary' })), (s) => {
        const once = canonicalEmail(s);
        if (once !== null) expect(canonicalEmail(once)).toBe(once);
      }),
      { numRuns: 2000 },
    );
  });

  it('maps every case variant of an address to the same canonical form', () => {
    fc.assert(
      fc.property(address.chain((a) => fc.tuple(fc.constant(a), caseVariant(a))), ([a, v]) => {
        expect(canonicalEmail(` ${v}\t`)).toBe(canonicalEmail(a));
      }),
    );
  });

  it('keeps dotless-i, dotted capital I and sharp-s spellings apart from their look-alikes', () => {
    const pairs: Array<[string, string]> = [
      ['\u0131nfo@example.com', 'info@example.com'], // dotless i
      ['\u0130nfo@example.com', 'info@example.com'], // capital I with dot
      ['stra\u00dfe@example.com', 'strasse@example.com'], // sharp s in the local part
      ['info@stra\u00dfe.de', 'info@strasse.de'], // sharp s in the domain
      ['info@\u0131bm.com', 'info@ibm.com'],
    ];
    for (const [a, b] of pairs) {
      const ca = canonicalEmail(a);
      expect(ca === null || ca !== canonicalEmail(b), `${a} vs ${b}`).toBe(true);
    }
  });

  it('never makes two different ASCII addresses equal', () => {
    fc.assert(
      fc.property(address, address, (a, b) => {
        if (a.toLowerCase() !== b.toLowerCase()) expect(canonicalEmail(a)).not.toBe(canonicalEmail(b));
      }),
    );
  });
});

describe('domain rules', () => {
  it('covers the domain and its subdomains only', () => {
    expect(domainCoveredBy('example.com', 'example.com')).toBe(true);
    expect(domainCoveredBy('mail.example.com', 'example.com')).toBe(true);
    expect(domainCoveredBy('badexample.com', 'example.com')).toBe(false);
    expect(domainCoveredBy('example.com.evil.io', 'example.com')).toBe(false);
  });

  it('keeps case and IDNA variants of a blocked domain blocked', () => {
    const blocked = canonicalDomain('Bücher.de')!;
    fc.assert(
      fc.property(localPart, caseVariant('bücher.de'), fc.constantFrom('', 'sub.', 'a.b.'), (l, d, sub) => {
        for (const domain of [d, d.normalize('NFD'), 'xn--bcher-kva.de'.toUpperCase()]) {
          const e = canonicalEmail(`${l}@${sub}${domain}`);
          expect(e).not.toBeNull();
          expect(domainCoveredBy(emailDomain(e!), blocked)).toBe(true);
        }
      }),
    );
  });
});
