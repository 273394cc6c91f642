import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { healthResponseSchema } from '../../../../contracts/health.js';
import type { HealthService } from '../../../services/health.service.js';

export async function healthRoutes(app: FastifyInstance, opts: { health: HealthService }) {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/health',
    {
      // for load balancers and monitors (and a browser's first call, which brings its cookies): no session looked up
      config: { noSessionLookup: true },
      schema: {
        tags: ['operations'],
        summary: 'Each dependency (database, Redis, storage, mail) with its state; 503 only when this server cannot serve',
        response: { 200: healthResponseSchema, 503: healthResponseSchema },
      },
    },
    async (_request, reply) => {
      const report = await opts.health.check();
      reply.header('Cache-Control', 'no-store');
      return reply.code(report.status === 'down' ? 503 : 200).send(report);
    },
  );
}
