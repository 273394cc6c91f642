import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { safeNext } from './validation.js';

describe('safeNext (post-login destination)', () => {
  it('keeps same-site paths with their query and fragment', () => {
    expect(safeNext('/media/abc')).toBe('/media/abc');
    expect(safeNext('/events/1?tab=qa#top')).toBe('/events/1?tab=qa#top');
  });

  it('refuses everything that could leave the site', () => {
    for (const bad of [null, '', 'media/abc', '//evil.example', '/\\evil.example', '/\t/evil.example', '/\n/evil.example', '\\\\evil.example', 'https://evil.example/x', '/%0a/x\u0000', '/x\u007f']) {
      expect(safeNext(bad)).toBe('/');
    }
  });

  it('never yields a destination on another origin, whatever the input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const next = safeNext(s);
        expect(next.startsWith('/')).toBe(true);
        expect(next.startsWith('//')).toBe(false);
        expect(new URL(next, 'https://foyer.example').origin).toBe('https://foyer.example');
      }),
      { numRuns: 2000 },
    );
  });
});
