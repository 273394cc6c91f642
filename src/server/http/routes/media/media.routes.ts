import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { idParams, mediaListSchema, mediaPatchBody, mediaSchema, okSchema } from '../../../../contracts/api.js';
import { fileNameText } from '../../../../contracts/text.js';
import { iso } from '../../../domain/time.js';
import { AppError } from '../../../errors.js';
import type { Services } from '../../../runtime.js';
import { eventCoverUrl } from '../../presenters/event.presenter.js';
import { presentMedia } from '../../presenters/media.presenter.js';
import { requireConfirmedUser, requireUser } from '../../plugins/session.js';

const uploadName = fileNameText();

export async function mediaRoutes(app: FastifyInstance, opts: { services: Services; uploadLimitBytes: number }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { media, access, delivery, liveEvents } = opts.services;

  r.get('/media', { schema: { tags: ['media'], summary: 'My media library', response: { 200: mediaListSchema } } }, async (request) => {
    const user = requireUser(request);
    const items = await media.list(user);
    const [owners, events] = await Promise.all([media.owners(items), liveEvents.cards(items)]);
    return {
      items: items.map((m) => {
        const e = events.get(m.id);
        return presentMedia(m, owners.get(m.owner_id)!, true, {
          // a live event's card shows its cover image
          posterUrl: e ? eventCoverUrl(m.id, e.coverKey) : delivery.libraryPoster(m),
          event: e ? { startsAt: iso(e.startsAt), endsAt: iso(e.endsAt), timeZone: e.timeZone, phase: e.phase } : null,
        });
      }),
    };
  });

  r.post(
    '/media',
    {
      schema: {
        tags: ['media'],
        summary: 'Upload a video, audio file or PDF (multipart/form-data, field "file")',
        consumes: ['multipart/form-data'],
        response: { 201: z.object({ media: mediaSchema }) },
      },
    },
    async (request, reply) => {
      const user = requireConfirmedUser(request);
      if (!request.isMultipart()) throw new AppError('validation_failed', { message: 'Send the file as multipart/form-data in a field named "file".' });
      const part = await request.file({ limits: { fileSize: opts.uploadLimitBytes, files: 1 } });
      if (!part) throw new AppError('validation_failed', { message: 'Choose a file to upload.', details: { file: 'required' } });
      const created = await media.upload(user, {
        stream: part.file,
        fileName: uploadName.parse(part.filename ?? ''),
        isTruncated: () => part.file.truncated,
        limitBytes: opts.uploadLimitBytes,
      });
      return reply.code(201).send({ media: presentMedia(created, { id: user.id, name: user.name }, true) });
    },
  );

  r.get('/media/:id', { schema: { tags: ['media'], summary: 'One media item', params: idParams, response: { 200: z.object({ media: mediaSchema, role: z.string() }) } } }, async (request) => {
    const grant = await access.view(request.auth, request.params.id);
    const owners = await media.owners([grant.media]);
    return { media: presentMedia(grant.media, owners.get(grant.media.owner_id)!, grant.canManage), role: grant.role };
  });

  r.patch('/media/:id', { schema: { tags: ['media'], summary: 'Edit title and description', params: idParams, body: mediaPatchBody, response: { 200: z.object({ media: mediaSchema }) } } }, async (request) => {
    const user = requireUser(request);
    const updated = await media.update(user, request.params.id, request.body);
    const owners = await media.owners([updated]);
    return { media: presentMedia(updated, owners.get(updated.owner_id)!, true) };
  });

  r.delete('/media/:id', { schema: { tags: ['media'], summary: 'Delete media, its file and every invite to it', params: idParams, response: { 200: okSchema } } }, async (request) => {
    await media.delete(requireUser(request), request.params.id);
    return { ok: true as const };
  });
}
