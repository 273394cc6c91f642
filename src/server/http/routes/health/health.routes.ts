import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { pingDatabase } from '../../../db/database.js';
import type { DB } from '../../../db/schema.js';

export async function healthRoutes(app: FastifyInstance, opts: { db: Kysely<DB>; dialect: string }) {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/health',
    {
      schema: {
        tags: ['operations'],
        summary: 'Liveness and database check',
        response: { 200: z.object({ status: z.literal('ok'), database: z.string() }), 503: z.object({ status: z.literal('unavailable'), database: z.string() }) },
      },
    },
    async (_request, reply) => {
      try {
        await pingDatabase(opts.db);
        return { status: 'ok' as const, database: opts.dialect };
      } catch {
        return reply.code(503).send({ status: 'unavailable' as const, database: opts.dialect });
      }
    },
  );
}
