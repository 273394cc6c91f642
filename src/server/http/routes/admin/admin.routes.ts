import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { mailNoticeSchema, outboxListSchema } from '../../../../contracts/api.js';
import { singleLine } from '../../../../contracts/text.js';
import type { Services } from '../../../runtime.js';
import { presentMailNotice, presentOutboxMessage } from '../../presenters/outbox.presenter.js';
import { requireAdmin } from '../../plugins/session.js';

export async function adminRoutes(app: FastifyInstance, opts: { services: Services }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { mail } = opts.services;

  r.get(
    '/admin/outbox',
    {
      schema: {
        tags: ['admin'],
        summary: 'Every email the site sent or tried to send (the development outbox)',
        querystring: z.object({ to: singleLine().max(320).optional(), limit: z.coerce.number().int().min(1).max(500).default(100) }),
        response: { 200: outboxListSchema },
      },
    },
    async (request) => {
      requireAdmin(request);
      const rows = await mail.list({ limit: request.query.limit, to: request.query.to });
      const next = await mail.nextTryFor(rows);
      return {
        mode: mail.mode,
        items: rows.map((m) => presentOutboxMessage(m, next.get(m.id) ?? null)),
      };
    },
  );

  r.get(
    '/admin/mail-status',
    { schema: { tags: ['admin'], summary: 'Is email delivery failing, and how many emails wait (every kind, site-wide)', response: { 200: mailNoticeSchema } } },
    async (request) => {
      requireAdmin(request);
      const [health, waiting] = await Promise.all([mail.health(), mail.countWaiting()]);
      return presentMailNotice(health, waiting);
    },
  );
}
