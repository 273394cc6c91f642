import type { ApiScope } from '../../contracts/api-tokens.js';

/**
 * Which API token scope each route needs (docs/api.md, "API tokens"). `null`: the route is for the
 * browser only (signing in and out, the lobby and invite links, tokens themselves, site
 * administration, room and broadcast sockets); a bearer request there is refused with
 * `token_not_accepted`. `public`: no account is involved (health, signed media URLs, the API docs),
 * so the Authorization header is not looked at. First match wins; a route no rule names is
 * browser-only, so a new route is never opened to tokens by accident.
 */
export type RouteScope = ApiScope | 'public' | null;

const read = (m: string) => m === 'GET' || m === 'HEAD';

const rules: Array<[RegExp, (method: string) => RouteScope]> = [
  // no account involved
  [/^\/api\/health$/, () => 'public'],
  [/^\/api\/docs(\/|$)/, () => 'public'],
  [/^\/api\/openapi\.json$/, () => 'public'],
  [/^\/api\/media\/:id\/(stream|file)\//, () => 'public'],
  [/^\/api\/live\//, () => 'public'],
  // the browser's own
  [/^\/api\/(auth|session|lobby|tokens|admin)(\/|$)/, () => null],
  [/^\/api\/events\/:id\/(room|ingest)$/, () => null],
  [/^\/api\/media\/:id\/(progress|quiz\/attempts)/, () => null],
  // figures
  [/^\/api\/events\/:id\/report/, () => 'analytics:read'],
  [/^\/api\/media\/:id\/(analytics|viewing|quiz\/results)/, () => 'analytics:read'],
  [/^\/api\/audit(\/|$)/, () => 'analytics:read'],
  // invites (live events are media: their invites are here too)
  [/^\/api\/media\/:id\/invite/, (m) => (read(m) ? 'invites:read' : 'invites:write')],
  // events
  [/^\/api\/events(\/|$)/, (m) => (read(m) ? 'events:read' : 'events:write')],
  // media, uploads
  [/^\/api\/media(\/|$)/, (m) => (read(m) ? 'media:read' : 'media:write')],
  [/^\/api\/uploads(\/|$)/, () => 'media:write'],
  [/^\/api\/storage$/, () => 'media:read'],
];

export function scopeOfRoute(method: string, url: string): RouteScope {
  for (const [pattern, scope] of rules) if (pattern.test(url)) return scope(method.toUpperCase());
  return null;
}
