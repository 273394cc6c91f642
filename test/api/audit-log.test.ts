import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { defaultSiteSettings } from '../../src/contracts/invites.js';
import { createTestApp, signUp, uniqueEmail, type TestApp } from '../factories/app.js';
import { testDialects } from '../factories/database.js';
import { ownerWithVideo, setSettings } from '../factories/invites.js';

/** Issue 12 item 9: the audit log keeps settings changes with their values, and names media by title. */
describe.each(testDialects())('the audit log reads like a log on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ dialect });
  });
  afterAll(async () => t?.close());
  beforeEach(async () => setSettings(t, defaultSiteSettings));

  const admin = async () => {
    const a = await signUp(t);
    await t.db.database.db.updateTable('users').set({ is_admin: 1 }).where('id', '=', a.user.id).execute();
    return a;
  };

  it('a settings change records each changed setting before and after; unchanged ones are left out', async () => {
    const a = await admin();
    const res = await a.agent.patch('/api/admin/settings', { linkDurationMinutes: 4320, lobbyAttempts: 5, blockedEmailDomains: ['X.example'] });
    expect(res.statusCode).toBe(200);
    const [entry] = (await a.agent.get('/api/admin/audit?action=settings.changed&limit=1')).json().items;
    expect(entry.details).toEqual({
      changed: ['linkDurationMinutes', 'blockedEmailDomains'],
      from: { linkDurationMinutes: 1440, blockedEmailDomains: [] },
      to: { linkDurationMinutes: 4320, blockedEmailDomains: ['x.example'] },
    });
  });

  it('lists the media the log mentions by title, deleted ones marked, for admins only', async () => {
    const a = await admin();
    const { owner, media } = await ownerWithVideo(t);
    await t.db.database.db.updateTable('media').set({ title: 'Board briefing' }).where('id', '=', media.id).execute();
    await owner.agent.post(`/api/media/${media.id}/invites`, { people: [{ email: uniqueEmail('p') }], sendEmail: false });
    const gone = await ownerWithVideo(t);
    await gone.owner.agent.post(`/api/media/${gone.media.id}/invites`, { people: [{ email: uniqueEmail('q') }], sendEmail: false });
    expect((await gone.owner.agent.delete(`/api/media/${gone.media.id}`)).statusCode).toBeLessThan(300);

    const res = await a.agent.get('/api/admin/audit/media');
    expect(res.statusCode).toBe(200);
    const items = res.json().items as Array<{ id: string; title: string; deleted: boolean }>;
    expect(items.find((m) => m.id === media.id)).toMatchObject({ title: 'Board briefing', deleted: false });
    expect(items.find((m) => m.id === gone.media.id)).toMatchObject({ deleted: true });
    expect((await owner.agent.get('/api/admin/audit/media')).statusCode).toBe(403);
  });
});
