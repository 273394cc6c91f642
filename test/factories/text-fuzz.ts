/**
 * The text fuzzing of test/api/text-fields.test.ts: the rule written out independently of
 * src/contracts/text.ts, the fast-check generators, and how a case's fields are found, changed and sent.
 */
import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import type { Agent, TestApp } from './app.js';

// The rule, written out here independently of src/contracts/text.ts.
// eslint-disable-next-line no-control-regex
export const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
export const mustRefuse = (s: string) => CONTROL.test(s) || /\p{Cs}/u.test(s);
/** Something is left of a name once control characters and spaces go. */
// eslint-disable-next-line no-control-regex
export const VISIBLE = /[^\s\u0000-\u001f\u007f]/;

export const char = (c: number) => String.fromCharCode(c);
/** One character no text may hold. */
export const forbidden = fc.oneof(
  fc.integer({ min: 0, max: 0x1f }).filter((c) => c !== 0x09 && c !== 0x0a && c !== 0x0d).map(char),
  fc.constant('\u007f'),
  fc.integer({ min: 0xd800, max: 0xdfff }).map(char),
);
export const unit = fc.oneof(forbidden, fc.constantFrom('\t', '\n', '\r', '\r\n', ' ', 'a', '@', '.', '-', '/', '%', 'é', '😀'), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }));
export const anyText = fc.oneof(fc.string({ unit: 'binary', maxLength: 24 }), fc.string({ unit, maxLength: 24 }));
/** Mostly a valid value with something slipped in, so the rest of the request stays as valid as before; sometimes anything. */
export const mutationOf = (valid: string) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.tuple(fc.nat({ max: valid.length }), fc.oneof(forbidden, fc.string({ unit, minLength: 1, maxLength: 3 }))).map(([at, x]) => valid.slice(0, at) + x + valid.slice(at)) },
    { weight: 2, arbitrary: anyText },
  );
/** Every field meets these, whatever the random runs pick. */
// "." and ".." are dot segments a client drops from a path (a room socket's address becomes the event page's)
export const seedsFor = (valid: string) => [`${valid.slice(0, 1)}\u0000${valid.slice(1)}`, `${valid}\uD800`, `\u001b${valid}`, '.', '..'];

/** Percent-encoding of the string's code units as WTF-8, so a lone surrogate arrives as the bytes a client could send. */
export function pct(s: string, keepSlash = false): string {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    let cp = s.charCodeAt(i);
    const lo = s.charCodeAt(i + 1);
    if (cp >= 0xd800 && cp <= 0xdbff && lo >= 0xdc00 && lo <= 0xdfff) {
      cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
      i++;
    }
    if (cp < 0x80) bytes.push(cp);
    else if (cp < 0x800) bytes.push(0xc0 | (cp >> 6), 0x80 | (cp & 63));
    else if (cp < 0x10000) bytes.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
    else bytes.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
  }
  return bytes.map((b) => (/[A-Za-z0-9\-_.~]/.test(char(b)) || (keepSlash && b === 0x2f) ? char(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
}
export const wtf8 = (s: string) => Buffer.from(pct(s).replace(/%([0-9A-F]{2})/g, (_, h: string) => char(parseInt(h, 16))), 'latin1');

// ------------------------------------------------------------------ requests

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export interface Input {
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
}
export type Path = Array<string | number>;
export interface Field {
  /** `params.id`, `query.lang`, `body.people.0.email` */
  name: string;
  path: Path;
  valid: string;
}
export interface Sent {
  status: number;
  json?: unknown;
  headers: Record<string, unknown>;
}
export interface Case {
  method: Method;
  route: string;
  who: () => Agent | undefined;
  input: () => Input | Promise<Input>;
  /** Fields whose text is taken as sent or cleaned rather than refused (passwords, file names, a caption file). */
  free?: string[];
  /** How the request goes out, when not as JSON. */
  send?: (agent: Agent | undefined, url: string, input: Input) => Promise<Sent>;
  /** More to check for this route. */
  check?: (sent: Sent, field: Field, value: string) => void | Promise<void>;
  runs?: number;
}

export function fieldsOf(input: Input): Field[] {
  const out: Field[] = [];
  const walk = (v: unknown, path: Path) => {
    if (typeof v === 'string') out.push({ name: path.join('.'), path, valid: v });
    else if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, i]));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
  };
  walk(input, []);
  return out;
}

export function withValue<T>(input: T, path: Path, value: string): T {
  const copy = structuredClone(input) as Record<string | number, unknown>;
  let at = copy;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, unknown>;
  at[path[path.length - 1]] = value;
  return copy as T;
}

export function urlOf(route: string, input: Input): string {
  const path = route.replace(/:(\w+)|\*/g, (m, name?: string) => pct(input.params?.[name ?? '*'] ?? '', m === '*'));
  const query = Object.entries(input.query ?? {}).map(([k, v]) => `${k}=${pct(v)}`);
  return query.length ? `${path}?${query.join('&')}` : path;
}

export const parse = (res: LightMyRequestResponse): Sent => {
  let json: unknown;
  try {
    json = res.body ? JSON.parse(res.body) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.statusCode, json, headers: res.headers };
};

let ip = 0;
/** A request as the agent's browser sends it, each from another address (the lobby's rate limit must not answer first). */
export async function inject(t: TestApp, agent: Agent | undefined, method: Method, url: string, opts: { headers?: Record<string, string>; payload?: string | Buffer } = {}): Promise<Sent> {
  const safe = method === 'GET';
  const res = await t.app.inject({
    method,
    url,
    remoteAddress: `10.${(++ip >> 16) & 255}.${(ip >> 8) & 255}.${ip & 255}`,
    headers: {
      ...(agent ? { cookie: agent.cookieHeader } : {}),
      ...(safe ? {} : { 'x-csrf-token': agent?.cookies.get('foyer_csrf') ?? '', origin: agent?.origin ?? 'http://localhost:3000' }),
      ...opts.headers,
    },
    ...(opts.payload !== undefined ? { payload: opts.payload } : {}),
  });
  return parse(res);
}

export const sendJson = (t: TestApp) => (agent: Agent | undefined, url: string, input: Input, method: Method) =>
  inject(t, agent, method, url, input.body === undefined ? {} : { headers: { 'content-type': 'application/json' }, payload: JSON.stringify(input.body) });

/** A multipart upload whose file name is sent as UTF-8 bytes in `filename="…"`, or percent-encoded in `filename*=`. */
export function multipartNamed(name: string, bytes: Buffer, star: boolean) {
  const boundary = `----foyer${Math.random().toString(16).slice(2)}`;
  const disposition = star ? Buffer.from(`filename*=UTF-8''${pct(name)}`) : Buffer.concat([Buffer.from('filename="'), wtf8(name.replace(/["\\]/g, '_')), Buffer.from('"')]);
  const head = Buffer.concat([Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; `), disposition, Buffer.from('\r\nContent-Type: application/octet-stream\r\n\r\n')]);
  return { body: Buffer.concat([head, bytes, Buffer.from(`\r\n--${boundary}--\r\n`)]), type: `multipart/form-data; boundary=${boundary}` };
}

// ------------------------------------------------------------------ the routes and the room

