import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { AppError } from '../../errors.js';

/**
 * Serves the built React app (docs/operations.md, "Static files"):
 * - hashed files under /assets/ cached for a year as immutable; index.html (every page address)
 *   revalidated on each load, so a release is seen at once;
 * - the Brotli or gzip copy that `npm run build:web` wrote next to each file (scripts/compress-web.mjs),
 *   chosen by Accept-Encoding, `Vary: accept-encoding` always;
 * - no session: these routes are `sessionless` (session plugin), so no cookie is read or set and no
 *   session looked up — shared caches and CDNs may keep the files. The CSRF and device cookies come
 *   with the first /api/* or /i/* answer (the web app asks GET /api/session first).
 */
export async function registerSpa(app: FastifyInstance, webRoot: string): Promise<void> {
  await app.register(async (spa) => {
    spa.addHook('onRoute', (route) => {
      route.config = { ...route.config, sessionless: true };
    });
    await spa.register(fastifyStatic, {
      root: webRoot,
      prefix: '/',
      wildcard: false,
      index: false,
      preCompressed: true,
      // The .br/.gz copies are sent in place of their file, never at their own address.
      globIgnore: ['**/*.br', '**/*.gz'],
      setHeaders: (reply, filePath) => {
        reply.header('Cache-Control', filePath.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
    const sendIndex = (reply: FastifyReply, url = '/') => {
      reply.header('Cache-Control', 'no-cache');
      // Where invite links land: the browser fetches the lobby's answer while the scripts download
      // (the page's own GET /api/lobby then uses it), instead of after the app has started.
      if (url === '/lobby') reply.header('Link', '</api/lobby?outcome=body>; rel=preload; as=fetch; crossorigin');
      return reply.sendFile('index.html', webRoot);
    };
    // Page addresses the React router owns. /api and /i are the server's.
    spa.get('/', (_req, reply) => sendIndex(reply));
    spa.get('/*', { schema: { hide: true } }, (request, reply) => {
      const url = request.url.split('?')[0];
      if (url.startsWith('/api/') || url.startsWith('/assets/') || url.startsWith('/i/')) {
        const err = new AppError('not_found', { message: `No such address: ${url}` });
        return reply.code(err.status).send(err.toWire());
      }
      return sendIndex(reply, url);
    });
  });
}
