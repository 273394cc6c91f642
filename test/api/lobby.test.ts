import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { defaultSiteSettings } from '../../src/contracts/invites.js';
import { accessTopic, type AccessChanged } from '../../src/server/adapters/bus/bus.js';
import { Agent, createTestApp, MemoryMailer, signUp, uniqueEmail, type TestApp } from '../factories/app.js';
import { testDialects } from '../factories/database.js';
import { enter, errorCode, invite, inviteRow, openLink, ownerWithVideo, setSettings } from '../factories/invites.js';
import { fileOf } from '../factories/media.js';
import { createEvent } from '../factories/live.js';

describe.each(testDialects())('lobby and redemption on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ dialect });
  });
  afterAll(async () => t?.close());
  beforeEach(async () => setSettings(t, defaultSiteSettings));

  it('opening the link changes nothing: scanners GET and HEAD it, then the person gets in', async () => {
    const { owner, media } = await ownerWithVideo(t);
    const inv = await invite(t, owner.agent, media.id);
    for (let i = 0; i < 3; i++) {
      const scanner = new Agent(t.app);
      const get = await scanner.get(`/i/${inv.token}`);
      expect(get.statusCode).toBe(303);
      expect(get.headers.location).toBe('/lobby');
      expect(get.headers['referrer-policy']).toBe('no-referrer');
      expect(get.headers['cache-control']).toBe('no-store');
      const cookie = get.cookies.find((c) => c.name === 'foyer_invite');
      expect(cookie).toMatchObject({ value: inv.token, httpOnly: true, sameSite: 'Lax' });
      const head = await t.app.inject({ method: 'HEAD', url: `/i/${inv.token}` });
      expect(head.statusCode).toBe(303);
      expect(scanner.cookies.has('foyer_session')).toBe(false);
    }
    const row = await inviteRow(t, inv.inviteId);
    expect(row).toMatchObject({ uses: 0, attempts: 0, device_hash: null, opened_at: null });
    const sessions = await t.db.database.db.selectFrom('sessions').select('id').where('kind', '=', 'guest').execute();
    expect(sessions).toEqual([]);
    expect(await t.db.database.db.selectFrom('grants').select('id').where('media_id', '=', media.id).execute()).toEqual([]);

    const guest = new Agent(t.app);
    await openLink(guest, inv.link);
    const enterRes = await enter(guest, { email: inv.email });
    expect(enterRes.statusCode).toBe(200);
    expect(enterRes.json()).toMatchObject({ next: 'enter', url: `/media/${media.id}`, role: 'viewer' });
  });

  it('the lobby shows what the invite is for and never the invited address', async () => {
    const { owner, media } = await ownerWithVideo(t, { name: 'Olga Owner' });
    const inv = await invite(t, owner.agent, media.id);
    const guest = new Agent(t.app);
    await openLink(guest, inv.link);
    const res = await guest.get('/api/lobby');
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.json()).toMatchObject({ media: { title: media.title, type: 'video', ownerName: 'Olga Owner' }, verification: 'email', autoEnter: false, alreadyIn: null });
    const local = inv.email.split('@')[0];
    expect(res.body).not.toContain(local);
    expect(res.body).not.toContain('example.com');
  });

  it('a wrong email counts an attempt and locks the link after the limit; then the right email hears why', async () => {
    const { owner, media } = await ownerWithVideo(t);
    const inv = await invite(t, owner.agent, media.id);
    const guest = new Agent(t.app);
    await openLink(guest, inv.link);
    for (let i = 0; i < 5; i++) {
      const res = await enter(guest, { email: `wrong${i}@example.com` });
      expect(res.statusCode).toBe(403);
      expect(res.json().error).toMatchObject({ code: 'email_mismatch', message: 'Enter the same email address that received the invite.' });
    }
    expect((await inviteRow(t, inv.inviteId))!.attempts).toBe(5);
    // Locked: every lobby POST answers the same, whatever the email or code, so the link tells
    // nobody which address was invited; wrong tries are no longer counted.
    const answers = await Promise.all([
      enter(guest, { email: 'stranger@example.com' }),
      enter(guest, { email: inv.email }),
      enter(guest, { email: inv.email, code: '123456' }),
      guest.post('/api/lobby/new-link', { email: 'stranger@example.com' }),
      guest.post('/api/lobby/new-link', { email: inv.email }),
    ]);
    for (const res of answers) {
      expect(res.statusCode).toBe(429);
      expect(res.json()).toEqual({ error: { code: 'too_many_attempts', message: 'Too many wrong attempts. Ask the media owner for a new link.' } });
    }
    expect((await inviteRow(t, inv.inviteId))!.attempts).toBe(5);
    const list = (await owner.agent.get(`/api/media/${media.id}/invites`)).json().items;
    expect(list.find((r: { id: string }) => r.id === inv.inviteId).status).toBe('locked');
  });

  it('matches the email in canonical form', async () => {
    const { owner, media } = await ownerWithVideo(t);
    const email = `Mixed.Case.${Date.now()}@Bücher.example`;
    const inv = await invite(t, owner.agent, media.id, { email });
    const guest = new Agent(t.app);
    await openLink(guest, inv.link);
    const res = await enter(guest, { email: `  ${email.toLowerCase().normalize('NFD')} ` });
    expect(res.statusCode).toBe(200);
  });

  it('gives a scoped session on this device: the media and its file, nothing else', async () => {
    const { owner, media } = await ownerWithVideo(t);
    const other = await ownerWithVideo(t, { fileName: 'Secret board meeting.mp4' });
    const inv = await invite(t, owner.agent, media.id);
    const guest = new Agent(t.app);
    await openLink(guest, inv.link);
    expect((await enter(guest, { email: inv.email })).statusCode).toBe(200);

    const page = await guest.get(`/api/media/${media.id}`);
    expect(page.statusCode).toBe(200);
    expect(page.json()).toMatchObject({ role: 'viewer', media: { id: media.id, canManage: false } });
    const file = await fileOf(guest, media.id, { range: 'bytes=0-9' });
    expect(file.statusCode).toBe(206);
    const session = (await guest.get('/api/session')).json();
    expect(session).toMatchObject({ user: null, guest: { media: [{ mediaId: media.id, title: media.title, type: 'video', role: 'viewer', url: `/media/${media.id}` }] } });
    expect(session.guest.media).toHaveLength(1);

    for (const url of ['/api/media', `/api/media/${other.media.id}`, `/api/media/${other.media.id}/playback`, '/api/admin/outbox', `/api/media/${media.id}/invites`]) {
      const res = await guest.get(url);
      expect(res.statusCode, url).toBe(403);
      expect(res.json().error.code, url).toBe('out_of_scope');
      expect(res.json().error.message).toBe(`Your invite gives you access only to “${media.title}”.`);
      expect(res.body).not.toContain(other.media.title);
    }
    expect(errorCode(await guest.patch(`/api/media/${media.id}`, { title: 'hacked' }))).toBe('out_of_scope');
    expect(errorCode(await guest.delete(`/api/media/${media.id}`))).toBe('out_of_scope');
  });

  it('binds the link to the first device: another device gets device_mismatch, the same device comes back without using it', async () => {
    const { owner, media } = await ownerWithVideo(t);
    const inv = await invite(t, owner.agent, media.id);
    const first = new Agent(t.app);
    await openLink(first, inv.link);
    expect((await enter(first, { email: inv.email })).statusCode).toBe(200);

    const second = new Agent(t.app);
    await openLink(second, inv.link);
    const res = await enter(second, { email: inv.email });
    expect(res.json().error).toMatchObject({ code: 'device_mismatch' });
    expect(res.json().error.message).toMatch(/one device/);

    await openLink(first, inv.link);
    const info = (await first.get('/api/lobby')).json();
    expect(info.alreadyIn).toEqual({ url: `/media/${media.id}` });
    expect((await enter(first, { email: inv.email })).statusCode).toBe(200);
    expect((await inviteRow(t, inv.inviteId))!.uses).toBe(1);
  });

  it('a used single-use link answers link_used when device binding is off', async () => {
    await setSettings(t, { bindToDevice: false });
    const { owner, media } = await ownerWithVideo(t);
    const inv = await invite(t, owner.agent, media.id);
    const a = new Agent(t.app);
    await openLink(a, inv.link);
    expect((await enter(a, { email: inv.email })).statusCode).toBe(200);
    const b = new Agent(t.app);
    await openLink(b, inv.link);
    expect(errorCode(await enter(b, { email: inv.email }))).toBe('link_used');
  });

  it('N-use links work N times; -1 works until expiry', async () => {
    await setSettings(t, { bindToDevice: false, linkReusability: 2 });
    const { owner, media } = await ownerWithVideo(t);
    const inv = await invite(t, owner.agent, media.id);
    const results = [];
    for (let i = 0; i < 3; i++) {
      const a = new Agent(t.app);
      await openLink(a, inv.link);
      results.push((await enter(a, { email: inv.email })).statusCode);
    }
    expect(results).toEqual([200, 200, 410]);
    await setSettings(t, { bindToDevice: false, linkReusability: -1 });
    const unlimited = await invite(t, owner.agent, media.id);
    for (let i = 0; i < 4; i++) {
      const a = new Agent(t.app);
      await openLink(a, unlimited.link);
      expect((await enter(a, { email: unlimited.email })).statusCode).toBe(200);
    }
  });

  it('expires exactly at its duration: valid one second before, refused one second after', async () => {
    await setSettings(t, { linkDurationMinutes: 60 });
    const { owner, media } = await ownerWithVideo(t);
    const before = await invite(t, owner.agent, media.id);
    const after = await invite(t, owner.agent, media.id);
    t.clock.advance(60 * 60_000 - 1000);
    const a = new Agent(t.app);
    await openLink(a, before.link);
    expect((await enter(a, { email: before.email })).statusCode).toBe(200);
    t.clock.advance(2000);
    const b = new Agent(t.app);
    await openLink(b, after.link);
    const res = await enter(b, { email: after.email });
    expect(res.statusCode).toBe(410);
    expect(res.json().error).toMatchObject({ code: 'link_expired', message: 'This link has expired. Ask the media owner for a new link.' });
    expect(errorCode(await enter(b, { email: 'someone.else@example.com' }))).toBe('email_mismatch');
  });

  it('changing the duration setting never lengthens a link already sent', async () => {
    await setSettings(t, { linkDurationMinutes: 10 });
    const { owner, media } = await ownerWithVideo(t);
    const inv = await invite(t, owner.agent, media.id);
    await setSettings(t, { linkDurationMinutes: 10_000 });
    t.clock.advance(11 * 60_000);
    const a = new Agent(t.app);
    await openLink(a, inv.link);
    expect(errorCode(await enter(a, { email: inv.email }))).toBe('link_expired');
  });

  it('revoking refuses the link and ends the open session: its next request is refused', async () => {
    const { owner, media } = await ownerWithVideo(t);
    const inv = await invite(t, owner.agent, media.id);
    const spare = await invite(t, owner.agent, media.id);
    const guest = new Agent(t.app);
    await openLink(guest, inv.link);
    await enter(guest, { email: inv.email });
    expect((await guest.get(`/api/media/${media.id}`)).statusCode).toBe(200);

    const seen: AccessChanged[] = [];
    await t.runtime.bus.subscribe(accessTopic(media.id), (m) => seen.push(m as AccessChanged));
    expect((await owner.agent.delete(`/api/media/${media.id}/invites/${inv.inviteId}`)).statusCode).toBe(200);
    expect((await owner.agent.delete(`/api/media/${media.id}/invites/${spare.inviteId}`)).statusCode).toBe(200);

    const next = await guest.get(`/api/media/${media.id}`);
    expect(next.statusCode).toBe(410);
    expect(next.json().error.code).toBe('invite_revoked');
    expect(errorCode(await guest.get(`/api/media/${media.id}/playback`))).toBe('invite_revoked');
    await expect.poll(() => seen.length).toBeGreaterThan(0);
    expect(seen[0]).toMatchObject({ mediaId: media.id, role: null, reason: 'revoked' });

    const fresh = new Agent(t.app);
    await openLink(fresh, spare.link);
    expect(errorCode(await enter(fresh, { email: spare.email }))).toBe('invite_revoked');
    expect(errorCode(await enter(fresh, { email: 'not-them@example.com' }))).toBe('email_mismatch');
  });

  it('deleting the media ends its links and sessions with media_deleted', async () => {
    const { owner, media } = await ownerWithVideo(t);
    const inv = await invite(t, owner.agent, media.id);
    const unused = await invite(t, owner.agent, media.id);
    const guest = new Agent(t.app);
    await openLink(guest, inv.link);
    await enter(guest, { email: inv.email });
    expect((await owner.agent.delete(`/api/media/${media.id}`)).statusCode).toBe(200);
    expect(errorCode(await guest.get(`/api/media/${media.id}`))).toBe('media_deleted');
    const fresh = new Agent(t.app);
    await openLink(fresh, unused.link);
    expect(errorCode(await enter(fresh, { email: unused.email }))).toBe('media_deleted');
  });

  it('a domain blocked after the invite was sent refuses the link with domain_blocked', async () => {
    const { owner, media } = await ownerWithVideo(t);
    const inv = await invite(t, owner.agent, media.id, { email: `p${Date.now()}@sub.blocked-later.org` });
    await setSettings(t, { blockedEmailDomains: ['Blocked-Later.ORG'] });
    const guest = new Agent(t.app);
    await openLink(guest, inv.link);
    const res = await enter(guest, { email: inv.email });
    expect(res.json().error).toMatchObject({ code: 'domain_blocked' });
    expect(res.json().error.message).toMatch(/different email/);
  });

  it('an unknown or malformed link answers invalid_link', async () => {
    for (const token of ['A'.repeat(43), 'short', '../../etc']) {
      const guest = new Agent(t.app);
      await guest.get(`/i/${encodeURIComponent(token)}`);
      expect(errorCode(await guest.get('/api/lobby'))).toBe('invalid_link');
      expect(errorCode(await enter(guest, { email: 'a@example.com' }))).toBe('invalid_link');
    }
    expect(errorCode(await enter(new Agent(t.app), { email: 'a@example.com' }))).toBe('invalid_link');
  });

  it('a logged-in account with the verified invited email goes straight in, and the access belongs to the account', async () => {
    const { owner, media } = await ownerWithVideo(t);
    const member = await signUp(t);
    const inv = await invite(t, owner.agent, media.id, { email: member.email.toUpperCase() });
    await openLink(member.agent, inv.link);
    const info = (await member.agent.get('/api/lobby')).json();
    expect(info.autoEnter).toBe(true);
    const res = await enter(member.agent, {});
    expect(res.statusCode).toBe(200);
    const grant = await t.db.database.db.selectFrom('grants').selectAll().where('invite_id', '=', inv.inviteId).executeTakeFirstOrThrow();
    expect(grant).toMatchObject({ user_id: member.user.id, session_id: null });
    // The account keeps its access after logging in again elsewhere.
    const again = new Agent(t.app);
    await again.post('/api/auth/login', { email: member.email, password: member.password });
    expect((await again.get(`/api/media/${media.id}`)).json().role).toBe('viewer');
    expect((await again.get('/api/media')).statusCode).toBe(200);
  });

  it('an unverified account, or one with another email, sees the lobby and is never logged into someone else', async () => {
    const { owner, media } = await ownerWithVideo(t);
    const unverified = await signUp(t, { verify: false });
    const inv = await invite(t, owner.agent, media.id, { email: unverified.email });
    await openLink(unverified.agent, inv.link);
    expect((await unverified.agent.get('/api/lobby')).json().autoEnter).toBe(false);
    expect(errorCode(await enter(unverified.agent, {}))).toBe('validation_failed');

    const someoneElse = await signUp(t);
    const inv2 = await invite(t, owner.agent, media.id);
    await openLink(someoneElse.agent, inv2.link);
    expect((await someoneElse.agent.get('/api/lobby')).json().autoEnter).toBe(false);
    expect((await enter(someoneElse.agent, { email: inv2.email })).statusCode).toBe(200);
    const session = (await someoneElse.agent.get('/api/session')).json();
    expect(session.user.email).toBe(someoneElse.email);
    expect((await someoneElse.agent.get(`/api/media/${media.id}`)).json().role).toBe('viewer');
  });

  it('email_code mode mails a 6-digit code to the invited address; a wrong code is refused and counted', async () => {
    await setSettings(t, { lobbyVerification: 'email_code' });
    const { owner, media } = await ownerWithVideo(t);
    const inv = await invite(t, owner.agent, media.id);
    const guest = new Agent(t.app);
    await openLink(guest, inv.link);
    const first = await enter(guest, { email: inv.email });
    expect(first.json()).toMatchObject({ next: 'code' });
    const mail = await (t.mailer as MemoryMailer).waitFor(inv.email, (m) => /code/.test(m.subject));
    const code = /(\d{6})/.exec(mail.subject)![1];
    expect((await guest.get('/api/lobby')).json().codePending).toBe(true);
    const wrong = code === '000000' ? '111111' : '000000';
    expect(errorCode(await enter(guest, { email: inv.email, code: wrong }))).toBe('code_invalid');
    expect((await inviteRow(t, inv.inviteId))!.attempts).toBe(1);
    // A code is bound to the device it was sent to.
    const thief = new Agent(t.app);
    await openLink(thief, inv.link);
    expect(errorCode(await enter(thief, { email: inv.email, code }))).toBe('code_invalid');
    const ok = await enter(guest, { email: inv.email, code });
    expect(ok.json()).toMatchObject({ next: 'enter' });
  });

  it('an email code expires after 10 minutes', async () => {
    await setSettings(t, { lobbyVerification: 'email_code' });
    const { owner, media } = await ownerWithVideo(t);
    const inv = await invite(t, owner.agent, media.id);
    const guest = new Agent(t.app);
    await openLink(guest, inv.link);
    await enter(guest, { email: inv.email });
    const mail = await (t.mailer as MemoryMailer).waitFor(inv.email, (m) => /code/.test(m.subject));
    const code = /(\d{6})/.exec(mail.subject)![1];
    t.clock.advance(10 * 60_000 + 1000);
    expect(errorCode(await enter(guest, { email: inv.email, code }))).toBe('code_invalid');
  });

  it('"email me a new link" sends a fresh link to the invited address only, kills the old one, and tells the owner', async () => {
    const { owner, media } = await ownerWithVideo(t);
    const inv = await invite(t, owner.agent, media.id);
    const guest = new Agent(t.app);
    await openLink(guest, inv.link);
    expect(errorCode(await guest.post('/api/lobby/new-link', { email: 'attacker@example.com' }))).toBe('email_mismatch');
    expect((await guest.post('/api/lobby/new-link', { email: inv.email })).statusCode).toBe(200);
    const mailer = t.mailer as MemoryMailer;
    const mail = await mailer.waitFor(inv.email, (m) => /new link/.test(m.subject));
    expect(mailer.sent.some((m) => m.to === 'attacker@example.com')).toBe(false);
    const newLink = /http:\/\/localhost:3000\/i\/[A-Za-z0-9_-]{43}/.exec(mail.text)![0];
    expect(newLink).not.toBe(inv.link);

    const old = new Agent(t.app);
    await openLink(old, inv.link);
    expect(errorCode(await enter(old, { email: inv.email }))).toBe('link_expired');
    await openLink(guest, newLink);
    expect((await enter(guest, { email: inv.email })).statusCode).toBe(200);

    const audit = (await owner.agent.get(`/api/audit?mediaId=${media.id}`)).json().items;
    expect(audit.map((e: { action: string }) => e.action)).toContain('invite.new_link_requested');

    await setSettings(t, { selfServiceNewLink: false });
    const inv2 = await invite(t, owner.agent, media.id);
    const g2 = new Agent(t.app);
    await openLink(g2, inv2.link);
    expect((await g2.get('/api/lobby')).json().selfServiceNewLink).toBe(false);
    expect(errorCode(await g2.post('/api/lobby/new-link', { email: inv2.email }))).toBe('forbidden');
  });

  it('caps "email me a new link" at 3 per hour per person, old links included, and says so', async () => {
    const { owner, media } = await ownerWithVideo(t);
    const inv = await invite(t, owner.agent, media.id);
    const mailer = t.mailer as MemoryMailer;
    const holder = new Agent(t.app);
    await openLink(holder, inv.link);
    // The original (soon replaced) link keeps asking: each ask replaces the current link.
    // Each email goes out before the next ask (as a person reads one before asking again): an email still
    // waiting when its link is replaced is withdrawn on purpose (hardening item 11), which a busy machine
    // would otherwise turn into fewer emails here.
    for (let i = 0; i < 3; i++) {
      expect((await holder.post('/api/lobby/new-link', { email: inv.email })).statusCode).toBe(200);
      await t.services.mail.flush();
    }
    const capped = await holder.post('/api/lobby/new-link', { email: inv.email });
    expect(capped.statusCode).toBe(429);
    expect(capped.json().error).toMatchObject({ code: 'new_link_limit', details: { limit: 3, windowMinutes: 60 } });
    // Every queued email delivered (they go out after commit, one delivery pass at a time).
    await t.services.mail.flush();
    // The newest link still works: the cap stopped the fourth replacement.
    const links = mailer.sent.filter((m) => m.to === inv.email && /new link/.test(m.subject)).map((m) => /\/i\/([A-Za-z0-9_-]{43})/.exec(m.text)![1]);
    expect(links).toHaveLength(3);
    const rows = await t.db.database.db.selectFrom('invites').selectAll().where('media_id', '=', media.id).where('replaced_by', 'is', null).execute();
    expect(rows).toHaveLength(1);
    const audit = (await owner.agent.get(`/api/audit?mediaId=${media.id}`)).json().items as Array<{ action: string; details: { code?: string } | null }>;
    expect(audit.filter((e) => e.action === 'invite.new_link_requested')).toHaveLength(3);
    expect(audit.some((e) => e.action === 'invite.refused' && e.details?.code === 'new_link_limit')).toBe(true);
    // An hour later the person may ask again.
    t.clock.advance(60 * 60_000 + 1000);
    expect((await holder.post('/api/lobby/new-link', { email: inv.email })).statusCode).toBe(200);
  });

  it('a newer invite with a higher role upgrades at once and rotates the session; a lower one never downgrades', async () => {
    const owner = await signUp(t);
    const event = (await createEvent(t, owner.agent, { title: 'All-hands' })).event;
    const email = uniqueEmail('speaker');
    const viewer = await invite(t, owner.agent, event.id, { email, role: 'viewer' });
    const guest = new Agent(t.app);
    await openLink(guest, viewer.link);
    expect((await enter(guest, { email })).json().role).toBe('viewer');
    const firstSession = guest.cookies.get('foyer_session');

    const seen: AccessChanged[] = [];
    await t.runtime.bus.subscribe(accessTopic(event.id), (m) => seen.push(m as AccessChanged));
    const moderator = await invite(t, owner.agent, event.id, { email, role: 'moderator' });
    await openLink(guest, moderator.link);
    expect((await guest.get('/api/lobby')).json().alreadyIn).toBeNull();
    const up = await enter(guest, { email });
    expect(up.json()).toMatchObject({ next: 'enter', role: 'moderator' });
    expect(guest.cookies.get('foyer_session')).not.toBe(firstSession);
    expect((await guest.get(`/api/media/${event.id}`)).json().role).toBe('moderator');
    await expect.poll(() => seen.length).toBe(1);
    expect(seen[0]).toMatchObject({ reason: 'upgraded', role: 'moderator' });
    expect(Object.values(seen[0].rotatedSessions!)).toHaveLength(1);

    // The old session cookie no longer works.
    const stale = new Agent(t.app);
    stale.cookies.set('foyer_session', firstSession!);
    expect((await stale.get(`/api/media/${event.id}`)).statusCode).toBe(401);

    const lower = await invite(t, owner.agent, event.id, { email, role: 'viewer' });
    await openLink(guest, lower.link);
    expect((await enter(guest, { email })).json().role).toBe('moderator');
    expect((await guest.get(`/api/media/${event.id}`)).json().role).toBe('moderator');
  });

  it('the owner changes a role explicitly, up or down, and open sessions follow', async () => {
    const owner = await signUp(t);
    const event = (await createEvent(t, owner.agent)).event;
    const inv = await invite(t, owner.agent, event.id, { role: 'speaker' });
    const guest = new Agent(t.app);
    await openLink(guest, inv.link);
    await enter(guest, { email: inv.email });
    const seen: AccessChanged[] = [];
    await t.runtime.bus.subscribe(accessTopic(event.id), (m) => seen.push(m as AccessChanged));
    const res = await owner.agent.patch(`/api/media/${event.id}/invites/${inv.inviteId}`, { role: 'viewer' });
    expect(res.json().invite.role).toBe('viewer');
    expect((await guest.get(`/api/media/${event.id}`)).json().role).toBe('viewer');
    await expect.poll(() => seen.length).toBe(1);
    expect(seen[0]).toMatchObject({ role: 'viewer', reason: 'changed' });
    await (t.mailer as MemoryMailer).waitFor(inv.email, (m) => /now viewer/.test(m.subject));
  });

  it('20+ simultaneous redemptions of one single-use link: exactly one succeeds', async () => {
    for (const bindToDevice of [false, true]) {
      await setSettings(t, { bindToDevice });
      const { owner, media } = await ownerWithVideo(t);
      const inv = await invite(t, owner.agent, media.id);
      const agents = Array.from({ length: 24 }, () => new Agent(t.app));
      for (const a of agents) await openLink(a, inv.link);
      const results = await Promise.all(agents.map((a) => enter(a, { email: inv.email })));
      const ok = results.filter((r) => r.statusCode === 200);
      expect(ok).toHaveLength(1);
      for (const r of results.filter((x) => x.statusCode !== 200)) {
        expect(['link_used', 'device_mismatch']).toContain(errorCode(r));
      }
      const row = (await inviteRow(t, inv.inviteId))!;
      expect(row.uses).toBe(1);
      const grants = await t.db.database.db.selectFrom('grants').select('id').where('invite_id', '=', inv.inviteId).execute();
      expect(grants).toHaveLength(1);
    }
  });

  it('rate-limits lobby tries per network address with a clear message', async () => {
    const { owner, media } = await ownerWithVideo(t);
    const inv = await invite(t, owner.agent, media.id);
    const guest = new Agent(t.app);
    await openLink(guest, inv.link);
    let last;
    for (let i = 0; i < 40; i++) {
      last = await t.app.inject({
        method: 'POST',
        url: '/api/lobby/enter',
        remoteAddress: '10.9.8.7',
        headers: { cookie: guest.cookieHeader, 'x-csrf-token': guest.cookies.get('foyer_csrf')!, 'content-type': 'application/json' },
        payload: JSON.stringify({ email: `x${i}@example.com` }),
      });
    }
    expect(last!.statusCode).toBe(429);
    expect(last!.json().error.code).toBe('rate_limited');
  });
});
