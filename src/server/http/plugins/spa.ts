import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../../errors.js';

/** Serves the built React app: hashed assets cached for a year, index.html for every page address. */
export async function registerSpa(app: FastifyInstance, webRoot: string): Promise<void> {
  await app.register(fastifyStatic, {
    root: webRoot,
    prefix: '/',
    wildcard: false,
    index: false,
    setHeaders: (reply, filePath) => {
      reply.header('Cache-Control', filePath.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  const sendIndex = (reply: import('fastify').FastifyReply) => {
    reply.header('Cache-Control', 'no-cache');
    return reply.sendFile('index.html', webRoot);
  };
  // Page addresses the React router owns. /api and /i are the server's.
  app.get('/', (_req, reply) => sendIndex(reply));
  app.get('/*', { schema: { hide: true } }, (request, reply) => {
    const url = request.url.split('?')[0];
    if (url.startsWith('/api/') || url.startsWith('/assets/') || url.startsWith('/i/')) {
      const err = new AppError('not_found', { message: `No such address: ${url}` });
      return reply.code(err.status).send(err.toWire());
    }
    return sendIndex(reply);
  });
}
