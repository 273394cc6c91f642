import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signed media URLs. A signature covers a path prefix and an expiry (unix seconds):
 *
 *     signature = base64url(HMAC-SHA256(secret, expires + prefix))
 *     URL       = prefix + expires + "/" + signature + "/" + rest
 *
 * e.g. /api/media/<id>/stream/1767225600/<sig>/<run>/720p/seg_00003.ts. The signature sits in the
 * path, so the relative URIs inside an HLS playlist resolve to URLs that carry it: playlists are
 * served unchanged, and checking one segment costs one HMAC, no database. The message mirrors
 * nginx's secure_link ("$expires$uri"), so a proxy or CDN can run the same check (docs/delivery.md).
 */

export type Verdict = 'ok' | 'expired' | 'invalid';

const SIG_RE = /^[A-Za-z0-9_-]{43}$/;
const EXPIRES_RE = /^\d{1,12}$/;

export function sign(secret: string, prefix: string, expires: number): string {
  return createHmac('sha256', secret).update(`${expires}${prefix}`).digest('base64url');
}

/** The signed form of a prefix: everything a URL needs before the path inside it. */
export function signedPrefix(opts: { secret: string; prefix: string; expires: number }): string {
  return `${opts.prefix}${opts.expires}/${sign(opts.secret, opts.prefix, opts.expires)}/`;
}

/**
 * Checks the signature (in constant time) before the expiry, so a forged URL learns nothing about
 * time. `nowSeconds` is unix time.
 */
export function verify(opts: { secret: string; prefix: string; expires: string; signature: string; nowSeconds: number }): Verdict {
  if (!EXPIRES_RE.test(opts.expires) || !SIG_RE.test(opts.signature)) return 'invalid';
  const expected = Buffer.from(sign(opts.secret, opts.prefix, Number(opts.expires)));
  const given = Buffer.from(opts.signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return 'invalid';
  return Number(opts.expires) < opts.nowSeconds ? 'expired' : 'ok';
}

/** A file path inside a signed prefix: plain names only, no dot segments, no escapes. */
export function isSafeRest(rest: string): boolean {
  if (rest.length === 0 || rest.length > 300) return false;
  return rest.split('/').every((part) => /^[A-Za-z0-9_][A-Za-z0-9._-]*$/.test(part) && !part.includes('..'));
}
