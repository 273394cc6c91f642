import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { fileTypeFromBuffer } from 'file-type';
import { idParams } from '../../../../contracts/api.js';
import { streamKeySchema } from '../../../../contracts/live-video.js';
import { eventCreateBody, eventPageSchema, eventPatchBody, eventReportSchema, recordingBody, speakerParams } from '../../../../contracts/live.js';
import { z } from 'zod';
import type { Storage } from '../../../adapters/storage/storage.js';
import { AppError } from '../../../errors.js';
import type { Services } from '../../../runtime.js';
import { requireUser } from '../../plugins/session.js';
import { presentEventPage } from '../../presenters/event.presenter.js';
import { presentStreamKey } from '../../presenters/stream-key.presenter.js';
import { sendStored } from '../../send-stored.js';

const PHOTO_LIMIT_BYTES = 2 * 1024 * 1024;
const COVER_LIMIT_BYTES = 5 * 1024 * 1024;
const photoTypes = new Set(['image/png', 'image/jpeg', 'image/webp']);

/** One image from a multipart body's "file" field: PNG, JPEG or WebP (judged from its bytes), within the limit. */
async function uploadedImage(request: FastifyRequest, opts: { limitBytes: number; what: string }): Promise<{ bytes: Buffer; mime: string; ext: string }> {
  const mb = `${opts.limitBytes / 1024 / 1024} MB`;
  if (!request.isMultipart()) throw new AppError('validation_failed', { message: `Send the ${opts.what} as multipart/form-data in a field named "file".` });
  const part = await request.file({ limits: { fileSize: opts.limitBytes, files: 1 } });
  if (!part) throw new AppError('validation_failed', { message: `Choose a ${opts.what}.`, details: { file: 'required' } });
  const bytes = await part.toBuffer().catch((err: unknown) => {
    throw new AppError('payload_too_large', { message: `The ${opts.what} is larger than ${mb}.`, details: { limitBytes: opts.limitBytes }, cause: err });
  });
  const type = await fileTypeFromBuffer(bytes);
  if (!type || !photoTypes.has(type.mime)) throw new AppError('unsupported_media', { message: 'Use a PNG, JPEG or WebP image.', details: { detected: type?.mime ?? 'unknown' } });
  return { bytes, mime: type.mime, ext: type.ext };
}

export interface EventRouteOpts {
  services: Services;
  storage: Storage;
  clock: () => number;
}

