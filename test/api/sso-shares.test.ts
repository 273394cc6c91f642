import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, createTestApp, MemoryMailer, signUp, type TestApp } from '../factories/app.js';
import { testDialects } from '../factories/database.js';
import { enter, errorCode, invite, mediaRow, openLink, setSettings } from '../factories/invites.js';
import { linkIn } from '../factories/smtp.js';
import { ProviderBrowser, startOidcProvider, type TestOidcProvider } from '../factories/oidc.js';

/**
 * Issue 14 item 3: an invite to an address of an SSO provider's domain is shared with the person's account
 * there (the default): only that provider's verified sign-in opens it; the link alone opens nothing.
 */
describe.each(testDialects())('invites shared with SSO accounts on %s', (dialect) => {
  let t: TestApp;
  let idp: TestOidcProvider;
  let owner: Awaited<ReturnType<typeof signUp>>;
  let site: string;
  let mediaId: string;

  beforeAll(async () => {
    t = await createTestApp({ dialect });
    site = t.config.publicUrl;
    idp = await startOidcProvider({ redirectUris: [`${site}/api/auth/sso/corp/callback`, `${site}/api/auth/sso/wary/callback`], postLogoutRedirectUris: [`${site}/login`] });
    idp.accounts.set('ann', { email: 'ann@corp.test', email_verified: true, name: 'Ann Able' });
    idp.accounts.set('dan', { email: 'dan@corp.test', email_verified: false, name: 'Dan Doubt' });
    idp.accounts.set('wes', { email: 'wes@wary.test', email_verified: true, name: 'Wes Wary' });
    owner = await signUp(t, { name: 'Olga Owner' });
    for (const p of [
      { id: 'corp', name: 'Corp ID', emailDomains: ['corp.test'], requireLobby: false },
      { id: 'wary', name: 'Wary ID', emailDomains: ['wary.test'], requireLobby: true },
    ]) {
      const res = await owner.agent.post('/api/admin/sso-providers', { ...p, issuer: idp.issuer, clientId: idp.clientId, clientSecret: idp.clientSecret, createAccounts: true });
      expect(res.statusCode, res.body).toBe(201);
    }
    mediaId = (await mediaRow(t, owner.user.id, 'document', 'Board pack')).id;
  });
  afterAll(async () => {
    await t?.close();
    await idp?.close();
  });

  async function ssoSignIn(agent: Agent, login: string, provider = 'corp') {
    const start = await agent.get(`/api/auth/sso/${provider}/start?returnTo=${encodeURIComponent('/lobby')}`);
    expect(start.statusCode, start.body).toBe(303);
    const back = await new ProviderBrowser().signIn(String(start.headers.location), login, site);
    const res = await agent.get(back.slice(site.length));
    expect(String(res.headers.location)).toBe('/lobby');
  }
  const mediaOf = (agent: Agent) => agent.get(`/api/media/${mediaId}`);

  it('is the default: a bulk invite shares with the provider’s people, sends others links, and emails “Sign in with <provider> to open it”', async () => {
    const res = await owner.agent.post(`/api/media/${mediaId}/invites`, {
      people: [{ email: 'Ann@Corp.test', firstName: 'Ann' }, { email: 'sub@eu.corp.test' }, { email: 'pat@partner.test' }],
      role: 'viewer',
      sendEmail: true,
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().refused).toEqual([]);
    const rows = (await owner.agent.get(`/api/media/${mediaId}/invites`)).json().items as Array<{ email: string; sharedWithAccount: boolean }>;
    const shared = Object.fromEntries(rows.map((r) => [r.email, r.sharedWithAccount]));
    expect(shared).toMatchObject({ 'Ann@Corp.test': true, 'sub@eu.corp.test': true, 'pat@partner.test': false });

    const mailer = t.mailer as MemoryMailer;
    const ann = await mailer.waitFor('Ann@Corp.test');
    expect(ann.subject).toBe('Olga Owner shared “Board pack” with you');
    expect(ann.text).toContain('Sign in with Corp ID to open it');
    expect(ann.text).not.toContain('enter this email address');
    expect(linkIn(ann.text, `${site}/i/`)).toBeTruthy();
    const pat = await mailer.waitFor('pat@partner.test');
    expect(pat.text).toContain('enter this email address (pat@partner.test)');

    // the audit log says so
    const log = (await owner.agent.get(`/api/audit?mediaId=${mediaId}&action=invite.created`)).json().items as Array<{ details: Record<string, unknown> }>;
    expect(log.find((e) => e.details.email === 'Ann@Corp.test')?.details.account).toBe('Corp ID');
  });

  it('opens nothing with the link alone: no email form, the right email refused, nothing to load', async () => {
    const inv = await invite(t, owner.agent, mediaId, { email: 'ann@corp.test' });
    const guest = new Agent(t.app);
    await openLink(guest, inv.link);
    const info = (await guest.get('/api/lobby')).json();
    expect(info).toMatchObject({ autoEnter: false, alreadyIn: null, ssoProviders: [], accountShare: { providerName: 'Corp ID', startUrl: '/api/auth/sso/corp/start?returnTo=%2Flobby' } });
    const refused = await enter(guest, { email: 'ann@corp.test' });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error).toMatchObject({ code: 'sso_sign_in_required', message: 'This was shared with your Corp ID account. Sign in with Corp ID to open it.' });
    expect((await mediaOf(guest)).statusCode).not.toBe(200);

    // a local account with the same address, confirmed, is not the provider's account either
    const local = await signUp(t, { email: 'ann.local@corp.test' });
    const localInvite = await invite(t, owner.agent, mediaId, { email: 'ann.local@corp.test' });
    await openLink(local.agent, localInvite.link);
    expect((await local.agent.get('/api/lobby')).json().autoEnter).toBe(false);
    expect(errorCode(await enter(local.agent, {}))).toBe('sso_sign_in_required');
    expect((await mediaOf(local.agent)).statusCode).toBe(404);
  });

  it('opens straight in after the provider’s verified sign-in, with the role, on any device where the person signs in; revoking ends it at once', async () => {
    const live = await mediaRow(t, owner.user.id, 'document', 'Strategy');
    const inv = await invite(t, owner.agent, live.id, { email: 'ann@corp.test', role: 'viewer' });
    const laptop = new Agent(t.app);
    await openLink(laptop, inv.link);
    await ssoSignIn(laptop, 'ann');
    const info = (await laptop.get('/api/lobby')).json();
    expect(info.autoEnter).toBe(true);
    const entered = await enter(laptop, {});
    expect(entered.statusCode, entered.body).toBe(200);
    expect(entered.json()).toMatchObject({ next: 'enter', url: `/media/${live.id}` });
    const opened = await laptop.get(`/api/media/${live.id}`);
    expect(opened.statusCode).toBe(200);
    expect(opened.json().role).toBe('viewer');

    // a phone: the same link, the same sign-in, no second use of the link
    const phone = new Agent(t.app);
    await openLink(phone, inv.link);
    await ssoSignIn(phone, 'ann');
    expect((await phone.get('/api/lobby')).json().alreadyIn).toEqual({ url: `/media/${live.id}` });
    expect((await phone.get(`/api/media/${live.id}`)).statusCode).toBe(200);

    expect((await owner.agent.delete(`/api/media/${live.id}/invites/${inv.inviteId}`)).statusCode).toBe(200);
    expect((await laptop.get(`/api/media/${live.id}`)).statusCode).toBe(404);
    expect((await phone.get(`/api/media/${live.id}`)).statusCode).toBe(404);
  });

  it('never opens for a sign-in whose email the provider did not verify, nor for another address', async () => {
    const dan = new Agent(t.app);
    const danInvite = await invite(t, owner.agent, mediaId, { email: 'dan@corp.test' });
    await openLink(dan, danInvite.link);
    await ssoSignIn(dan, 'dan');
    expect((await dan.get('/api/lobby')).json()).toMatchObject({ autoEnter: false, accountShare: { providerName: 'Corp ID' } });
    expect(errorCode(await enter(dan, { email: 'dan@corp.test' }))).toBe('sso_sign_in_required');

    // Ann, signed in, opening a share meant for someone else at Corp
    const ann = new Agent(t.app);
    const other = await invite(t, owner.agent, mediaId, { email: 'zoe@corp.test' });
    await openLink(ann, other.link);
    await ssoSignIn(ann, 'ann');
    expect(errorCode(await enter(ann, {}))).toBe('sso_sign_in_required');
    expect(errorCode(await enter(ann, { email: 'zoe@corp.test' }))).toBe('sso_sign_in_required');
  });

  it('expires like any invite', async () => {
    const doc = await mediaRow(t, owner.user.id, 'document', 'Later');
    const inv = await invite(t, owner.agent, doc.id, { email: 'ann@corp.test' });
    t.clock.advance(25 * 3600_000);
    const ann = new Agent(t.app);
    await openLink(ann, inv.link);
    await ssoSignIn(ann, 'ann');
    expect(errorCode(await enter(ann, {}))).toBe('link_expired');
    expect((await ann.get(`/api/media/${doc.id}`)).statusCode).toBe(404);
  });

  it('sends a link instead to a provider whose accounts must see the lobby; `link` and `refuse` modes as set', async () => {
    const res = await owner.agent.post(`/api/media/${mediaId}/invites`, { people: [{ email: 'wes@wary.test' }], role: 'viewer', sendEmail: false });
    expect(res.json().created).toHaveLength(1);
    const rows = (await owner.agent.get(`/api/media/${mediaId}/invites`)).json().items as Array<{ email: string; sharedWithAccount: boolean }>;
    expect(rows.find((r) => r.email === 'wes@wary.test')?.sharedWithAccount).toBe(false);
    try {
      await setSettings(t, { ssoDomainInvites: 'link' });
      const linked = await owner.agent.post(`/api/media/${mediaId}/invites`, { people: [{ email: 'lin@corp.test' }], role: 'viewer', sendEmail: false });
      const guest = new Agent(t.app);
      await openLink(guest, linked.json().created[0].link);
      const info = (await guest.get('/api/lobby')).json();
      expect(info.accountShare).toBeNull();
      expect(info.ssoProviders.map((p: { name: string }) => p.name)).toEqual(['Corp ID']);

      await setSettings(t, { ssoDomainInvites: 'refuse', blockedEmailDomains: ['blocked.corp.test'] });
      const refused = await owner.agent.post(`/api/media/${mediaId}/invites`, { people: [{ email: 'ref@corp.test' }, { email: 'x@blocked.corp.test' }], role: 'viewer', sendEmail: false });
      expect(refused.json().created).toEqual([]);
      expect(refused.json().refused).toEqual([
        { email: 'ref@corp.test', reason: 'sso_domain', message: expect.stringContaining('sign in with Corp ID') },
        // a plain blocked domain keeps its own refusal, first
        { email: 'x@blocked.corp.test', reason: 'domain_blocked', message: expect.any(String) },
      ]);
    } finally {
      await setSettings(t, { ssoDomainInvites: 'account', blockedEmailDomains: [] });
    }
  });

  it('removing a provider signs out everyone signed in through it, at once, and nobody else', async () => {
    const wes = new Agent(t.app);
    const start = await wes.get('/api/auth/sso/wary/start');
    const back = await new ProviderBrowser().signIn(String(start.headers.location), 'wes', site);
    await wes.get(back.slice(site.length));
    expect((await wes.get('/api/session')).json().user).toMatchObject({ email: 'wes@wary.test' });
    const removed = await owner.agent.delete('/api/admin/sso-providers/wary');
    expect(removed.statusCode, removed.body).toBe(200);
    expect((await wes.get('/api/session')).json().user).toBeNull();
    expect((await owner.agent.get('/api/session')).json().user).toMatchObject({ email: owner.email });
    const log = (await owner.agent.get('/api/admin/audit?action=settings.changed')).json().items as Array<{ details: { changed?: string[] } }>;
    expect(log.some((e) => e.details.changed?.[0] === 'SSO provider “wary” removed (1 signed-in session ended)')).toBe(true);
  });
});
