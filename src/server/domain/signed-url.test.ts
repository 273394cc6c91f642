import fc from 'fast-check';
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isSafeRest, sign, signedPrefix, verify } from './signed-url.js';

const secret = 'a-test-secret-that-is-long-enough-000';
const prefix = '/api/media/abc/stream/';

const parse = (url: string) => {
  const m = /^(.*\/stream\/)(\d+)\/([^/]+)\/$/.exec(url)!;
  return { prefix: m[1], expires: m[2], signature: m[3] };
};

describe('signed URLs', () => {
  it('is HMAC-SHA256 over expiry then prefix, base64url, as a proxy would compute it', () => {
    const expected = createHmac('sha256', secret).update(`1700000000${prefix}`).digest('base64url');
    expect(sign(secret, prefix, 1700000000)).toBe(expected);
    expect(signedPrefix({ secret, prefix, expires: 1700000000 })).toBe(`${prefix}1700000000/${expected}/`);
  });

  it('accepts its own URLs until they expire, then calls them expired', () => {
    const p = parse(signedPrefix({ secret, prefix, expires: 1000 }));
    expect(verify({ secret, ...p, nowSeconds: 999 })).toBe('ok');
    expect(verify({ secret, ...p, nowSeconds: 1000 })).toBe('ok');
    expect(verify({ secret, ...p, nowSeconds: 1001 })).toBe('expired');
  });

  it('refuses another media id, another secret, a moved expiry and garbage', () => {
    const p = parse(signedPrefix({ secret, prefix, expires: 5000 }));
    expect(verify({ secret, ...p, prefix: '/api/media/abd/stream/', nowSeconds: 1 })).toBe('invalid');
    expect(verify({ secret: secret + 'x', ...p, nowSeconds: 1 })).toBe('invalid');
    expect(verify({ secret, ...p, expires: '5001', nowSeconds: 1 })).toBe('invalid');
    expect(verify({ secret, ...p, signature: 'x', nowSeconds: 1 })).toBe('invalid');
    expect(verify({ secret, ...p, expires: '-1', nowSeconds: 1 })).toBe('invalid');
  });

  it('property: any change to the signature, expiry or prefix is refused', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 4_000_000_000 }),
        fc.integer({ min: 0, max: 42 }),
        fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'),
        (id, expires, at, ch) => {
          const pre = `/api/media/${encodeURIComponent(id)}/stream/`;
          const good = sign(secret, pre, expires);
          expect(verify({ secret, prefix: pre, expires: String(expires), signature: good, nowSeconds: 0 })).toBe('ok');
          const tampered = good.slice(0, at) + ch + good.slice(at + 1);
          if (tampered !== good) expect(verify({ secret, prefix: pre, expires: String(expires), signature: tampered, nowSeconds: 0 })).toBe('invalid');
          expect(verify({ secret, prefix: pre, expires: String(expires + 1), signature: good, nowSeconds: 0 })).toBe('invalid');
          expect(verify({ secret, prefix: pre + 'x/', expires: String(expires), signature: good, nowSeconds: 0 })).toBe('invalid');
        },
      ),
    );
  });
});

describe('isSafeRest', () => {
  it('allows plain nested names only', () => {
    expect(isSafeRest('a1b2/720p/seg_00001.ts')).toBe(true);
    expect(isSafeRest('captions/x.vtt')).toBe(true);
    for (const bad of ['', '../x', 'a/../b', 'a//b', '/a', 'a/', '.hidden', 'a\\b', 'a%2e', 'a/..', 'x'.repeat(301)]) {
      expect(isSafeRest(bad)).toBe(false);
    }
  });

  it('property: nothing accepted can climb out of its folder', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (s) => {
        if (isSafeRest(s)) {
          expect(s.split('/')).not.toContain('..');
          expect(s.startsWith('/')).toBe(false);
          expect(s).not.toMatch(/[\\%\0]/);
        }
      }),
    );
  });
});
