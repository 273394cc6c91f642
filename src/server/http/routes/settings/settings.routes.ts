import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { auditListSchema, auditQuery, siteSettingsPatch, siteSettingsSchema } from '../../../../contracts/invites.js';
import type { AuditEntry } from '../../../db/schema.js';
import { AppError } from '../../../errors.js';
import type { Services } from '../../../services/index.js';
import { iso } from '../../presenters.js';
import { requireAdmin, requireUser } from '../../plugins/session.js';

/** Site settings (admin) and the audit log (admin: all; owners: their media). */
export async function settingsRoutes(app: FastifyInstance, opts: { services: Services }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { settings, audit, media } = opts.services;

  r.get('/admin/settings', { schema: { tags: ['admin'], summary: 'Site settings', response: { 200: z.object({ settings: siteSettingsSchema }) } } }, async (request) => {
    requireAdmin(request);
    return { settings: await settings.get() };
  });

  r.patch('/admin/settings', { schema: { tags: ['admin'], summary: 'Change site settings', body: siteSettingsPatch, response: { 200: z.object({ settings: siteSettingsSchema }) } } }, async (request) => {
    const admin = requireAdmin(request);
    const next = await settings.update(request.body, admin.id);
    await audit.record({ action: 'settings.changed', actor: { kind: 'user', id: admin.id, label: admin.email }, details: { changed: Object.keys(request.body) } });
    return { settings: next };
  });

  const present = async (rows: AuditEntry[]) => {
    const titles = new Map<string, string>();
    for (const id of new Set(rows.map((r) => r.media_id).filter((x): x is string => !!x))) {
      titles.set(id, (await media.repo.findAnyById(id))?.title ?? '');
    }
    return rows.map((e) => ({
      id: e.id,
      at: iso(e.at),
      action: e.action,
      actor: { kind: e.actor_kind, id: e.actor_id, label: e.actor_label },
      mediaId: e.media_id,
      mediaTitle: e.media_id ? (titles.get(e.media_id) ?? null) : null,
      inviteId: e.invite_id,
      details: e.details_json ? (JSON.parse(e.details_json) as Record<string, unknown>) : null,
    }));
  };
  const range = (q: { from?: string; to?: string }) => ({ from: q.from ? Date.parse(q.from) : undefined, to: q.to ? Date.parse(q.to) : undefined });

  r.get('/admin/audit', { schema: { tags: ['admin'], summary: 'Audit log (filters: action, media, invite, time)', querystring: auditQuery, response: { 200: auditListSchema } } }, async (request) => {
    requireAdmin(request);
    const q = request.query;
    return { items: await present(await audit.list({ ...q, ...range(q) })) };
  });

  r.get('/audit', { schema: { tags: ['invites'], summary: 'Audit entries for my media', querystring: auditQuery, response: { 200: auditListSchema } } }, async (request) => {
    const user = requireUser(request);
    const q = request.query;
    if (q.mediaId) {
      await media.getManaged(user, q.mediaId);
      return { items: await present(await audit.list({ ...q, ...range(q) })) };
    }
    const mine = (await media.list(user)).map((m) => m.id);
    if (!mine.length) return { items: [] };
    if (mine.length > 1000) throw new AppError('validation_failed', { message: 'Pick one media item to see its audit entries.' });
    return { items: await present(await audit.list({ ...q, ...range(q), mediaIds: mine })) };
  });
}
