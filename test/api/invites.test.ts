import { Writable } from 'node:stream';
import { createLogger } from '../../src/server/logger.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { defaultSiteSettings } from '../../src/contracts/invites.js';
import { hashToken } from '../../src/server/domain/tokens.js';
import { Agent, createTestApp, MemoryMailer, signUp, uniqueEmail, type TestApp } from '../factories/app.js';
import { testDialects } from '../factories/database.js';
import { enter, errorCode, invite, openLink, ownerWithVideo, setSettings } from '../factories/invites.js';
import { createEvent } from '../factories/live.js';

describe.each(testDialects())('inviting and managing people on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ dialect });
  });
  afterAll(async () => t?.close());
  beforeEach(async () => setSettings(t, defaultSiteSettings));

  it('emails the invite with media, owner, role, expiry, message and one button; stores only a hash of the token', async () => {
    const { owner, media } = await ownerWithVideo(t, { name: 'Priya Owner' });
    const email = uniqueEmail('invitee');
    const res = await owner.agent.post(`/api/media/${media.id}/invites`, {
      people: [{ email, firstName: 'Ines', lastName: 'Invitee' }],
      role: 'viewer',
      message: 'Please watch before Friday.',
    });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.refused).toEqual([]);
    expect(body.created).toHaveLength(1);
    expect(body.created[0].link).toBeUndefined();

    const mail = await (t.mailer as MemoryMailer).waitFor(email);
    expect(mail.subject).toContain('Priya Owner');
    expect(mail.subject).toContain(media.title);
    for (const part of [mail.text, mail.html]) {
      expect(part).toContain('Hi Ines');
      expect(part).toContain('viewer');
      expect(part).toContain('Please watch before Friday.');
      expect(part).toMatch(/valid until/i);
    }
    const token = /http:\/\/localhost:3000\/i\/([A-Za-z0-9_-]{43})/.exec(mail.text)![1];
    expect(mail.html.match(/<a href=/g)).toHaveLength(1);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);

    const row = await t.db.database.db.selectFrom('invites').selectAll().where('id', '=', body.created[0].id).executeTakeFirstOrThrow();
    expect(row.token_hash).toBe(hashToken(token));
    const everything = JSON.stringify(await t.db.database.db.selectFrom('invites').selectAll().execute()) + JSON.stringify(await t.db.database.db.selectFrom('audit_log').selectAll().execute());
    expect(everything).not.toContain(token);
  });

  it('"send link by email" off returns the link once and sends nothing', async () => {
    const { owner, media } = await ownerWithVideo(t);
    const email = uniqueEmail('copy');
    const res = await owner.agent.post(`/api/media/${media.id}/invites`, { people: [{ email }], sendEmail: false });
    expect(res.json().created[0].link).toMatch(/^http:\/\/localhost:3000\/i\/[A-Za-z0-9_-]{43}$/);
    await t.services.mail.flush();
    expect((t.mailer as MemoryMailer).sent.some((m) => m.to === email)).toBe(false);
    const list = (await owner.agent.get(`/api/media/${media.id}/invites`)).json().items;
    expect(JSON.stringify(list)).not.toContain('/i/');
  });

  it('bulk: refuses malformed, blocked, not-allowed and duplicate addresses with reasons; the rest go through', async () => {
    await setSettings(t, { blockedEmailDomains: ['blocked.example'] });
    const { owner, media } = await ownerWithVideo(t);
    const good = Array.from({ length: 1200 }, (_, i) => ({ email: `bulk${i}.${Date.now()}@ok.example`, firstName: `F${i}` }));
    const people = [...good, { email: 'not an email' }, { email: 'x@SUB.Blocked.Example' }, { email: good[3].email.toUpperCase() }];
    const res = await owner.agent.post(`/api/media/${media.id}/invites`, { people, sendEmail: false });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.created).toHaveLength(1200);
    expect(body.refused).toEqual([
      { email: 'not an email', reason: 'malformed', message: expect.any(String) },
      { email: 'x@SUB.Blocked.Example', reason: 'domain_blocked', message: expect.stringMatching(/blocked/) },
      { email: good[3].email.toUpperCase(), reason: 'duplicate', message: expect.any(String) },
    ]);
    await setSettings(t, { allowedEmailDomains: ['partner.example'] });
    const allowed = await owner.agent.post(`/api/media/${media.id}/invites`, { people: [{ email: 'a@partner.example' }, { email: 'b@elsewhere.example' }], sendEmail: false });
    expect(allowed.json().created.map((c: { email: string }) => c.email)).toEqual(['a@partner.example']);
    expect(allowed.json().refused[0]).toMatchObject({ email: 'b@elsewhere.example', reason: 'domain_not_allowed' });
  });

  it('refuses a request of only bad addresses, an empty list, and too many rows', async () => {
    await setSettings(t, { blockedEmailDomains: ['corp.example'] });
    const { owner, media } = await ownerWithVideo(t);
    const blocked = await owner.agent.post(`/api/media/${media.id}/invites`, { people: [{ email: 'ceo@corp.example' }] });
    expect(blocked.statusCode).toBe(201);
    expect(blocked.json()).toMatchObject({ created: [], refused: [{ reason: 'domain_blocked' }] });
    expect((await owner.agent.post(`/api/media/${media.id}/invites`, { people: [] })).json().error.code).toBe('validation_failed');
    const tooMany = Array.from({ length: 10_001 }, (_, i) => ({ email: `p${i}@x.example` }));
    expect((await owner.agent.post(`/api/media/${media.id}/invites`, { people: tooMany })).statusCode).toBe(400);
  });

  it('offers only the viewer role outside live events, and speaker/moderator for events', async () => {
    const { owner, media } = await ownerWithVideo(t);
    const res = await owner.agent.post(`/api/media/${media.id}/invites`, { people: [{ email: uniqueEmail() }], role: 'moderator' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('role_not_allowed');
    const event = (await createEvent(t, owner.agent)).event;
    const ok = await owner.agent.post(`/api/media/${event.id}/invites`, { people: [{ email: uniqueEmail() }], role: 'speaker', sendEmail: false });
    expect(ok.statusCode).toBe(201);
  });

  it('only the owner or an admin may invite; the "admins only" setting narrows it', async () => {
    const { owner, media } = await ownerWithVideo(t);
    const stranger = await signUp(t);
    expect((await stranger.agent.post(`/api/media/${media.id}/invites`, { people: [{ email: uniqueEmail() }] })).statusCode).toBe(404);
    expect((await stranger.agent.get(`/api/media/${media.id}/invites`)).statusCode).toBe(404);
    await setSettings(t, { whoMayInvite: 'admins_only' });
    const res = await owner.agent.post(`/api/media/${media.id}/invites`, { people: [{ email: uniqueEmail() }] });
    expect(res.statusCode).toBe(403);
  });

  it('inviting someone again replaces the old link', async () => {
    const { owner, media } = await ownerWithVideo(t);
    const first = await invite(t, owner.agent, media.id);
    const second = await invite(t, owner.agent, media.id, { email: first.email.toUpperCase() });
    const old = new Agent(t.app);
    await openLink(old, first.link);
    expect(errorCode(await enter(old, { email: first.email }))).toBe('link_expired');
    const fresh = new Agent(t.app);
    await openLink(fresh, second.link);
    expect((await enter(fresh, { email: first.email })).statusCode).toBe(200);
    const items = (await owner.agent.get(`/api/media/${media.id}/invites`)).json().items;
    expect(items.filter((i: { email: string }) => i.email.toLowerCase() === first.email.toLowerCase())).toHaveLength(1);
  });

  it('resend and copy-new-link make a fresh link and kill the old one', async () => {
    const { owner, media } = await ownerWithVideo(t);
    const inv = await invite(t, owner.agent, media.id);
    const resent = await owner.agent.post(`/api/media/${media.id}/invites/${inv.inviteId}/resend`);
    expect(resent.statusCode).toBe(200);
    const mail = await (t.mailer as MemoryMailer).waitFor(inv.email);
    const emailed = /http:\/\/localhost:3000\/i\/[A-Za-z0-9_-]{43}/.exec(mail.text)![0];
    const a = new Agent(t.app);
    await openLink(a, inv.link);
    expect(errorCode(await enter(a, { email: inv.email }))).toBe('link_expired');

    const copied = await owner.agent.post(`/api/media/${media.id}/invites/${resent.json().invite.id}/link`);
    const link = copied.json().link as string;
    expect(link).not.toBe(emailed);
    const b = new Agent(t.app);
    await openLink(b, emailed);
    expect(errorCode(await enter(b, { email: inv.email }))).toBe('link_expired');
    const c = new Agent(t.app);
    await openLink(c, link);
    expect((await enter(c, { email: inv.email })).statusCode).toBe(200);
  });

  it('people with access shows every status, uses left, expiry, device and last access', async () => {
    await setSettings(t, { linkDurationMinutes: 60, linkReusability: 2 });
    const { owner, media } = await ownerWithVideo(t);
    const sent = await invite(t, owner.agent, media.id, { firstName: 'Sent' });
    const opened = await invite(t, owner.agent, media.id, { firstName: 'Opened' });
    const active = await invite(t, owner.agent, media.id, { firstName: 'Active' });
    const revoked = await invite(t, owner.agent, media.id, { firstName: 'Revoked' });
    const locked = await invite(t, owner.agent, media.id, { firstName: 'Locked' });

    const o = new Agent(t.app);
    await openLink(o, opened.link);
    await o.get('/api/lobby');
    const a = new Agent(t.app);
    await openLink(a, active.link);
    await enter(a, { email: active.email });
    await owner.agent.delete(`/api/media/${media.id}/invites/${revoked.inviteId}`);
    const l = new Agent(t.app);
    await openLink(l, locked.link);
    for (let i = 0; i < 5; i++) await enter(l, { email: `nope${i}@example.com` });

    const byName = async () => Object.fromEntries((await owner.agent.get(`/api/media/${media.id}/invites`)).json().items.map((r: { firstName: string }) => [r.firstName, r]));
    let rows = await byName();
    expect(rows.Sent).toMatchObject({ status: 'sent', usesLeft: 2, deviceBound: false, lastAccessAt: null, role: 'viewer' });
    expect(rows.Opened.status).toBe('opened');
    expect(rows.Active).toMatchObject({ status: 'active', usesLeft: 1, deviceBound: true });
    expect(rows.Active.lastAccessAt).not.toBeNull();
    expect(rows.Revoked.status).toBe('revoked');
    expect(rows.Locked.status).toBe('locked');
    expect(new Date(rows.Sent.expiresAt).getTime()).toBe(t.clock.now + 60 * 60_000);

    t.clock.advance(61 * 60_000);
    rows = await byName();
    expect(rows.Sent.status).toBe('expired');
    expect(rows.Active.status).toBe('active');

    // A second use of the 2-use link: used up once the guest is gone.
    await setSettings(t, { bindToDevice: false, linkReusability: 1, linkDurationMinutes: 60 });
    const once = await invite(t, owner.agent, media.id, { firstName: 'Once' });
    const u = new Agent(t.app);
    await openLink(u, once.link);
    await enter(u, { email: once.email });
    await t.db.database.db.updateTable('grants').set({ revoked_at: t.clock.now }).where('invite_id', '=', once.inviteId).execute();
    expect((await byName()).Once).toMatchObject({ status: 'used_up', usesLeft: 0, deviceBound: false });
    // Made with binding off, the used link is not "bound" in the CSV either (the device is still recorded).
    const csvLine = (await owner.agent.get(`/api/media/${media.id}/invites.csv`)).body.split('\r\n').find((l: string) => l.includes(once.email))!;
    expect(csvLine.split(',')[7]).toBe('no');
    expect((await t.db.database.db.selectFrom('invites').select('device_hash').where('id', '=', once.inviteId).executeTakeFirst())!.device_hash).not.toBeNull();
    expect(sent.email).toBeTruthy();
  });

  it('revokes several at once and exports CSV safely', async () => {
    const { owner, media } = await ownerWithVideo(t);
    const a = await invite(t, owner.agent, media.id, { firstName: '=HYPERLINK("x")' });
    const b = await invite(t, owner.agent, media.id, { firstName: 'Bea, "B"' });
    const res = await owner.agent.post(`/api/media/${media.id}/invites/revoke`, { ids: [a.inviteId, b.inviteId, 'unknown'] });
    expect(res.json()).toEqual({ revoked: 2 });
    const csv = await owner.agent.get(`/api/media/${media.id}/invites.csv`);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.headers['content-disposition']).toMatch(/attachment/);
    const lines = csv.body.trim().split('\r\n');
    expect(lines[0]).toBe('email,first_name,last_name,role,status,uses_left,expires_at,device_bound,last_access_at,invited_at,email_delivery,email_problem');
    expect(csv.body).toContain(`'=HYPERLINK(""x"")`);
    expect(csv.body).toContain('"Bea, ""B"""');
    expect(lines).toHaveLength(3);
    expect(lines.slice(1).every((l) => l.includes(',revoked,'))).toBe(true);
  });

  it('keeps an audit log: created, sent, opened, redeemed, refused (with code), revoked, role changed — never the token', async () => {
    const owner = await signUp(t);
    const event = (await createEvent(t, owner.agent, { title: 'Town hall' })).event;
    const email = uniqueEmail('aud');
    await owner.agent.post(`/api/media/${event.id}/invites`, { people: [{ email }], role: 'viewer' });
    const mail = await (t.mailer as MemoryMailer).waitFor(email);
    const link = /http:\/\/localhost:3000\/i\/[A-Za-z0-9_-]{43}/.exec(mail.text)![0];
    const guest = new Agent(t.app);
    await openLink(guest, link);
    await guest.get('/api/lobby');
    await enter(guest, { email: 'wrong@example.com' });
    await enter(guest, { email });
    const inviteId = (await owner.agent.get(`/api/media/${event.id}/invites`)).json().items[0].id;
    await owner.agent.patch(`/api/media/${event.id}/invites/${inviteId}`, { role: 'moderator' });
    await owner.agent.delete(`/api/media/${event.id}/invites/${inviteId}`);

    const items = (await owner.agent.get(`/api/audit?mediaId=${event.id}`)).json().items as Array<{ action: string; details: Record<string, unknown> | null; actor: { kind: string } }>;
    const actions = items.map((i) => i.action);
    for (const a of ['invite.created', 'invite.sent', 'invite.opened', 'invite.redeemed', 'invite.refused', 'invite.role_changed', 'invite.revoked']) expect(actions).toContain(a);
    expect(items.find((i) => i.action === 'invite.refused')!.details).toEqual({ code: 'email_mismatch' });
    expect(items.find((i) => i.action === 'invite.redeemed')!.actor.kind).toBe('guest');
    expect(JSON.stringify(items)).not.toContain(link.split('/i/')[1]);

    // Admin view with filters; other owners see nothing of it.
    const admin = await signUp(t);
    await t.db.database.db.updateTable('users').set({ is_admin: 1 }).where('id', '=', admin.user.id).execute();
    const filtered = (await admin.agent.get(`/api/admin/audit?action=invite.refused&mediaId=${event.id}`)).json().items;
    expect(filtered).toHaveLength(1);
    const someone = await signUp(t);
    expect((await someone.agent.get(`/api/audit?mediaId=${event.id}`)).statusCode).toBe(404);
    expect((await someone.agent.get('/api/admin/audit')).statusCode).toBe(403);
  });

  it('site settings: admins read and change them; bad values are refused with field details', async () => {
    const admin = await signUp(t);
    await t.db.database.db.updateTable('users').set({ is_admin: 1 }).where('id', '=', admin.user.id).execute();
    const get = await admin.agent.get('/api/admin/settings');
    expect(get.json().settings).toEqual(defaultSiteSettings);
    const patch = await admin.agent.patch('/api/admin/settings', { linkReusability: -1, blockedEmailDomains: ['*.Example.ORG', '@bücher.de'] });
    expect(patch.json().settings).toMatchObject({ linkReusability: -1, blockedEmailDomains: ['example.org', 'xn--bcher-kva.de'] });
    const bad = await admin.agent.patch('/api/admin/settings', { linkReusability: 0, lobbyAttempts: 0 });
    expect(bad.statusCode).toBe(400);
    expect(Object.keys(bad.json().error.details)).toEqual(expect.arrayContaining(['linkReusability', 'lobbyAttempts']));
    const badDomain = await admin.agent.patch('/api/admin/settings', { blockedEmailDomains: ['not a domain'] });
    expect(badDomain.json().error.code).toBe('validation_failed');
    const member = await signUp(t);
    expect((await member.agent.patch('/api/admin/settings', { bindToDevice: false })).statusCode).toBe(403);
  });

  it('never writes an invite token to the log', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, cb) {
        lines.push(String(chunk));
        cb();
      },
    });
    const logged = await createTestApp({ dialect, logger: createLogger('trace', sink) });
    try {
      const { owner, media } = await ownerWithVideo(logged);
      const inv = await invite(logged, owner.agent, media.id);
      const guest = new Agent(logged.app);
      await openLink(guest, inv.link);
      await guest.get('/api/lobby');
      expect((await enter(guest, { email: inv.email })).statusCode).toBe(200);
      const text = lines.join('\n');
      expect(text).toContain('/i/[redacted]');
      expect(text).not.toContain(inv.token);
    } finally {
      await logged.close();
    }
  });
});
