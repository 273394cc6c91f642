import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { okSchema } from '../../../../contracts/api.js';
import { lobbyEnterBody, lobbyEnterResponse, lobbyInfoSchema, lobbyNewLinkBody } from '../../../../contracts/invites.js';
import { singleLine } from '../../../../contracts/text.js';
import { hashToken } from '../../../domain/tokens.js';
import { AppError } from '../../../errors.js';
import type { Services } from '../../../runtime.js';
import { setSessionCookie, type CookieNames } from '../../plugins/session.js';

const INVITE_COOKIE_S = 60 * 60;

/**
 * Per network address and link: each link also locks itself after the lobby-attempts setting, so this
 * only slows down hammering (codes, scripted guesses) from one address.
 */
const lobbyRateLimit = (inviteCookie: string) => ({
  max: 30,
  timeWindow: 10 * 60_000,
  keyGenerator: (req: { ip: string; cookies: Record<string, string | undefined> }) => `lobby:${req.ip}:${hashToken(req.cookies[inviteCookie] ?? '')}`,
  errorResponseBuilder: (_req: unknown, ctx: { after: string }) =>
    new AppError('rate_limited', { message: `Too many tries from your network. Try again in ${ctx.after}.` }),
});

/** The link itself (/i/<token>) and the lobby API behind the lobby page. */
export async function lobbyRoutes(app: FastifyInstance, opts: { services: Services; cookies: CookieNames; secure: boolean }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { lobby } = opts.services;
  const noStore = (reply: FastifyReply) => reply.header('Cache-Control', 'no-store').header('Referrer-Policy', 'no-referrer');
  const visitor = (request: { auth: Parameters<typeof lobby.info>[1]['auth']; deviceId: string }) => ({ auth: request.auth, deviceId: request.deviceId });
  const tokenOf = (request: { cookies: Record<string, string | undefined> }) => request.cookies[opts.cookies.invite];

  // Opening the link changes nothing (mail scanners open links first): the token moves from the address bar into a
  // short-lived HttpOnly cookie, and the browser goes on to the lobby page.
  const openLink = async (request: { params: { token: string } }, reply: FastifyReply) => {
    noStore(reply);
    reply.setCookie(opts.cookies.invite, request.params.token, { path: '/', httpOnly: true, sameSite: 'lax', secure: opts.secure, maxAge: INVITE_COOKIE_S });
    return reply.redirect('/lobby', 303);
  };
  // Fastify answers HEAD with the same handler (exposeHeadRoutes).
  r.get('/i/:token', { schema: { hide: true, params: z.object({ token: singleLine().max(200) }) } }, openLink);

  await app.register(
    async (api) => {
      const a = api.withTypeProvider<ZodTypeProvider>();
      a.addHook('onSend', async (_req, reply) => {
        noStore(reply);
      });

      a.get('/lobby', { schema: { tags: ['lobby'], summary: 'What the invite in this browser is for', response: { 200: lobbyInfoSchema } } }, async (request) =>
        lobby.info(tokenOf(request), visitor(request)),
      );

      a.post(
        '/lobby/enter',
        { config: { rateLimit: lobbyRateLimit(opts.cookies.invite) }, schema: { tags: ['lobby'], summary: 'Check the email (and code) and use the link', body: lobbyEnterBody, response: { 200: lobbyEnterResponse } } },
        async (request, reply) => {
          const result = await lobby.enter(tokenOf(request), request.body, visitor(request));
          if ('next' in result) return result;
          setSessionCookie(reply, opts.cookies, result.sessionToken, { secure: opts.secure, maxAgeMs: result.sessionTtlMs });
          reply.clearCookie(opts.cookies.invite, { path: '/', httpOnly: true, sameSite: 'lax', secure: opts.secure });
          return result.response;
        },
      );

      a.post(
        '/lobby/new-link',
        { config: { rateLimit: lobbyRateLimit(opts.cookies.invite) }, schema: { tags: ['lobby'], summary: 'Email a new link to the invited address', body: lobbyNewLinkBody, response: { 200: okSchema } } },
        async (request) => {
          await lobby.requestNewLink(tokenOf(request), request.body.email, visitor(request));
          return { ok: true as const };
        },
      );
    },
    { prefix: '/api' },
  );
}
