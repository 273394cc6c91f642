/**
 * Signed media URLs carry `/<expires>/<signature>/` after their scope (docs/delivery.md). When the
 * player receives fresh URLs it rewrites every later request to the newest signature, so playback
 * goes on past the lifetime of the first one without reloading the stream.
 */
const SIGNED = /^(.*?)(\/api\/media\/[A-Za-z0-9-]+\/stream\/)\d+\/[A-Za-z0-9_-]{43}\//;

/** The signed prefix of a URL (`…/stream/<expires>/<sig>/`), or undefined for other URLs. */
export function signedPrefixOf(url: string): string | undefined {
  return SIGNED.exec(url)?.[0];
}

/**
 * `url` with its expiry and signature taken from `latest` (same media only; either may be absolute
 * or a path, as hls.js resolves playlist URIs against the page); other URLs unchanged.
 */
export function withLatestSignature(url: string, latest: string | undefined): string {
  if (!latest) return url;
  const current = SIGNED.exec(url);
  const fresh = SIGNED.exec(latest);
  if (!current || !fresh || current[2] !== fresh[2]) return url;
  return current[1] + fresh[0].slice(fresh[1].length) + url.slice(current[0].length);
}
