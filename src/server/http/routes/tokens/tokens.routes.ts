import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { apiTokenCreateBody, apiTokenCreatedSchema, apiTokenListSchema, apiTokenSchema } from '../../../../contracts/api-tokens.js';
import { idParams } from '../../../../contracts/api.js';
import type { Services } from '../../../runtime.js';
import { presentApiToken } from '../../presenters/api-token.presenter.js';
import { requireUser } from '../../plugins/session.js';

/** An account's personal API tokens (browser only: a token cannot make or revoke tokens). docs/api.md. */
export async function tokenRoutes(app: FastifyInstance, opts: { services: Services }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { apiTokens } = opts.services;
  const tags = ['tokens'];

  r.get('/tokens', { schema: { tags, summary: 'Your API tokens (never the tokens themselves)', response: { 200: apiTokenListSchema } } }, async (request, reply) => {
    reply.header('Cache-Control', 'no-store');
    return { tokens: (await apiTokens.list(requireUser(request))).map(presentApiToken) };
  });

  r.post('/tokens', { schema: { tags, summary: 'Create an API token: the answer holds the token, shown this once', body: apiTokenCreateBody, response: { 201: apiTokenCreatedSchema } } }, async (request, reply) => {
    const made = await apiTokens.create(requireUser(request), request.body);
    reply.header('Cache-Control', 'no-store');
    return reply.code(201).send({ token: presentApiToken(made.token), secret: made.secret });
  });

  r.delete('/tokens/:id', { schema: { tags, summary: 'Revoke an API token (it stops working at once)', params: idParams, response: { 200: z.object({ token: apiTokenSchema }) } } }, async (request) => ({
    token: presentApiToken(await apiTokens.revoke(requireUser(request), request.params.id)),
  }));
}
