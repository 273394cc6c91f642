import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { okSchema } from '../../../../contracts/api.js';
import { ssoProviderCreateBody, ssoProviderId, ssoProviderListSchema, ssoProviderPatchBody, ssoProviderSchema } from '../../../../contracts/sso.js';
import type { Services } from '../../../runtime.js';
import { presentSsoProvider } from '../../presenters/sso.presenter.js';
import { requireAdmin } from '../../plugins/session.js';

/** The site's SSO providers (admin, browser only: not in http/api-scopes.ts). */
export async function ssoProviderRoutes(app: FastifyInstance, opts: { services: Services }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { sso, audit } = opts.services;
  const one = z.object({ provider: ssoProviderSchema });
  const params = z.object({ id: ssoProviderId() });
  const present = (p: Parameters<typeof presentSsoProvider>[0]) => presentSsoProvider(p, sso.redirectUri(p.id));

  r.get('/admin/sso-providers', { schema: { tags: ['admin'], summary: 'SSO providers (client secrets by their last 4 characters)', response: { 200: ssoProviderListSchema } } }, async (request) => {
    requireAdmin(request);
    return { providers: (await sso.listProviders()).map(present) };
  });

  r.post('/admin/sso-providers', { schema: { tags: ['admin'], summary: 'Add an SSO provider', body: ssoProviderCreateBody, response: { 201: one } } }, async (request, reply) => {
    const admin = requireAdmin(request);
    const { id, ...input } = request.body;
    const provider = await sso.createProvider(id, input);
    await audit.record({ action: 'settings.changed', actor: { kind: 'user', id: admin.id, label: admin.email }, details: { changed: [`SSO provider “${id}” added`] } });
    return reply.code(201).send({ provider: present(provider) });
  });

  r.patch('/admin/sso-providers/:id', { schema: { tags: ['admin'], summary: 'Change an SSO provider (no clientSecret: keep it)', params, body: ssoProviderPatchBody, response: { 200: one } } }, async (request) => {
    const admin = requireAdmin(request);
    const provider = await sso.updateProvider(request.params.id, request.body);
    await audit.record({ action: 'settings.changed', actor: { kind: 'user', id: admin.id, label: admin.email }, details: { changed: [`SSO provider “${request.params.id}” (${Object.keys(request.body).filter((k) => k !== 'clientSecret' || request.body.clientSecret).join(', ')})`] } });
    return { provider: present(provider) };
  });

  r.delete('/admin/sso-providers/:id', { schema: { tags: ['admin'], summary: 'Remove an SSO provider', params, response: { 200: okSchema } } }, async (request) => {
    const admin = requireAdmin(request);
    const { sessionsEnded } = await sso.deleteProvider(request.params.id);
    await audit.record({ action: 'settings.changed', actor: { kind: 'user', id: admin.id, label: admin.email }, details: { changed: [`SSO provider “${request.params.id}” removed (${sessionsEnded} signed-in ${sessionsEnded === 1 ? 'session' : 'sessions'} ended)`] } });
    return { ok: true as const };
  });
}
