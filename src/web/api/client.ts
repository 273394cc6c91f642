import { codeForStatus, errorCodes, OUTCOME_IN_BODY, OUTCOME_STATUS_HEADER, type ErrorCode } from '../../contracts/error-codes.js';

export type ApiErrorCode = ErrorCode | 'network_error';

/**
 * The one error the web app meets from the server: an HTTP answer, a room socket's error message, or
 * a network failure (`network_error`, status 0). Branch on `code`, never on the message.
 */
export class ApiError extends Error {
  readonly code: ApiErrorCode;
  /** The HTTP status; 0 when no HTTP answer came (network failure, or an error over the room socket). */
  readonly status: number;
  readonly details: unknown;

  constructor(opts: { code: ApiErrorCode; message: string; status: number; details?: unknown }) {
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

/**
 * A validation answer a form shows at its fields. Any other error, including `validation_failed`
 * without field messages (a bare 400 from a proxy), belongs in the form's alert.
 */
export const isFieldValidation = (e: unknown): boolean => isApiError(e) && e.code === 'validation_failed' && Object.keys(e.fieldErrors).length > 0;

const NETWORK_MESSAGE = 'Could not reach the server. Check your connection and try again.';

export const networkError = (message = NETWORK_MESSAGE) => new ApiError({ code: 'network_error', message, status: 0 });

/**
 * The ApiError for the `error` of the one wire shape, `{ error: { code, message, details? } }`, on
 * HTTP and on the room socket. A code missing from our list (a newer server) keeps the server's
 * message and takes the status's code.
 */
export function errorFromWire(error: { code?: unknown; message: string; details?: unknown }, status: number): ApiError {
  const known = typeof error.code === 'string' && (errorCodes as readonly string[]).includes(error.code);
  return new ApiError({ code: known ? (error.code as ErrorCode) : codeForStatus(status), message: error.message, status, details: error.details });
}

/** The ApiError a parsed body carries, or undefined when it is not in the one wire shape. */
export function errorFromBody(body: unknown, status: number): ApiError | undefined {
  const error = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | null | undefined)?.error;
  if (!error || typeof error !== 'object' || typeof error.message !== 'string') return undefined;
  return errorFromWire({ ...error, message: error.message }, status);
}

/** Short plain-text answers (the tus server's, e.g. "Maximum size exceeded") say more than a bare status. */
const MAX_TEXT_MESSAGE = 300;

/**
 * Turns a non-2xx answer into an ApiError. Ours carry the wire shape; anything else (a proxy, a
 * plugin, the tus server) gets the code `codeForStatus` gives, shared with the server.
 */
export function errorFromResponse(status: number, bodyText: string, contentType?: string | null): ApiError {
  let json: unknown;
  try {
    json = bodyText ? JSON.parse(bodyText) : undefined;
  } catch {
    json = undefined;
  }
  const ours = errorFromBody(json, status);
  if (ours) return ours;
  const text = bodyText.trim();
  const plain = json === undefined && contentType?.toLowerCase().startsWith('text/plain') && text && text.length <= MAX_TEXT_MESSAGE;
  return new ApiError({ code: codeForStatus(status), message: plain ? text : `The server answered ${status}.`, status });
}

/** The double-submit CSRF token the server set as a readable cookie (__Host- prefixed on https). */
export function csrfToken(): string {
  const wanted = location.protocol === 'https:' ? '__Host-foyer_csrf' : 'foyer_csrf';
  for (const part of document.cookie.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === wanted) return decodeURIComponent(rest.join('='));
  }
  return '';
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

export interface RequestOptions {
  method?: 'GET' | 'HEAD' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as it is (a file, form data, text); give its Content-Type in `headers` unless it is FormData. */
  rawBody?: XMLHttpRequestBodyInit;
  /** Extra request headers (e.g. the tus protocol's). */
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Lets the request outlive the page: viewing reports sent while it is hidden or unloads. */
  keepalive?: boolean;
  /** Bytes sent so far. Sends through XMLHttpRequest: only XHR reports upload progress in every browser. */
  onUploadProgress?: (loaded: number, total: number) => void;
}

/** A 2xx answer, read whole. */
export interface ApiResponse {
  status: number;
  text: string;
  header(name: string): string | null;
}

const SAFE = new Set(['GET', 'HEAD']);

const abortError = () => new DOMException('The request was aborted.', 'AbortError');

/**
 * One request against our own API: same-origin cookies, the CSRF header on every state change.
 * Resolves with a 2xx answer; rejects with an ApiError (any other answer, or no answer), or with the
 * AbortError when `signal` aborts it.
 */
export async function request(path: string, opts: RequestOptions = {}): Promise<ApiResponse> {
  const method = opts.method ?? 'GET';
  // Expected refusals (a lobby outcome, a guest outside their media) come back as 200 with the error body,
  // so the browser does not log them as failed loads; they still reject as ApiError below.
  const headers: Record<string, string> = { Accept: 'application/json', Prefer: OUTCOME_IN_BODY };
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  Object.assign(headers, opts.headers);
  // Read synchronously when the cookie is there, so a keepalive request starts before the page goes.
  if (!SAFE.has(method)) headers['X-CSRF-Token'] = csrfToken() || (await ensureCsrfToken());
  const body = opts.body !== undefined ? JSON.stringify(opts.body) : opts.rawBody;
  const res = opts.onUploadProgress
    ? await sendWithProgress(path, { method, headers, body, signal: opts.signal }, opts.onUploadProgress)
    : await sendWithFetch(path, { method, headers, body, signal: opts.signal, keepalive: opts.keepalive });
  if (res.status < 200 || res.status > 299) throw errorFromResponse(res.status, res.text, res.header('Content-Type'));
  if (res.header('Preference-Applied')?.toLowerCase().includes(OUTCOME_IN_BODY)) {
    const status = Number(res.header(OUTCOME_STATUS_HEADER));
    throw errorFromResponse(Number.isInteger(status) && status >= 400 ? status : 400, res.text, res.header('Content-Type'));
  }
  return res;
}

/** JSON request against our own API (see `request`); resolves with the parsed answer. */
export async function api<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const { text } = await request(path, opts);
  return (text ? JSON.parse(text) : undefined) as T;
}

