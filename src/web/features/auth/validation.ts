import type { z } from 'zod';

/** Field messages from a zod schema shared with the server, keyed like the server's `details`. */
export function fieldErrorsOf(schema: z.ZodType, value: unknown): Record<string, string> {
  const result = schema.safeParse(value);
  if (result.success) return {};
  const out: Record<string, string> = {};
  for (const issue of result.error.issues) {
    const key = String(issue.path[0] ?? 'form');
    out[key] ??= issue.message;
  }
  return out;
}

/**
 * Only a same-origin path may be a post-login destination. Browsers read `/\evil.example` and
 * `/<TAB>/evil.example` as `//evil.example`, so backslashes and control characters anywhere are
 * refused, and the path must resolve to this origin.
 */
export function safeNext(next: string | null, origin = 'http://foyer.invalid'): string {
  if (!next || !next.startsWith('/') || next.startsWith('//')) return '/';
  // eslint-disable-next-line no-control-regex
  if (/[\\\u0000-\u001f\u007f]/.test(next)) return '/';
  try {
    const url = new URL(next, origin);
    if (url.origin !== new URL(origin).origin) return '/';
    return `${url.pathname}${url.search}${url.hash}`;
  } catch {
    return '/';
  }
}
