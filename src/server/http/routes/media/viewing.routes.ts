import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { idParams } from '../../../../contracts/api.js';
import { progressBody, viewingListSchema } from '../../../../contracts/pipeline.js';
import type { Services } from '../../../runtime.js';
import { requireUser } from '../../plugins/session.js';

/** The player's progress reports, and per-viewer analytics for the owner. */
export async function viewingRoutes(app: FastifyInstance, opts: { services: Services }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { viewing } = opts.services;

  r.post(
    '/media/:id/progress',
    {
      schema: {
        tags: ['analytics'],
        summary: 'Report playing progress (the player sends this every few seconds and on pause)',
        params: idParams,
        body: progressBody,
        response: { 200: z.object({ percentSeen: z.number(), secondsWatched: z.number() }) },
      },
    },
    async (request) => viewing.report(request.auth, request.params.id, request.body),
  );

  r.get('/media/:id/analytics', { schema: { tags: ['analytics'], summary: 'Per-viewer first and last view, minutes watched, percent seen (owner)', params: idParams, response: { 200: viewingListSchema } } }, async (request) =>
    viewing.forOwner(requireUser(request), request.params.id),
  );
}
