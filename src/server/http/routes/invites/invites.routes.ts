import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { idParams, mailNoticeSchema, okSchema } from '../../../../contracts/api.js';
import { bulkRevokeBody, changeRoleBody, createInvitesBody, createInvitesResponse, inviteLimitsSchema, inviteListSchema, inviteParams, inviteRowSchema, newLinkResponse } from '../../../../contracts/invites.js';
import type { Services } from '../../../runtime.js';
import { invitesCsv, presentInviteRow } from '../../presenters/invite.presenter.js';
import { presentMailNotice } from '../../presenters/outbox.presenter.js';
import { requireUser } from '../../plugins/session.js';

const mediaParams = idParams;

/** "Invite people" and "People with access" for one media item (owner and admins). */
export async function inviteRoutes(app: FastifyInstance, opts: { services: Services }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { invites } = opts.services;
  const tags = ['invites'];

  r.post('/media/:id/invites', { bodyLimit: 4 * 1024 * 1024, schema: { tags, summary: 'Invite one or many people (up to 10,000 per request)', params: mediaParams, body: createInvitesBody, response: { 201: createInvitesResponse } } }, async (request, reply) => {
    const result = await invites.create(requireUser(request), request.params.id, request.body);
    return reply.code(201).send(result);
  });

  r.get('/media/:id/invite-limits', { schema: { tags, summary: 'The link duration and uses an invite gets by default, and the most an owner may choose', params: mediaParams, response: { 200: inviteLimitsSchema } } }, async (request) =>
    invites.limits(requireUser(request), request.params.id),
  );

  r.get('/media/:id/invites', { schema: { tags, summary: 'People with access', params: mediaParams, response: { 200: inviteListSchema } } }, async (request) => ({
    items: (await invites.list(requireUser(request), request.params.id)).map(presentInviteRow),
  }));

  r.get('/media/:id/invites/mail-status', { schema: { tags, summary: 'Is email delivery failing, and how many of these invitations wait to be emailed', params: mediaParams, response: { 200: mailNoticeSchema } } }, async (request) => {
    const { health, waiting } = await invites.mailNotice(requireUser(request), request.params.id);
    return presentMailNotice(health, waiting);
  });

  r.get('/media/:id/invites.csv', { schema: { tags, summary: 'People with access, as CSV', params: mediaParams } }, async (request, reply) => {
    const csv = invitesCsv(await invites.list(requireUser(request), request.params.id));
    return reply
      .header('Content-Type', 'text/csv; charset=utf-8')
      .header('Content-Disposition', `attachment; filename="people-with-access-${request.params.id}.csv"`)
      .send(csv);
  });

  r.post('/media/:id/invites/:inviteId/resend', { schema: { tags, summary: 'Email a fresh link; the old one stops working', params: inviteParams, response: { 200: newLinkResponse } } }, async (request) => {
    const { row } = await invites.resend(requireUser(request), request.params.id, request.params.inviteId);
    return { invite: presentInviteRow(row) };
  });

  r.post('/media/:id/invites/:inviteId/link', { schema: { tags, summary: 'Make a fresh link to copy; the old one stops working', params: inviteParams, response: { 200: newLinkResponse } } }, async (request) => {
    const { row, link } = await invites.copyNewLink(requireUser(request), request.params.id, request.params.inviteId);
    return { invite: presentInviteRow(row), link };
  });

  r.patch('/media/:id/invites/:inviteId', { schema: { tags, summary: 'Change the role', params: inviteParams, body: changeRoleBody, response: { 200: z.object({ invite: inviteRowSchema }) } } }, async (request) => ({
    invite: presentInviteRow(await invites.changeRole(requireUser(request), request.params.id, request.params.inviteId, request.body.role)),
  }));

  r.delete('/media/:id/invites/:inviteId', { schema: { tags, summary: 'Revoke: the link stops working and open sessions end', params: inviteParams, response: { 200: okSchema } } }, async (request) => {
    await invites.revoke(requireUser(request), request.params.id, [request.params.inviteId]);
    return { ok: true as const };
  });

  r.post('/media/:id/invites/revoke', { schema: { tags, summary: 'Revoke several invites', params: mediaParams, body: bulkRevokeBody, response: { 200: z.object({ revoked: z.number() }) } } }, async (request) => ({
    revoked: await invites.revoke(requireUser(request), request.params.id, request.body.ids),
  }));
}
