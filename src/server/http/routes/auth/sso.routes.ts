import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ssoButtonListSchema, ssoLinkBody, ssoLinkInfoSchema, ssoLinkResponse, ssoProviderId } from '../../../../contracts/sso.js';
import { singleLine } from '../../../../contracts/text.js';
import { AppError } from '../../../errors.js';
import type { Services } from '../../../runtime.js';
import { setSessionCookie, type CookieNames } from '../../plugins/session.js';

export interface SsoRouteOpts {
  services: Services;
  cookies: CookieNames;
  secure: boolean;
  sessionTtlMs: number;
}

/**
 * Signing in at an SSO provider (browser only): the buttons, the way out to the provider and back,
 * and the "link your account" step. A sign-in that fails lands on the web app's error page
 * (`/sso/error?reason=…`), which says why and what to do; local login is never affected.
 */
export async function ssoRoutes(app: FastifyInstance, opts: SsoRouteOpts) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { sso, auth } = opts.services;
  const params = z.object({ id: ssoProviderId() });
  const noStore = (reply: FastifyReply) => reply.header('Cache-Control', 'no-store').header('Referrer-Policy', 'no-referrer');

  const errorPage = (request: FastifyRequest, reply: FastifyReply, err: unknown, providerId: string) => {
    const e = AppError.from(err);
    if (e.code === 'internal_error') throw err;
    const reason = (e.details as { reason?: string } | undefined)?.reason ?? (e.code === 'not_found' ? 'unknown_provider' : 'refused');
    // only the reason and the provider travel in the address: the page has its own words for each (a message in
    // the URL would let any link put text on this site's page)
    const q = new URLSearchParams({ reason, provider: providerId });
    request.log.info({ provider: providerId, code: e.code, reason }, e.message);
    return reply.redirect(`/sso/error?${q}`, 303);
  };

  /** Signed in: the new session replaces whatever this browser had (a guest session's access is not carried into an account). */
  const signedIn = async (request: FastifyRequest, reply: FastifyReply, token: string) => {
    if (request.auth.session) await auth.logOut(request.auth.session.id);
    setSessionCookie(reply, opts.cookies, token, { secure: opts.secure, maxAgeMs: opts.sessionTtlMs });
  };

  r.get('/auth/sso/providers', { schema: { tags: ['accounts'], summary: 'The sign-in buttons', querystring: z.object({ returnTo: singleLine().max(2000).optional() }), response: { 200: ssoButtonListSchema } } }, async (request) => ({
    providers: await sso.buttons(request.query.returnTo),
  }));

  r.get(
    '/auth/sso/:id/start',
    {
      schema: { tags: ['accounts'], summary: 'Go to the provider to sign in (a redirect)', params, querystring: z.object({ returnTo: singleLine().max(2000).optional() }) },
      // each start stores a sign-in on its way: enough for an office behind one address, not for filling the table
      config: { rateLimit: { max: 120, timeWindow: 10 * 60_000, errorResponseBuilder: (_req: unknown, ctx: { after: string }) => new AppError('rate_limited', { message: `Too many sign-ins from your network. Try again in ${ctx.after}.` }) } },
    },
    async (request, reply) => {
      noStore(reply);
      try {
        return reply.redirect(await sso.start(request.params.id, { deviceId: request.deviceId, returnTo: request.query.returnTo }), 303);
      } catch (err) {
        return errorPage(request, reply, err, request.params.id);
      }
    },
  );

  r.get('/auth/sso/:id/callback', { schema: { tags: ['accounts'], summary: 'The provider sends the browser back here (the redirect URI)', params } }, async (request, reply) => {
    noStore(reply);
    const query = new URLSearchParams(request.url.split('?')[1] ?? '');
    try {
      const outcome = await sso.callback(request.params.id, query, { deviceId: request.deviceId });
      if (outcome.kind === 'link') return reply.redirect(`/sso/link?link=${encodeURIComponent(outcome.link)}`, 303);
      await signedIn(request, reply, outcome.token);
      return reply.redirect(outcome.returnTo, 303);
    } catch (err) {
      return errorPage(request, reply, err, request.params.id);
    }
  });

  r.get('/auth/sso/link', { schema: { tags: ['accounts'], summary: 'The pending "link your account" step', querystring: z.object({ link: singleLine().max(100) }), response: { 200: ssoLinkInfoSchema } } }, async (request, reply) => {
    noStore(reply);
    return sso.linkInfo(request.query.link, request.deviceId);
  });

  r.post(
    '/auth/sso/link',
    {
      schema: { tags: ['accounts'], summary: 'Prove the local account with its password, and join the provider sign-in to it', body: ssoLinkBody, response: { 200: ssoLinkResponse } },
      config: { rateLimit: { max: 10, timeWindow: 15 * 60_000, errorResponseBuilder: (_req: unknown, ctx: { after: string }) => new AppError('rate_limited', { message: `Too many attempts. Try again in ${ctx.after}.` }) } },
    },
    async (request, reply) => {
      const done = await sso.link(request.body.link, request.body.password, request.deviceId);
      await signedIn(request, reply, done.token);
      return { returnTo: done.returnTo };
    },
  );
}
