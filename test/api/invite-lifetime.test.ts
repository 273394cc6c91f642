import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { defaultSiteSettings } from '../../src/contracts/invites.js';
import { createTestApp, signUp, uniqueEmail, type TestApp } from '../factories/app.js';
import { testDialects } from '../factories/database.js';
import { errorCode, inviteRow, ownerWithVideo, setSettings } from '../factories/invites.js';

/** Issue 12 item 8: one invite's link duration and uses, within the site's maximum. */
describe.each(testDialects())('per-invite link lifetime on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ dialect });
  });
  afterAll(async () => t?.close());
  beforeEach(async () => setSettings(t, defaultSiteSettings));

  it('the dialog learns the defaults and maximums; an invite without a choice gets the site default', async () => {
    const { owner, media } = await ownerWithVideo(t);
    const limits = await owner.agent.get(`/api/media/${media.id}/invite-limits`);
    expect(limits.statusCode).toBe(200);
    expect(limits.json()).toEqual({ linkDurationMinutes: 1440, linkReusability: 1, maxLinkDurationMinutes: 43_200, maxLinkReusability: -1 });
    const stranger = await signUp(t);
    expect((await stranger.agent.get(`/api/media/${media.id}/invite-limits`)).statusCode).toBe(404);

    const res = await owner.agent.post(`/api/media/${media.id}/invites`, { people: [{ email: uniqueEmail('d') }], sendEmail: false });
    const row = (await inviteRow(t, res.json().created[0].id))!;
    expect(row.duration_minutes).toBe(1440);
    expect(row.max_uses).toBe(1);
    expect(row.expires_at - row.created_at).toBe(1440 * 60_000);
  });

  it('stores the chosen duration and uses on the invite; its expiry, uses left and a fresh link follow them', async () => {
    const { owner, media } = await ownerWithVideo(t);
    const email = uniqueEmail('three-days');
    const res = await owner.agent.post(`/api/media/${media.id}/invites`, { people: [{ email }], sendEmail: false, linkDurationMinutes: 3 * 1440, linkReusability: 4 });
    expect(res.statusCode).toBe(201);
    const id = res.json().created[0].id as string;
    const row = (await inviteRow(t, id))!;
    expect(row.duration_minutes).toBe(4320);
    expect(row.max_uses).toBe(4);
    expect(row.expires_at - row.created_at).toBe(4320 * 60_000);
    const listed = (await owner.agent.get(`/api/media/${media.id}/invites`)).json().items.find((i: { id: string }) => i.id === id);
    expect(listed.usesLeft).toBe(4);

    // "Copy a new link": the fresh link keeps this invite's lifetime, not the site default.
    const fresh = await owner.agent.post(`/api/media/${media.id}/invites/${id}/link`, {});
    expect(fresh.statusCode).toBe(200);
    const next = (await inviteRow(t, fresh.json().invite.id))!;
    expect(next.duration_minutes).toBe(4320);
    expect(next.max_uses).toBe(4);

    const audit = await t.db.database.db.selectFrom('audit_log').selectAll().where('invite_id', '=', id).where('action', '=', 'invite.created').executeTakeFirstOrThrow();
    expect(JSON.parse(audit.details_json!)).toMatchObject({ durationMinutes: 4320, maxUses: 4 });
  });

  it('refuses a lifetime above the site maximum with lifetime_above_maximum, field details, and invites nobody', async () => {
    await setSettings(t, { maxLinkDurationMinutes: 7 * 1440, maxLinkReusability: 5 });
    const { owner, media } = await ownerWithVideo(t);
    const email = uniqueEmail('too-long');
    const long = await owner.agent.post(`/api/media/${media.id}/invites`, { people: [{ email }], linkDurationMinutes: 8 * 1440 });
    expect(long.statusCode).toBe(400);
    expect(errorCode(long)).toBe('lifetime_above_maximum');
    expect(long.json().error.details.linkDurationMinutes).toBe('A link on this site can last at most 7 days.');
    const many = await owner.agent.post(`/api/media/${media.id}/invites`, { people: [{ email }], linkReusability: -1 });
    expect(errorCode(many)).toBe('lifetime_above_maximum');
    expect(many.json().error.details.linkReusability).toBe('A link on this site can be used at most 5 times.');
    expect((await owner.agent.get(`/api/media/${media.id}/invites`)).json().items).toEqual([]);
    // zod: not a whole number, or zero uses
    expect(errorCode(await owner.agent.post(`/api/media/${media.id}/invites`, { people: [{ email }], linkDurationMinutes: 1.5 }))).toBe('validation_failed');
    expect(errorCode(await owner.agent.post(`/api/media/${media.id}/invites`, { people: [{ email }], linkReusability: 0 }))).toBe('validation_failed');
    // within the maximum: fine
    expect((await owner.agent.post(`/api/media/${media.id}/invites`, { people: [{ email }], linkDurationMinutes: 7 * 1440, linkReusability: 5 })).statusCode).toBe(201);
  });

  it('site settings keep the defaults within the maximums', async () => {
    const admin = await signUp(t);
    await t.db.database.db.updateTable('users').set({ is_admin: 1 }).where('id', '=', admin.user.id).execute();
    const lower = await admin.agent.patch('/api/admin/settings', { maxLinkDurationMinutes: 600 });
    expect(lower.statusCode).toBe(400);
    expect(lower.json().error.details.maxLinkDurationMinutes).toContain('cannot be longer');
    const uses = await admin.agent.patch('/api/admin/settings', { linkReusability: -1, maxLinkReusability: 3 });
    expect(uses.json().error.details.maxLinkReusability).toContain('cannot be more');
    const ok = await admin.agent.patch('/api/admin/settings', { maxLinkDurationMinutes: 2880, maxLinkReusability: 3 });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().settings).toMatchObject({ maxLinkDurationMinutes: 2880, maxLinkReusability: 3 });
  });
});
