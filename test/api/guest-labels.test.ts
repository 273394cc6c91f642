import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { defaultSiteSettings } from '../../src/contracts/invites.js';
import { Agent, createTestApp, type TestApp } from '../factories/app.js';
import { testDialects } from '../factories/database.js';
import { enter, invite, openLink, ownerWithVideo, setSettings } from '../factories/invites.js';

// The owner's analytics name an invite guest by the invite behind the guest's session, so the web
// app can show the figures on that person's row of "People with access".
describe.each(testDialects())('guests named in analytics on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ dialect });
  });
  afterAll(async () => t?.close());
  beforeEach(async () => setSettings(t, defaultSiteSettings));

  it('a guest who watched appears with the invited email and name', async () => {
    const { owner, media } = await ownerWithVideo(t);
    const inv = await invite(t, owner.agent, media.id, { firstName: 'Gwen' });
    const other = await invite(t, owner.agent, media.id);
    const guest = new Agent(t.app);
    await openLink(guest, inv.link);
    expect((await enter(guest, { email: inv.email })).statusCode).toBe(200);

    const report = await guest.post(`/api/media/${media.id}/progress`, { positionSeconds: 0.5, ranges: [[0, 0.5]] });
    expect(report.statusCode).toBe(200);

    const res = await owner.agent.get(`/api/media/${media.id}/analytics`);
    expect(res.statusCode).toBe(200);
    const items = res.json().items as Array<{ viewer: { kind: string; email: string | null; name: string | null } }>;
    expect(items).toHaveLength(1);
    expect(items[0].viewer).toMatchObject({ kind: 'guest', email: inv.email, name: 'Gwen Guest' });
    expect(items.some((i) => i.viewer.email === other.email)).toBe(false);
  });
});
