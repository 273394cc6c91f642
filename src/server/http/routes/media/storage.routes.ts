import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { idText } from '../../../../contracts/api.js';
import { accountQuotaBody, accountStorageSchema, storageSchema } from '../../../../contracts/quotas.js';
import type { Services } from '../../../runtime.js';
import { requireAdmin, requireUser } from '../../plugins/session.js';

/** Storage quotas (docs/decisions.md, "Storage quotas"): an account's own use, and an admin's override. */
export async function storageRoutes(app: FastifyInstance, opts: { services: Services }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { quotas, audit } = opts.services;

  r.get('/storage', { schema: { tags: ['media'], summary: 'How much storage my media use, and my limit', response: { 200: storageSchema } } }, async (request) => {
    const user = requireUser(request);
    return quotas.storageOf(user.id);
  });

  r.put(
    '/admin/users/:userId/quota',
    {
      schema: {
        tags: ['admin'],
        summary: "Set an account's storage quota: \"default\" (the site's), \"unlimited\", or bytes",
        params: z.object({ userId: idText() }),
        body: accountQuotaBody,
        response: { 200: accountStorageSchema },
      },
    },
    async (request) => {
      const admin = requireAdmin(request);
      const { storage, change } = await quotas.setAccountQuota(request.params.userId, request.body.quota);
      await audit.record({ action: 'user.quota_changed', actor: { kind: 'user', id: admin.id, label: admin.email }, details: change });
      return storage;
    },
  );
}
