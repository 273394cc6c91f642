import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { timingSafeEqual } from 'node:crypto';
import type { User } from '../../db/schema.js';
import { newToken } from '../../domain/tokens.js';
import { requireAccount, requireAdminAccount, type Visitor } from '../../domain/visitor.js';
import { AppError } from '../../errors.js';
import type { ApiTokenService } from '../../services/api-token.service.js';
import type { AuthService } from '../../services/auth.service.js';
import type { RouteScope } from '../api-scopes.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** No cookies read or set, no session lookup: signed media delivery (the URL's signature is the grant) and the static web app (http/plugins/spa.ts). */
    sessionless?: boolean;
    /** Device and CSRF cookies as usual, but the session is not looked up (`auth` is empty): a route that answers everyone alike (health). */
    noSessionLookup?: boolean;
    /** The API token scope this route needs (http/api-scopes.ts; set for every route when it is added). */
    apiScope?: RouteScope;
  }
  interface FastifyRequest {
    auth: Visitor;
    /** Random id of this browser, from a long-lived HttpOnly cookie; invites bind to it. */
    deviceId: string;
    csrfToken: string;
  }
}

export interface CookieNames {
  session: string;
  csrf: string;
  device: string;
  invite: string;
}

/** With an https PUBLIC_URL cookies get Secure and the __Host- prefix (no Domain, Path=/). */
export const cookieNames = (secure: boolean): CookieNames => {
  const p = secure ? '__Host-' : '';
  return { session: `${p}foyer_session`, csrf: `${p}foyer_csrf`, device: `${p}foyer_device`, invite: `${p}foyer_invite` };
};

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);
const BEARER = /^Bearer[ \t]+(\S*)\s*$/i;
const YEAR_S = 365 * 24 * 3600;

const sameToken = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/**
 * Sessions, device ids and CSRF protection for every request.
 * CSRF: double-submit token (a readable cookie echoed in the X-CSRF-Token header) plus an Origin check,
 * required on every state-changing request, logged in or not (login CSRF included).
 */
export function registerSession(
  app: FastifyInstance,
  opts: {
    auth: AuthService;
    apiTokens: ApiTokenService;
    /** Runs after a bearer token was accepted (the per-token rate limit). */
    onBearer?: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
    secure: boolean;
    publicUrl: string;
    sessionTtlMs: number;
  },
): CookieNames {
  const names = cookieNames(opts.secure);
  const publicOrigin = new URL(opts.publicUrl).origin;
  const base = { path: '/', sameSite: 'lax' as const, secure: opts.secure };

  app.decorateRequest('auth', null as unknown as Visitor);
  app.decorateRequest('deviceId', '');
  app.decorateRequest('csrfToken', '');

  app.addHook('onRequest', async (request, reply) => {
    if (request.routeOptions.config?.sessionless && SAFE.has(request.method)) {
      request.auth = {};
      return;
    }
    // An API token: the account and scopes come from it alone. No cookie is read or set, and no
    // CSRF check applies (a browser never sends this header by itself).
    const authorization = request.headers.authorization;
    const scope = request.routeOptions.config?.apiScope;
    if (authorization !== undefined && scope !== 'public' && /^bearer\b/i.test(authorization)) {
      const bearer = BEARER.exec(authorization)?.[1] ?? '';
      let resolved;
      try {
        resolved = await opts.apiTokens.resolve(bearer);
      } catch (err) {
        reply.header('WWW-Authenticate', 'Bearer realm="foyer", error="invalid_token"');
        throw err;
      }
      if (!scope) throw new AppError('token_not_accepted');
      if (!resolved.token.scopes.includes(scope)) {
        reply.header('WWW-Authenticate', `Bearer realm="foyer", error="insufficient_scope", scope="${scope}"`);
        throw new AppError('insufficient_scope', { message: `This API token does not have the “${scope}” scope this request needs.`, details: { scope } });
      }
      request.auth = { user: resolved.user, token: resolved.token };
      await opts.onBearer?.(request, reply);
      return;
    }

    const cookies = request.cookies;
    request.deviceId = cookies[names.device] && /^[A-Za-z0-9_-]{43}$/.test(cookies[names.device]!) ? cookies[names.device]! : '';
    if (!request.deviceId) {
      request.deviceId = newToken();
      reply.setCookie(names.device, request.deviceId, { ...base, httpOnly: true, maxAge: YEAR_S });
    }
    request.csrfToken = cookies[names.csrf] && /^[A-Za-z0-9_-]{43}$/.test(cookies[names.csrf]!) ? cookies[names.csrf]! : '';
    if (!request.csrfToken) {
      request.csrfToken = newToken();
      reply.setCookie(names.csrf, request.csrfToken, { ...base, httpOnly: false, maxAge: YEAR_S });
    }

    request.auth = request.routeOptions.config?.noSessionLookup ? {} : ((await opts.auth.resolve(cookies[names.session])) ?? {});

    if (!SAFE.has(request.method)) {
      const origin = request.headers.origin;
      // PUBLIC_URL's origin only: the Host header is the client's to choose, so it proves nothing.
      if (origin && origin !== publicOrigin) {
        throw new AppError('csrf_failed', { message: 'Requests from other sites are not accepted.' });
      }
      const header = request.headers['x-csrf-token'];
      if (typeof header !== 'string' || !cookies[names.csrf] || !sameToken(header, cookies[names.csrf]!)) {
        throw new AppError('csrf_failed');
      }
    }
  });

  return names;
}

export function setSessionCookie(reply: FastifyReply, names: CookieNames, token: string, opts: { secure: boolean; maxAgeMs: number }) {
  reply.setCookie(names.session, token, {
    path: '/',
    sameSite: 'lax',
    secure: opts.secure,
    httpOnly: true,
    maxAge: Math.floor(opts.maxAgeMs / 1000),
  });
}

export function clearSessionCookie(reply: FastifyReply, names: CookieNames, secure: boolean) {
  reply.clearCookie(names.session, { path: '/', sameSite: 'lax', secure, httpOnly: true });
}

export const requireUser = (request: FastifyRequest): User => requireAccount(request.auth);

/** An account whose email is confirmed (uploads): anyone who finds the site may sign up, but stores nothing before confirming. */
export const requireConfirmedUser = (request: FastifyRequest): User => {
  const user = requireUser(request);
  if (user.email_verified_at === null) {
    throw new AppError('email_not_verified', { message: `Confirm your email address to upload: open the link we sent to ${user.email}, or send it again from your library.` });
  }
  return user;
};

export const requireAdmin = (request: FastifyRequest): User => requireAdminAccount(request.auth);
