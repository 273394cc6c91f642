import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../../errors.js';

type Encoding = 'br' | 'gzip' | 'identity';
interface IndexPage {
  /** The file's modification time and size when read: a new build is picked up within a second. */
  stamp: string;
  etag: string;
  bodies: Partial<Record<Encoding, Buffer>>;
}

/**
 * index.html (and the .br/.gz copies the build wrote beside it) held in memory: every page address
 * and every invite landing answers with it, so it is not opened, stat'ed and streamed from disk per
 * request. A rebuild is seen within a second (the file is stat'ed at most once a second).
 */
function indexPage(webRoot: string, clock: () => number = Date.now) {
  const file = path.join(webRoot, 'index.html');
  let page: IndexPage | undefined;
  let checkedAt = -Infinity;
  const read = (f: string) => {
    try {
      return readFileSync(f);
    } catch {
      return undefined;
    }
  };
  return (): IndexPage | undefined => {
    const now = clock();
    if (page && now - checkedAt < 1000) return page;
    checkedAt = now;
    let stamp: string;
    try {
      const st = statSync(file);
      stamp = `${st.mtimeMs}-${st.size}`;
    } catch {
      page = undefined;
      return undefined;
    }
    if (page?.stamp === stamp) return page;
    const identity = read(file);
    if (!identity) return undefined;
    page = {
      stamp,
      etag: `"${createHash('sha256').update(identity).digest('base64url').slice(0, 27)}"`,
      bodies: { identity, br: read(`${file}.br`), gzip: read(`${file}.gz`) },
    };
    return page;
  };
}

/** The best copy the browser accepts (`q=0` refuses one), Brotli first. */
function negotiate(request: FastifyRequest, page: IndexPage): Encoding {
  const header = String(request.headers['accept-encoding'] ?? '').toLowerCase();
  if (!header) return 'identity';
  const accepted = new Set<string>();
  for (const part of header.split(',')) {
    const [name, ...params] = part.trim().split(';');
    const q = params.map((x) => x.trim()).find((x) => x.startsWith('q='));
    if (q && Number(q.slice(2)) === 0) continue;
    accepted.add(name!.trim());
  }
  if (page.bodies.br && (accepted.has('br') || accepted.has('*'))) return 'br';
  if (page.bodies.gzip && (accepted.has('gzip') || accepted.has('*'))) return 'gzip';
  return 'identity';
}

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
    const index = indexPage(webRoot);
    const sendIndex = (request: FastifyRequest, reply: FastifyReply, url = '/') => {
      reply.header('Cache-Control', 'no-cache');
      // Where invite links land: the browser fetches the lobby's answer while the scripts download
      // (the page's own GET /api/lobby then uses it), instead of after the app has started.
      if (url === '/lobby') reply.header('Link', '</api/lobby?outcome=body>; rel=preload; as=fetch; crossorigin');
      const page = index();
      if (!page) return reply.sendFile('index.html', webRoot);
      reply.header('Vary', 'accept-encoding').header('ETag', page.etag).type('text/html; charset=utf-8');
      if (request.headers['if-none-match']?.split(',').some((t) => t.trim().replace(/^W\//, '') === page.etag)) return reply.code(304).send();
      const encoding = negotiate(request, page);
      if (encoding !== 'identity') reply.header('Content-Encoding', encoding);
      return reply.send(page.bodies[encoding]);
    };
    // Page addresses the React router owns. /api and /i are the server's.
    spa.get('/', (request, reply) => sendIndex(request, reply));
    spa.get('/*', { schema: { hide: true } }, (request, reply) => {
      const url = request.url.split('?')[0];
      if (url.startsWith('/api/') || url.startsWith('/assets/') || url.startsWith('/i/')) {
        const err = new AppError('not_found', { message: `No such address: ${url}` });
        return reply.code(err.status).send(err.toWire());
      }
      return sendIndex(request, reply, url);
    });
  });
}