export async function eventRoutes(app: FastifyInstance, opts: EventRouteOpts) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { liveEvents } = opts.services;
  const page = { 200: eventPageSchema };
  const tags = ['live events'];

  r.post('/events', { schema: { tags, summary: 'Create a live event', body: eventCreateBody, response: { 201: eventPageSchema } } }, async (request, reply) => {
    const view = await liveEvents.create(requireUser(request), request.body);
    return reply.code(201).send(presentEventPage(view, opts.clock()));
  });

  r.get('/events/:id', { schema: { tags, summary: 'The event page: details, phase and the server time for the countdown', params: idParams, response: page } }, async (request, reply) => {
    const view = await liveEvents.viewAs(request.auth, request.params.id);
    reply.header('Cache-Control', 'private, no-store');
    return presentEventPage(view, opts.clock());
  });

  r.patch('/events/:id', { schema: { tags, summary: 'Edit a live event', params: idParams, body: eventPatchBody, response: page } }, async (request) => {
    return presentEventPage(await liveEvents.update(requireUser(request), request.params.id, request.body), opts.clock());
  });

  const { eventReports } = opts.services;
  r.get('/events/:id/report', { schema: { tags, summary: 'The event report: attendance against the invite list, chat and Q&A transcript, poll results (owner, admins, moderators)', params: idParams, response: { 200: eventReportSchema } } }, async (request, reply) => {
    reply.header('Cache-Control', 'no-store');
    return eventReports.report(request.auth, request.params.id);
  });
  const reportPart = z.object({ id: idParams.shape.id, file: z.enum(['attendance.csv', 'transcript.csv', 'polls.csv']) });
  r.get('/events/:id/report/:file', { schema: { tags, summary: 'One part of the event report as CSV: attendance.csv, transcript.csv or polls.csv', params: reportPart } }, async (request, reply) => {
    const part = request.params.file.replace(/\.csv$/, '') as 'attendance' | 'transcript' | 'polls';
    const body = await eventReports.csv(request.auth, request.params.id, part);
    return reply
      .header('Content-Type', 'text/csv; charset=utf-8')
      .header('Cache-Control', 'no-store')
      .header('Content-Disposition', `attachment; filename="event-${part}-${request.params.id}.csv"`)
      .send(body);
  });

  r.post('/events/:id/start', { schema: { tags, summary: 'Open the room now, before the scheduled start', params: idParams, response: page } }, async (request) => {
    return presentEventPage(await liveEvents.startEarly(requireUser(request), request.params.id), opts.clock());
  });

  r.post('/events/:id/end', { schema: { tags, summary: 'Close the room now, before the scheduled end', params: idParams, response: page } }, async (request) => {
    return presentEventPage(await liveEvents.endEarly(requireUser(request), request.params.id), opts.clock());
  });

  r.put('/events/:id/recording', { schema: { tags, summary: 'Attach (or detach, with null) a library video as the recording', params: idParams, body: recordingBody, response: page } }, async (request) => {
    return presentEventPage(await liveEvents.setRecording(requireUser(request), request.params.id, request.body.mediaId), opts.clock());
  });

  // DIY live: the key is a secret shown once, in the POST answer that made it.
  const keySchema = { tags, params: idParams, response: { 200: streamKeySchema } };
  r.get('/events/:id/stream-key', { schema: { ...keySchema, summary: 'DIY live: the RTMP server and when the stream key was made (owners only; the key itself is never shown again)' } }, async (request, reply) => {
    reply.header('Cache-Control', 'private, no-store');
    return presentStreamKey(await opts.services.streamKeys.describe(requireUser(request), request.params.id));
  });

  r.post('/events/:id/stream-key', { schema: { ...keySchema, summary: 'DIY live: make a new stream key (the old one stops working for new publishes); answered this once' } }, async (request, reply) => {
    reply.header('Cache-Control', 'private, no-store');
    return presentStreamKey(await opts.services.streamKeys.regenerate(requireUser(request), request.params.id));
  });

  r.get('/events/:id/calendar.ics', { schema: { tags, summary: 'The event as an iCalendar file ("add to calendar")', params: idParams } }, async (request, reply) => {
    const { fileName, ics } = await liveEvents.calendar(request.auth, request.params.id);
    reply.header('Content-Type', 'text/calendar; charset=utf-8');
    reply.header('Content-Disposition', `attachment; filename="${fileName}"`);
    reply.header('Cache-Control', 'private, no-store');
    return ics;
  });

  r.put(
    '/events/:id/speakers/:speakerId/photo',
    { schema: { tags, summary: 'Upload a speaker photo (PNG, JPEG or WebP, up to 2 MB; multipart field "file")', params: speakerParams, consumes: ['multipart/form-data'], response: page } },
    async (request) => {
      const user = requireUser(request);
      const photo = await uploadedImage(request, { limitBytes: PHOTO_LIMIT_BYTES, what: 'photo' });
      const view = await liveEvents.setSpeakerPhoto(user, request.params.id, request.params.speakerId, photo);
      return presentEventPage(view, opts.clock());
    },
  );

  r.put(
    '/events/:id/cover',
    { schema: { tags, summary: 'Upload the cover image (PNG, JPEG or WebP, up to 5 MB; multipart field "file")', params: idParams, consumes: ['multipart/form-data'], response: page } },
    async (request) => {
      const user = requireUser(request);
      const image = await uploadedImage(request, { limitBytes: COVER_LIMIT_BYTES, what: 'cover image' });
      return presentEventPage(await liveEvents.setCover(user, request.params.id, image), opts.clock());
    },
  );

  r.delete('/events/:id/cover', { schema: { tags, summary: 'Remove the cover image', params: idParams, response: page } }, async (request) => {
    const user = requireUser(request);
    return presentEventPage(await liveEvents.removeCover(user, request.params.id), opts.clock());
  });

  r.get('/events/:id/cover', { schema: { tags, summary: 'The cover image', params: idParams } }, async (request, reply) => {
    const cover = await liveEvents.cover(request.auth, request.params.id);
    reply.header('Cache-Control', 'private, max-age=86400');
    reply.header('Cross-Origin-Resource-Policy', 'same-origin');
    return sendStored(request, reply, { storage: opts.storage, key: cover.key, contentType: cover.mime });
  });

  r.get('/events/:id/speakers/:speakerId/photo', { schema: { tags, summary: 'A speaker photo', params: speakerParams } }, async (request, reply) => {
    const photo = await liveEvents.speakerPhoto(request.auth, request.params.id, request.params.speakerId);
    reply.header('Cache-Control', 'private, max-age=86400');
    reply.header('Cross-Origin-Resource-Policy', 'same-origin');
    return sendStored(request, reply, { storage: opts.storage, key: photo.key, contentType: photo.mime });
  });

  // Progressive file with Range, only while the room is open to this visitor; the player keeps
  // viewers at the live position.
  r.get('/events/:id/source', { schema: { tags, summary: 'The simulive source video, while the room is open (supports Range)', params: idParams } }, async (request, reply) => {
    const source = await liveEvents.simuliveSource(request.auth, request.params.id);
    reply.header('Cache-Control', 'private, no-store');
    reply.header('Content-Disposition', 'inline');
    reply.header('Cross-Origin-Resource-Policy', 'same-origin');
    return sendStored(request, reply, { storage: opts.storage, key: source.storage_key! });
  });
}
