import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { auditListSchema, auditMediaListSchema, auditQuery, siteSettingsPatch, siteSettingsSchema } from '../../../../contracts/invites.js';
import type { Services } from '../../../runtime.js';
import { presentAuditPage } from '../../presenters/audit.presenter.js';
import { requireAdmin, requireUser } from '../../plugins/session.js';

/** Site settings (admin) and the audit log (admin: all; owners: their media; see domain/audit-visibility.ts). */
export async function settingsRoutes(app: FastifyInstance, opts: { services: Services }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { settings, audit } = opts.services;

  r.get('/admin/settings', { schema: { tags: ['admin'], summary: 'Site settings', response: { 200: z.object({ settings: siteSettingsSchema }) } } }, async (request) => {
    requireAdmin(request);
    return { settings: await settings.get() };
  });

  r.patch('/admin/settings', { schema: { tags: ['admin'], summary: 'Change site settings', body: siteSettingsPatch, response: { 200: z.object({ settings: siteSettingsSchema }) } } }, async (request) => {
    const admin = requireAdmin(request);
    const before = await settings.get();
    const next = await settings.update(request.body, admin.id);
    // Each changed setting with its value before and after, so the log can say "Link duration: 24 h → 3 d".
    const changed = (Object.keys(request.body) as Array<keyof typeof next>).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(next[k]));
    const pick = (s: typeof next) => Object.fromEntries(changed.map((k) => [k, s[k]]));
    await audit.record({ action: 'settings.changed', actor: { kind: 'user', id: admin.id, label: admin.email }, details: { changed, from: pick(before), to: pick(next) } });
    return { settings: next };
  });

  const filter = (q: { from?: string; to?: string; action?: string; mediaId?: string; inviteId?: string; limit: number }) => ({
    ...q,
    from: q.from ? Date.parse(q.from) : undefined,
    to: q.to ? Date.parse(q.to) : undefined,
  });

  r.get('/admin/audit', { schema: { tags: ['admin'], summary: 'Audit log (filters: action, media, invite, time)', querystring: auditQuery, response: { 200: auditListSchema } } }, async (request) => ({
    items: presentAuditPage(await audit.forAdmin(requireAdmin(request), filter(request.query))),
  }));

  r.get('/admin/audit/media', { schema: { tags: ['admin'], summary: 'The media the audit log mentions, by title (deleted ones too)', response: { 200: auditMediaListSchema } } }, async (request) => ({
    items: await audit.mediaForAdmin(requireAdmin(request)),
  }));

  r.get('/audit', { schema: { tags: ['invites'], summary: 'Audit entries for my media', querystring: auditQuery, response: { 200: auditListSchema } } }, async (request) => ({
    items: presentAuditPage(await audit.forManager(requireUser(request), filter(request.query))),
  }));
}
