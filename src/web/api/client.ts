import { errorBodySchema, type ErrorCode } from '../../contracts/errors.js';

/** An error answered by the API (or a network failure), carrying the wire `code` to branch on. */
export class ApiError extends Error {
  readonly code: ErrorCode | 'network_error';
  readonly status: number;
  readonly details: unknown;

  constructor(opts: { code: ApiError['code']; message: string; status: number; details?: unknown }) {
    super(opts.message);
    this.name = 'ApiError';
    this.code = opts.code;
    this.status = opts.status;
    this.details = opts.details;
  }

  /** Per-field messages from `details` (validation errors), keyed by field name. */
  get fieldErrors(): Record<string, string> {
    const d = this.details;
    if (!d || typeof d !== 'object' || Array.isArray(d)) return {};
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(d)) if (typeof v === 'string') out[k] = v;
    return out;
  }
}

export const isApiError = (e: unknown): e is ApiError => e instanceof ApiError;

/** The double-submit CSRF token the server set as a readable cookie (__Host- prefixed on https). */
export function csrfToken(): string {
  const wanted = location.protocol === 'https:' ? '__Host-foyer_csrf' : 'foyer_csrf';
  for (const part of document.cookie.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === wanted) return decodeURIComponent(rest.join('='));
  }
  return '';
}

const SAFE = new Set(['GET', 'HEAD']);

/** Turns any non-2xx answer into an ApiError; the body follows the one wire shape when it is ours. */
export function errorFromResponse(status: number, bodyText: string): ApiError {
  let json: unknown;
  try {
    json = bodyText ? JSON.parse(bodyText) : undefined;
  } catch {
    json = undefined;
  }
  const parsed = errorBodySchema.safeParse(json);
  if (parsed.success) {
    const { code, message, details } = parsed.data.error;
    return new ApiError({ code, message, status, details });
  }
  const code: ErrorCode =
    status === 413 ? 'payload_too_large'
    : status === 415 ? 'unsupported_media'
    : status === 429 ? 'rate_limited'
    : status === 404 ? 'not_found'
    : status === 401 ? 'unauthenticated'
    : status === 403 ? 'forbidden'
    : 'internal_error';
  return new ApiError({ code, message: `The server answered ${status}.`, status });
}

export const networkError = () =>
  new ApiError({ code: 'network_error', message: 'Could not reach the server. Check your connection and try again.', status: 0 });

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  body?: unknown;
  signal?: AbortSignal;
}

/**
 * The server sets the CSRF cookie on any response, normally the page itself. When the page came
 * from elsewhere (Vite in development) a first GET fetches it.
 */
export async function ensureCsrfToken(): Promise<string> {
  const existing = csrfToken();
  if (existing) return existing;
  await fetch('/api/session', { credentials: 'same-origin' }).catch(() => undefined);
  return csrfToken();
}

/** JSON fetch against our own API: same-origin cookies, CSRF header on every state change. */
export async function api<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const method = opts.method ?? 'GET';
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  if (!SAFE.has(method)) headers['X-CSRF-Token'] = await ensureCsrfToken();
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
      signal: opts.signal,
    });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw networkError();
  }
  const text = await res.text();
  if (!res.ok) throw errorFromResponse(res.status, text);
  return (text ? JSON.parse(text) : undefined) as T;
}
