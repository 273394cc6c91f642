import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { z } from 'zod';
import { singleLine } from '../../../../contracts/text.js';
import type { UploadStore } from '../../../adapters/storage/upload-store.js';
import type { MediaService } from '../../../services/media.service.js';
import type { QuotaService } from '../../../services/quota.service.js';
import { requireConfirmedUser } from '../../plugins/session.js';
import { TusHandler } from './tus-handler.js';

export interface UploadRouteOpts {
  media: MediaService;
  quotas: QuotaService;
  store: UploadStore;
  limitBytes: number;
  logger: Logger;
}

/**
 * The tus endpoint. Session and CSRF checks run first as on every route (tus clients send the
 * X-CSRF-Token header through their `headers` option); the tus server then answers on the raw response.
 */
export async function uploadsRoutes(app: FastifyInstance, opts: UploadRouteOpts) {
  const tus = new TusHandler({ media: opts.media, quotas: opts.quotas, store: opts.store, limitBytes: opts.limitBytes, logger: opts.logger, path: `${app.prefix}/uploads` });
  app.addHook('onClose', async () => tus.close());

  // PATCH bodies are streamed to disk by the tus server: Fastify must not read them.
  app.addContentTypeParser('application/offset+octet-stream', (_request, _payload, done) => done(null));

  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const user = requireConfirmedUser(request);
    reply.hijack();
    // Keep the headers hooks already set (security headers, cookies) on the response tus writes.
    for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined) reply.raw.setHeader(name, value as string);
    await tus.handle(user, request.raw, reply.raw);
  };
  const methods = ['POST', 'HEAD', 'PATCH', 'DELETE', 'OPTIONS'] as const;
  const schema = { tags: ['media'], summary: 'Resumable upload (tus 1.0): POST to create, PATCH to send bytes, HEAD to find the offset', hide: false };
  app.route({ method: [...methods], url: '/uploads', schema, handler });
  app.route({ method: [...methods], url: '/uploads/:uploadId', schema: { ...schema, hide: true, params: z.object({ uploadId: singleLine().min(1).max(200) }) }, handler });
}
