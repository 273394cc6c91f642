import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { idParams, idText } from '../../../../contracts/api.js';
import { livePlaybackSchema } from '../../../../contracts/live-video.js';
import { singleLine } from '../../../../contracts/text.js';
import { LOW_RENDITION_DIR } from '../../../domain/live-playlist.js';
import type { Storage } from '../../../adapters/storage/storage.js';
import type { LiveDeliveryService } from '../../../services/live-video/live-delivery.service.js';
import { sendStored } from '../../send-stored.js';

interface LiveParams {
  id: string;
  who: string;
  exp: string;
  sig: string;
  file: string;
}

/**
 * Live video for viewers: the signed playlist for this visitor (`/api/events/:id/live`), and the live
 * playlists and segments behind signed URLs (`/api/live/...`), which read no cookie and query no
 * database (services/live-video/live-delivery.service.ts).
 */
export async function liveRoutes(app: FastifyInstance, opts: { live: LiveDeliveryService; storage: Storage; clock: () => number }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/events/:id/live',
    { schema: { tags: ['live events'], summary: 'This visitor’s signed live playlist and whether they may broadcast', params: idParams, response: { 200: livePlaybackSchema } } },
    async (request, reply) => {
      reply.header('Cache-Control', 'private, no-store');
      return opts.live.playback(request.auth, request.params.id);
    },
  );

  const serve = async (request: FastifyRequest<{ Params: LiveParams; Querystring: Record<string, unknown> }>, reply: FastifyReply, low = false) => {
    const p = request.params;
    const file = opts.live.check({ mediaId: p.id, who: p.who, expires: p.exp, signature: p.sig, file: p.file, query: request.query, low });
    reply.header('Cross-Origin-Resource-Policy', 'same-origin');
    if (file.kind === 'master' || file.kind === 'media') {
      const body = file.kind === 'master' ? await opts.live.master(p.id) : await opts.live.mediaPlaylist(p.id, file.blockMsn, file.low);
      // playlists change every second; every request goes through the revocation check
      return reply.header('Cache-Control', 'no-cache, no-store').type('application/vnd.apple.mpegurl').send(body);
    }
    const remaining = Math.max(0, Number(p.exp) - Math.floor(opts.clock() / 1000));
    // a segment never changes: cacheable for as long as its URL lives
    reply.header('Cache-Control', `private, max-age=${Math.min(remaining, 3600)}, immutable`);
    const seg = opts.live.segment(p.id, file.msn, file.low);
    if (seg.bytes && !request.headers.range) {
      reply.header('Content-Type', 'video/mp2t').header('Accept-Ranges', 'bytes');
      return reply.send(request.method === 'HEAD' ? undefined : seg.bytes);
    }
    return sendStored(request, reply, { storage: opts.storage, key: seg.key, contentType: 'video/mp2t' });
  };
  app.get(
    '/live/:id/:who/:exp/:sig/:file',
    {
      config: { sessionless: true },
      schema: {
        hide: true,
        params: z.object({ id: idText(), who: singleLine(), exp: singleLine(), sig: singleLine(), file: singleLine() }),
        querystring: z.object({ _HLS_msn: singleLine().optional(), _HLS_part: singleLine().optional(), _HLS_skip: singleLine().optional() }),
      },
    },
    (request, reply) => serve(request as FastifyRequest<{ Params: LiveParams; Querystring: Record<string, unknown> }>, reply),
  );
  // the lower rendition (480p), when the stream has one: the same grant, one folder down
  app.get(
    `/live/:id/:who/:exp/:sig/${LOW_RENDITION_DIR}/:file`,
    {
      config: { sessionless: true },
      schema: {
        hide: true,
        params: z.object({ id: idText(), who: singleLine(), exp: singleLine(), sig: singleLine(), file: singleLine() }),
        querystring: z.object({ _HLS_msn: singleLine().optional(), _HLS_part: singleLine().optional(), _HLS_skip: singleLine().optional() }),
      },
    },
    (request, reply) => serve(request as FastifyRequest<{ Params: LiveParams; Querystring: Record<string, unknown> }>, reply, true),
  );
}
