import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { logInBody, okSchema, sessionInfoSchema, signUpBody, userSchema, verifyEmailBody } from '../../../../contracts/api.js';
import { canonicalEmail } from '../../../domain/email.js';
import { AppError } from '../../../errors.js';
import type { Services } from '../../../runtime.js';
import { presentUser } from '../../presenters/media.presenter.js';
import { presentGuest } from '../../presenters/session.presenter.js';
import { clearSessionCookie, requireUser, setSessionCookie, type CookieNames } from '../../plugins/session.js';

export interface AuthRouteOpts {
  services: Services;
  cookies: CookieNames;
  secure: boolean;
  sessionTtlMs: number;
}

export async function authRoutes(app: FastifyInstance, opts: AuthRouteOpts) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { auth, mail } = opts.services;
  const userResponse = z.object({ user: userSchema });
  const logOutResponse = okSchema.extend({ redirect: z.string().nullable() });

  r.get('/session', { schema: { tags: ['accounts'], summary: 'Who is visiting', response: { 200: sessionInfoSchema } } }, async (request) => {
    const user = request.auth.user;
    return { user: user ? presentUser(user) : null, guest: user ? null : presentGuest(request.auth.guest), mail: { mode: mail.mode } };
  });

  r.post('/auth/signup', { schema: { tags: ['accounts'], summary: 'Create an account', body: signUpBody, response: { 201: userResponse } } }, async (request, reply) => {
    const { user, token } = await auth.signUp({ ...request.body, deviceId: request.deviceId });
    if (request.auth.session) await auth.logOut(request.auth.session.id);
    setSessionCookie(reply, opts.cookies, token, { secure: opts.secure, maxAgeMs: opts.sessionTtlMs });
    return reply.code(201).send({ user: presentUser(user) });
  });

  r.post(
    '/auth/login',
    {
      schema: { tags: ['accounts'], summary: 'Log in', body: logInBody, response: { 200: userResponse } },
      config: {
        rateLimit: {
          max: 8,
          timeWindow: 15 * 60_000,
          // After body parsing: on the default onRequest hook the body is not there yet, so the key
          // lost its email and every login from one address shared one counter.
          hook: 'preHandler',
          keyGenerator: (req: { ip: string; body?: unknown }) => {
            const email = (req.body as { email?: string } | undefined)?.email ?? '';
            return `login:${req.ip}:${canonicalEmail(email) ?? email.toLowerCase()}`;
          },
          errorResponseBuilder: (_req: unknown, ctx: { after: string }) =>
            new AppError('rate_limited', { message: `Too many login attempts. Try again in ${ctx.after}.` }),
        },
      },
    },
    async (request, reply) => {
      const { user, token } = await auth.logIn({ ...request.body, deviceId: request.deviceId });
      if (request.auth.session) await auth.logOut(request.auth.session.id);
      setSessionCookie(reply, opts.cookies, token, { secure: opts.secure, maxAgeMs: opts.sessionTtlMs });
      return { user: presentUser(user) };
    },
  );

  r.post(
    '/auth/logout',
    { schema: { tags: ['accounts'], summary: 'Log out (after an SSO sign-in: `redirect` is the provider\'s end-session address, when it has one)', response: { 200: logOutResponse } } },
    async (request, reply) => {
      // asked before the session ends: which provider it signed in at
      const redirect = await opts.services.sso.endSessionUrl(request.auth);
      if (request.auth.session) await auth.logOut(request.auth.session.id);
      clearSessionCookie(reply, opts.cookies, opts.secure);
      return { ok: true as const, redirect };
    },
  );

  r.post('/auth/verify-email', { schema: { tags: ['accounts'], summary: 'Confirm an email address', body: verifyEmailBody, response: { 200: userResponse } } }, async (request) => {
    const user = await auth.verifyEmail(request.body.token);
    return { user: presentUser(user) };
  });

  r.post('/auth/resend-verification', { schema: { tags: ['accounts'], summary: 'Send the confirmation email again', response: { 200: okSchema } } }, async (request) => {
    await auth.resendVerification(requireUser(request));
    return { ok: true as const };
  });
}
