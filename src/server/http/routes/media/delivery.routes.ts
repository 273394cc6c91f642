import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { idText } from '../../../../contracts/api.js';
import { fileNameText, singleLine } from '../../../../contracts/text.js';
import type { Storage } from '../../../adapters/storage/storage.js';
import type { DeliveryService, Scope } from '../../../services/delivery.service.js';
import { contentTypeOf, sendStored } from '../../send-stored.js';

/** The longest a presigned redirect target lives (MEDIA_DELIVERY=redirect): the browser follows it at once. */
const PRESIGN_MAX_SECONDS = 300;

interface SignedParams {
  id: string;
  exp: string;
  sig: string;
  '*'?: string;
  name?: string;
}

/**
 * Media bytes behind signed URLs (see domain/signed-url.ts). These routes read no cookie and query no
 * database: the signature is the grant. HEAD and Range work (hls.js and pdf.js use them).
 */
export async function deliveryRoutes(app: FastifyInstance, opts: { delivery: DeliveryService; storage: Storage; clock: () => number; redirect?: boolean }) {
  const presign = opts.redirect ? opts.storage.presignGet?.bind(opts.storage) : undefined;
  const serve = (scope: Scope) => async (request: FastifyRequest<{ Params: SignedParams; Querystring: { filename?: string } }>, reply: FastifyReply) => {
    const p = request.params;
    const key = opts.delivery.check({ scope, mediaId: p.id, expires: p.exp, signature: p.sig, rest: (scope === 'stream' ? p['*'] : p.name) ?? '' });
    const remaining = Math.max(0, Number(p.exp) - Math.floor(opts.clock() / 1000));
    // The URL itself expires, so a cached copy may live as long as the URL does, and no longer.
    const disposition = scope === 'download' ? attachment(request.query.filename, p.name!) : 'inline';
    // Playlists stay here: the relative URIs inside them must resolve to signed Foyer URLs.
    if (presign && !key.endsWith('.m3u8')) {
      const lifetime = Math.max(1, Math.min(remaining, PRESIGN_MAX_SECONDS));
      const target = await presign(key, { expiresInSeconds: lifetime, contentType: contentTypeOf(key), contentDisposition: disposition, cacheControl: `private, max-age=${lifetime}` });
      // the redirect itself is not cached: its target expires sooner than the signed URL
      reply.header('Cache-Control', 'no-store');
      return reply.redirect(target, 302);
    }
    reply.header('Cache-Control', `private, max-age=${remaining}`);
    reply.header('Cross-Origin-Resource-Policy', 'same-origin');
    reply.header('Content-Disposition', disposition);
    return sendStored(request, reply, { storage: opts.storage, key });
  };
  const config = { sessionless: true };
  // Path parts are text like any other (contracts/text.ts); `?filename=` names a download, cleaned like an upload's name.
  const querystring = z.object({ filename: fileNameText(150).optional() });
  const signed = { id: idText(), exp: singleLine(), sig: singleLine() };
  app.get('/media/:id/stream/:exp/:sig/*', { config, schema: { hide: true, querystring, params: z.object({ ...signed, '*': singleLine() }) } }, serve('stream'));
  app.get('/media/:id/file/:exp/:sig/:name', { config, schema: { hide: true, querystring, params: z.object({ ...signed, name: singleLine() }) } }, serve('file'));
  app.get('/media/:id/download/:exp/:sig/:name', { config, schema: { hide: true, querystring, params: z.object({ ...signed, name: singleLine() }) } }, serve('download'));
}

/** RFC 6266 attachment with a safe ASCII fallback and the UTF-8 name (`requested` comes cleaned by the schema). */
function attachment(requested: string | undefined, fallback: string): string {
  const name = (requested ?? '').replace(/["\\/]/g, '').trim() || fallback;
  const ascii = name.replace(/[^\x20-\x7e]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}
