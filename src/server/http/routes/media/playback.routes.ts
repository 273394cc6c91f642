import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { idParams, idText, okSchema } from '../../../../contracts/api.js';
import { blockDownloadBody, captionQuery, captionSchema, playbackSchema } from '../../../../contracts/pipeline.js';
import { CAPTION_LIMIT_BYTES } from '../../../services/captions.service.js';
import { presentPlayback } from '../../presenters/playback.presenter.js';
import type { Services } from '../../../runtime.js';
import { requireUser } from '../../plugins/session.js';

/** Playback URLs (after the access check), captions, download blocking and re-processing. */
export async function playbackRoutes(app: FastifyInstance, opts: { services: Services }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { delivery, captions, media, transcode } = opts.services;

  app.addContentTypeParser(['text/vtt', 'text/plain'], { parseAs: 'string', bodyLimit: CAPTION_LIMIT_BYTES }, (_req, body, done) => done(null, body));

  r.get(
    '/media/:id/playback',
    { schema: { tags: ['media'], summary: 'Signed, short-lived URLs to play or view the media (re-checks access each time)', params: idParams, response: { 200: playbackSchema } } },
    async (request, reply) => {
      reply.header('Cache-Control', 'private, no-store');
      return presentPlayback(await delivery.playback(request.auth, request.params.id));
    },
  );

  r.put(
    '/media/:id/block-download',
    { schema: { tags: ['media'], summary: 'Turn viewers’ downloads of the original off or on', params: idParams, body: blockDownloadBody, response: { 200: okSchema } } },
    async (request) => {
      await media.setBlockDownload(requireUser(request), request.params.id, request.body.blockDownload);
      return { ok: true as const };
    },
  );

  r.post(
    '/media/:id/reprocess',
    { schema: { tags: ['media'], summary: 'Process a video or audio upload again', params: idParams, response: { 202: okSchema } } },
    async (request, reply) => {
      await transcode.reprocess(requireUser(request), request.params.id);
      return reply.code(202).send({ ok: true as const });
    },
  );

  r.post(
    '/media/:id/captions',
    {
      schema: {
        tags: ['media'],
        summary: 'Add a WebVTT caption track (body: the .vtt file, Content-Type text/vtt)',
        params: idParams,
        querystring: captionQuery,
        response: { 201: z.object({ caption: captionSchema.omit({ url: true }) }) },
      },
    },
    async (request, reply) => {
      const text = typeof request.body === 'string' ? request.body : '';
      const c = await captions.add(requireUser(request), request.params.id, { ...request.query, text });
      return reply.code(201).send({ caption: { id: c.id, lang: c.lang, label: c.label } });
    },
  );

  r.delete(
    '/media/:id/captions/:captionId',
    { schema: { tags: ['media'], summary: 'Remove a caption track', params: idParams.extend({ captionId: idText() }), response: { 200: okSchema } } },
    async (request) => {
      await captions.remove(requireUser(request), request.params.id, request.params.captionId);
      return { ok: true as const };
    },
  );
}