interface Outgoing {
  method: string;
  headers: Record<string, string>;
  body: XMLHttpRequestBodyInit | undefined;
  signal?: AbortSignal;
}

async function sendWithFetch(path: string, out: Outgoing & { keepalive?: boolean }): Promise<ApiResponse> {
  try {
    const res = await fetch(path, { method: out.method, headers: out.headers, credentials: 'same-origin', body: out.body, signal: out.signal, keepalive: out.keepalive });
    const text = await res.text();
    return { status: res.status, text, header: (name) => res.headers.get(name) };
  } catch (err) {
    if (out.signal?.aborted || (err as Error).name === 'AbortError') throw err;
    throw networkError();
  }
}

function sendWithProgress(path: string, out: Outgoing, onProgress: (loaded: number, total: number) => void): Promise<ApiResponse> {
  return new Promise((resolve, reject) => {
    if (out.signal?.aborted) return reject(abortError());
    const xhr = new XMLHttpRequest();
    xhr.open(out.method, path);
    for (const [name, value] of Object.entries(out.headers)) xhr.setRequestHeader(name, value);
    xhr.upload.addEventListener('progress', (e) => onProgress(e.loaded, e.lengthComputable ? e.total : 0));
    xhr.addEventListener('load', () => resolve({ status: xhr.status, text: xhr.responseText, header: (name) => xhr.getResponseHeader(name) }));
    xhr.addEventListener('error', () => reject(networkError()));
    xhr.addEventListener('timeout', () => reject(networkError()));
    xhr.addEventListener('abort', () => reject(abortError()));
    out.signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(out.body ?? null);
  });
}
