import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultAccountLobby } from '../../src/contracts/invites.js';
import { Agent, createTestApp, signUp, type TestApp } from '../factories/app.js';
import { testDialects } from '../factories/database.js';
import { enter, errorCode, invite, mediaRow, openLink, setSettings } from '../factories/invites.js';
import { passLobby } from '../factories/guests.js';
import { ProviderBrowser, startOidcProvider, type TestOidcProvider } from '../factories/oidc.js';

/** Issue 14 items 1, 2 and 6: SSO with OpenID Connect against a real provider (oidc-provider) on a local port. */
describe.each(testDialects())('SSO with OpenID Connect on %s', (dialect) => {
  let t: TestApp;
  let idp: TestOidcProvider;
  let admin: Awaited<ReturnType<typeof signUp>>;
  let site: string;

  const callbackFor = (id: string) => `${site}/api/auth/sso/${id}/callback`;
  const addProvider = async (body: Record<string, unknown>) => {
    const res = await admin.agent.post('/api/admin/sso-providers', { name: 'Corp ID', issuer: idp.issuer, clientId: idp.clientId, clientSecret: idp.clientSecret, emailDomains: ['corp.test'], createAccounts: true, ...body });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().provider;
  };

  beforeAll(async () => {
    t = await createTestApp({ dialect });
    site = t.config.publicUrl;
    idp = await startOidcProvider({ redirectUris: ['corp', 'strict', 'wrongsecret', 'lobbyfirst'].map(callbackFor), postLogoutRedirectUris: [`${site}/login`] });
    idp.accounts.set('ann', { email: 'ann@corp.test', email_verified: true, name: 'Ann Able' });
    idp.accounts.set('dan', { email: 'dan@corp.test', email_verified: false, name: 'Dan Doubt' });
    idp.accounts.set('eve', { email: 'eve@elsewhere.test', email_verified: true });
    idp.accounts.set('bob-sso', { email: 'Bob@corp.test', email_verified: true });
    idp.accounts.set('carol-unverified', { email: 'carol@corp.test', email_verified: false });
    idp.accounts.set('carol-missing', { email: 'carol@corp.test' });
    idp.accounts.set('noemail', { name: 'No Email' });
    idp.accounts.set('lee', { email: 'lee@corp.test', email_verified: true });
    admin = await signUp(t, { name: 'Ada Admin' });
    await addProvider({ id: 'corp' });
    await addProvider({ id: 'strict', name: 'Strict ID', createAccounts: false, emailDomains: ['strict.test'] });
    // these tests are about links to SSO domains; sharing with the account (the default) is test/api/sso-shares.test.ts
    await setSettings(t, { ssoDomainInvites: 'link' });
  });
  afterAll(async () => {
    await t?.close();
    await idp?.close();
  });

  /** Starts at Foyer, signs in at the provider as `login`, and brings the provider's answer back to Foyer. */
  async function ssoSignIn(agent: Agent, login: string, opts: { provider?: string; returnTo?: string } = {}) {
    const start = await agent.get(`/api/auth/sso/${opts.provider ?? 'corp'}/start${opts.returnTo ? `?returnTo=${encodeURIComponent(opts.returnTo)}` : ''}`);
    expect(start.statusCode, start.body).toBe(303);
    const authorizationUrl = String(start.headers.location);
    const back = await new ProviderBrowser().signIn(authorizationUrl, login, site);
    const res = await agent.get(back.slice(site.length));
    return { authorizationUrl, back, res, location: String(res.headers.location ?? '') };
  }
  const session = async (agent: Agent) => (await agent.get('/api/session')).json().user as { id: string; email: string; emailVerified: boolean } | null;
  const errorReason = (location: string) => (location.startsWith('/sso/error?') ? new URLSearchParams(location.split('?')[1]).get('reason') : null);
  const usersWith = (email: string) => t.db.database.db.selectFrom('users').selectAll().where('email_canonical', '=', email).execute();

  describe('the admin’s providers', () => {
    it('lists them without the client secret, and keeps the secret when a change leaves it out', async () => {
      const list = await admin.agent.get('/api/admin/sso-providers');
      expect(list.statusCode).toBe(200);
      expect(list.body).not.toContain(idp.clientSecret);
      const corp = list.json().providers.find((p: { id: string }) => p.id === 'corp');
      expect(corp).toMatchObject({ name: 'Corp ID', issuer: idp.issuer, clientId: 'foyer', secretHint: `…${idp.clientSecret.slice(-4)}`, emailDomains: ['corp.test'], createAccounts: true, requireLobby: false, redirectUri: callbackFor('corp') });

      const renamed = await admin.agent.patch('/api/admin/sso-providers/strict', { name: 'Strict Corp' });
      expect(renamed.statusCode, renamed.body).toBe(200);
      expect(renamed.body).not.toContain(idp.clientSecret);
      // only what was sent changed
      expect(renamed.json().provider).toMatchObject({ name: 'Strict Corp', emailDomains: ['strict.test'], createAccounts: false });
      const row = await t.db.database.db.selectFrom('sso_providers').selectAll().where('id', '=', 'strict').executeTakeFirstOrThrow();
      expect(row.client_secret).toBe(idp.clientSecret);
      const opened = await admin.agent.patch('/api/admin/sso-providers/corp', { requireLobby: false });
      expect(opened.json().provider).toMatchObject({ emailDomains: ['corp.test'], createAccounts: true });
      await admin.agent.patch('/api/admin/sso-providers/strict', { name: 'Strict ID' });
    });

    it('is for admins in the browser only, and refuses bad input naming the field', async () => {
      const member = await signUp(t);
      expect((await member.agent.get('/api/admin/sso-providers')).statusCode).toBe(403);
      expect(errorCode(await member.agent.post('/api/admin/sso-providers', { id: 'x', name: 'X', issuer: idp.issuer, clientId: 'a', clientSecret: 'b' }))).toBe('forbidden');
      const bad = await admin.agent.post('/api/admin/sso-providers', { id: 'Not A Slug', name: 'X', issuer: 'ftp://nope', clientId: 'a', clientSecret: 'b' });
      expect(bad.statusCode).toBe(400);
      expect(bad.body).toContain('id');
      expect(bad.body).toContain('issuer');
      const taken = await admin.agent.post('/api/admin/sso-providers', { id: 'corp', name: 'X', issuer: idp.issuer, clientId: 'a', clientSecret: 'b' });
      expect(taken.statusCode).toBe(409);
      // the sign-in buttons are public and say nothing secret
      const buttons = await new Agent(t.app).get('/api/auth/sso/providers?returnTo=/lobby');
      expect(buttons.json().providers).toEqual(expect.arrayContaining([{ id: 'corp', name: 'Corp ID', startUrl: '/api/auth/sso/corp/start?returnTo=%2Flobby' }]));
      expect(buttons.body).not.toContain('foyer-test-secret');
    });
  });

  describe('signing in', () => {
    it('uses the authorization code with PKCE, state and nonce, creates the account just in time, and keys it by issuer + sub', async () => {
      const agent = new Agent(t.app);
      const { authorizationUrl, location } = await ssoSignIn(agent, 'ann', { returnTo: '/library' });
      const q = new URL(authorizationUrl).searchParams;
      expect(q.get('response_type')).toBe('code');
      expect(q.get('code_challenge_method')).toBe('S256');
      expect(q.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(q.get('state')).toBeTruthy();
      expect(q.get('nonce')).toBeTruthy();
      expect(q.get('redirect_uri')).toBe(callbackFor('corp'));
      expect(location).toBe('/library');
      // the email came from userinfo: this provider's ID tokens carry no email claims
      expect(idp.requests).toContain(idp.userinfoPath);
      const me = await session(agent);
      expect(me).toMatchObject({ email: 'ann@corp.test', emailVerified: true, name: 'Ann Able' });
      const identity = await t.db.database.db.selectFrom('user_identities').selectAll().where('user_id', '=', me!.id).executeTakeFirstOrThrow();
      expect(identity).toMatchObject({ issuer: idp.issuer, subject: 'ann', provider_id: 'corp', email_verified: 1 });

      // signing in again finds the same account through issuer + sub
      const again = new Agent(t.app);
      await ssoSignIn(again, 'ann');
      expect((await session(again))!.id).toBe(me!.id);
      expect(await usersWith('ann@corp.test')).toHaveLength(1);
      // an SSO account has no password to sign in with
      const login = await new Agent(t.app).post('/api/auth/login', { email: 'ann@corp.test', password: '' + 'x'.repeat(10) });
      expect(errorCode(login)).toBe('invalid_credentials');
    });

    it('makes one account when the same new person comes back twice at once', async () => {
      idp.accounts.set('zed', { email: 'zed@corp.test', email_verified: true });
      const agents = [new Agent(t.app), new Agent(t.app)];
      const backs = await Promise.all(
        agents.map(async (agent) => {
          const start = await agent.get('/api/auth/sso/corp/start');
          return new ProviderBrowser().signIn(String(start.headers.location), 'zed', site);
        }),
      );
      const results = await Promise.all(agents.map((agent, i) => agent.get(backs[i]!.slice(site.length))));
      expect(results.map((r) => r.headers.location)).toEqual(['/', '/']);
      const [a, b] = await Promise.all(agents.map(session));
      expect(a!.id).toBe(b!.id);
      expect(await usersWith('zed@corp.test')).toHaveLength(1);
    });

    it('never returns to another site', async () => {
      const agent = new Agent(t.app);
      const { location } = await ssoSignIn(agent, 'lee', { returnTo: '//evil.test/x' });
      expect(location).toBe('/');
    });

    it('creates no account when just-in-time creation is off, or for an email outside the provider’s domains', async () => {
      idp.accounts.set('nora', { email: 'nora@corp.test', email_verified: true });
      const nora = await ssoSignIn(new Agent(t.app), 'nora', { provider: 'strict' });
      expect(errorReason(nora.location)).toBe('no_account');
      expect(await usersWith('nora@corp.test')).toHaveLength(0);

      const outside = await ssoSignIn(new Agent(t.app), 'eve');
      expect(errorReason(outside.location)).toBe('domain_not_allowed');
      expect(await usersWith('eve@elsewhere.test')).toHaveLength(0);

      const noEmail = await ssoSignIn(new Agent(t.app), 'noemail');
      expect(errorReason(noEmail.location)).toBe('refused');
    });

    it('creates an unverified account when the provider does not assert the email', async () => {
      const agent = new Agent(t.app);
      await ssoSignIn(agent, 'dan');
      expect(await session(agent)).toMatchObject({ email: 'dan@corp.test', emailVerified: false });
    });
  });

  it('takes the email from the ID token when it is there, without asking userinfo', async () => {
    const direct = await startOidcProvider({ redirectUris: [callbackFor('direct')], postLogoutRedirectUris: [], emailInIdToken: true });
    try {
      direct.accounts.set('ida', { email: 'ida@direct.test', email_verified: true, name: 'Ida Direct' });
      await addProvider({ id: 'direct', name: 'Direct ID', issuer: direct.issuer, clientId: direct.clientId, clientSecret: direct.clientSecret, emailDomains: ['direct.test'] });
      const agent = new Agent(t.app);
      const start = await agent.get('/api/auth/sso/direct/start');
      const back = await new ProviderBrowser().signIn(String(start.headers.location), 'ida', site);
      const res = await agent.get(back.slice(site.length));
      expect(res.headers.location).toBe('/');
      expect(await session(agent)).toMatchObject({ email: 'ida@direct.test', emailVerified: true });
      expect(direct.requests).not.toContain(direct.userinfoPath);
    } finally {
      await admin.agent.delete('/api/admin/sso-providers/direct');
      await direct.close();
    }
  });

  describe('linking to a local account with the same email', () => {
    it('attaches a verified provider email only after the local account’s password', async () => {
      const bob = await signUp(t, { email: 'bob@corp.test', password: 'bobs local password' });
      const agent = new Agent(t.app);
      const { location } = await ssoSignIn(agent, 'bob-sso', { returnTo: '/library' });
      expect(location).toMatch(/^\/sso\/link\?link=/);
      expect(await session(agent)).toBeNull();
      const link = new URLSearchParams(location.split('?')[1]).get('link')!;
      expect((await agent.get(`/api/auth/sso/link?link=${link}`)).json()).toEqual({ providerName: 'Corp ID', email: 'bob@corp.test' });

      // the step is bound to this browser
      expect(errorCode(await new Agent(t.app).post('/api/auth/sso/link', { link, password: 'bobs local password' }))).toBe('sso_link_invalid');
      const wrong = await agent.post('/api/auth/sso/link', { link, password: 'not bobs password' });
      expect(errorCode(wrong)).toBe('invalid_credentials');
      expect(await t.db.database.db.selectFrom('user_identities').selectAll().where('subject', '=', 'bob-sso').execute()).toHaveLength(0);

      const ok = await agent.post('/api/auth/sso/link', { link, password: 'bobs local password' });
      expect(ok.statusCode, ok.body).toBe(200);
      expect(ok.json()).toEqual({ returnTo: '/library' });
      expect((await session(agent))!.id).toBe(bob.user.id);
      // used up
      expect(errorCode(await agent.post('/api/auth/sso/link', { link, password: 'bobs local password' }))).toBe('sso_link_invalid');

      // from now on the identity signs straight in to bob's account
      const later = new Agent(t.app);
      const again = await ssoSignIn(later, 'bob-sso');
      expect(again.location).toBe('/');
      expect((await session(later))!.id).toBe(bob.user.id);
    });

    it('never attaches an unverified or unasserted provider email, and says why', async () => {
      const carol = await signUp(t, { email: 'carol@corp.test', password: 'carols local password' });
      for (const login of ['carol-unverified', 'carol-missing']) {
        const agent = new Agent(t.app);
        const { location } = await ssoSignIn(agent, login);
        expect(errorReason(location), login).toBe('unverified_email');
        // the address names only the reason and the provider: no text, no email address
        expect(location).toBe('/sso/error?reason=unverified_email&provider=corp');
        expect(await session(agent)).toBeNull();
      }
      expect(await t.db.database.db.selectFrom('user_identities').selectAll().where('user_id', '=', carol.user.id).execute()).toHaveLength(0);
      expect(await usersWith('carol@corp.test')).toHaveLength(1);
    });
  });

  describe('refused answers', () => {
    it('refuses a wrong, missing, replayed or other-browser state', async () => {
      const agent = new Agent(t.app);
      const start = await agent.get('/api/auth/sso/corp/start');
      const back = await new ProviderBrowser().signIn(String(start.headers.location), 'lee', site);
      const url = new URL(back);
      const tampered = new URL(back);
      tampered.searchParams.set('state', 'x'.repeat(43));
      expect(errorReason(String((await agent.get(tampered.pathname + tampered.search)).headers.location))).toBe('refused');
      const noState = new URL(back);
      noState.searchParams.delete('state');
      expect(errorReason(String((await agent.get(noState.pathname + noState.search)).headers.location))).toBe('refused');
      // another browser (login CSRF): the sign-in is bound to the device that started it
      const other = new Agent(t.app);
      expect(errorReason(String((await other.get(url.pathname + url.search)).headers.location))).toBe('refused');
      expect(await session(other)).toBeNull();
      // the state was used up by that attempt: the right browser cannot use it either now
      expect(errorReason(String((await agent.get(url.pathname + url.search)).headers.location))).toBe('refused');
      expect(await session(agent)).toBeNull();
    });

    it('refuses a replayed code, even with a fresh state', async () => {
      const agent = new Agent(t.app);
      const first = await ssoSignIn(agent, 'lee');
      expect(first.location).toBe('/');
      const code = new URL(first.back).searchParams.get('code')!;
      const second = await agent.get('/api/auth/sso/corp/start');
      const state = new URL(String(second.headers.location)).searchParams.get('state')!;
      const replay = await agent.get(`/api/auth/sso/corp/callback?code=${encodeURIComponent(code)}&state=${encodeURIComponent(state)}&iss=${encodeURIComponent(idp.issuer)}`);
      expect(errorReason(String(replay.headers.location))).toBe('refused');
    });

    it('refuses an ID token whose nonce is not the one this sign-in sent', async () => {
      const agent = new Agent(t.app);
      const start = await agent.get('/api/auth/sso/corp/start');
      const back = await new ProviderBrowser().signIn(String(start.headers.location), 'lee', site);
      // the server-side record of this sign-in now expects another nonce (as if the token were for another sign-in)
      await t.db.database.db.updateTable('sso_logins').set({ nonce: 'another-nonce-0123456789' }).execute();
      const res = await agent.get(back.slice(site.length));
      expect(errorReason(String(res.headers.location))).toBe('refused');
      expect(await session(agent)).toBeNull();
    });

    it('refuses a code the provider issued to another client', async () => {
      const agent = new Agent(t.app);
      const start = await agent.get('/api/auth/sso/corp/start');
      const ours = new URL(String(start.headers.location));
      // the same request, but for the other application registered at the provider
      const forOther = new URL(ours);
      forOther.searchParams.set('client_id', idp.other.clientId);
      const back = await new ProviderBrowser().signIn(forOther.href, 'lee', site);
      expect(new URL(back).searchParams.get('code')).toBeTruthy();
      const res = await agent.get(back.slice(site.length));
      expect(errorReason(String(res.headers.location))).toBe('refused');
      expect(await session(agent)).toBeNull();
    });

    it('says so when the person does not sign in at the provider', async () => {
      const agent = new Agent(t.app);
      const start = await agent.get('/api/auth/sso/corp/start');
      const back = await new ProviderBrowser().signIn(String(start.headers.location), 'deny', site);
      expect(new URL(back).searchParams.get('error')).toBe('access_denied');
      expect(errorReason(String((await agent.get(back.slice(site.length))).headers.location))).toBe('refused');
    });
  });

  describe('a provider that is down or misconfigured', () => {
    it('gives the person a clear error page and the admin a health warning; local login keeps working', async () => {
      const closed = http.createServer();
      await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
      const port = (closed.address() as AddressInfo).port;
      await new Promise<void>((r) => closed.close(() => r()));
      await addProvider({ id: 'down', name: 'Down ID', issuer: `http://127.0.0.1:${port}` });

      const before = (await admin.agent.get('/api/health')).json();
      const start = await new Agent(t.app).get('/api/auth/sso/down/start');
      expect(start.statusCode).toBe(303);
      const location = String(start.headers.location);
      expect(errorReason(location)).toBe('unavailable');
      expect(location).toBe('/sso/error?reason=unavailable&provider=down');

      const health = await new Agent(t.app).get('/api/health');
      expect(health.statusCode).toBe(200);
      expect(health.json().checks.sso).toMatchObject({ state: 'down' });
      expect(health.json().checks.sso.message).toContain('Down ID (down)');
      expect(before.checks.sso.state).not.toBe('down');
      const listed = (await admin.agent.get('/api/admin/sso-providers')).json().providers.find((p: { id: string }) => p.id === 'down');
      expect(listed.lastError).not.toBeNull();

      const local = await new Agent(t.app).post('/api/auth/login', { email: admin.email, password: admin.password });
      expect(local.statusCode).toBe(200);

      await admin.agent.delete('/api/admin/sso-providers/down');
      expect((await new Agent(t.app).get('/api/health')).json().checks.sso.state).toBe('up');
    });

    it('treats a client secret the provider refuses as misconfiguration', async () => {
      await addProvider({ id: 'wrongsecret', name: 'Wrong Secret', clientSecret: 'not-the-secret-0123456789', emailDomains: [] });
      try {
        const { location } = await ssoSignIn(new Agent(t.app), 'lee', { provider: 'wrongsecret' });
        expect(errorReason(location)).toBe('unavailable');
        expect((await new Agent(t.app).get('/api/health')).json().checks.sso.message).toContain('Wrong Secret (wrongsecret)');
      } finally {
        await admin.agent.delete('/api/admin/sso-providers/wrongsecret');
      }
    });

    it('answers an unknown provider with its own reason', async () => {
      expect(errorReason(String((await new Agent(t.app).get('/api/auth/sso/nope/start')).headers.location))).toBe('unknown_provider');
    });
  });

  describe('logging out', () => {
    it('ends the Foyer session and sends an SSO session on to the provider’s end-session endpoint', async () => {
      const agent = new Agent(t.app);
      await ssoSignIn(agent, 'lee');
      const out = await agent.post('/api/auth/logout');
      expect(out.statusCode).toBe(200);
      const redirect = new URL(out.json().redirect);
      expect(redirect.origin).toBe(idp.issuer);
      expect(redirect.searchParams.get('client_id')).toBe(idp.clientId);
      expect(redirect.searchParams.get('post_logout_redirect_uri')).toBe(`${site}/login`);
      expect(await session(agent)).toBeNull();
      // the provider accepts it (it asks the person to confirm)
      const page = await fetch(redirect);
      expect(page.status).toBe(200);

      const local = await signUp(t);
      expect((await local.agent.post('/api/auth/logout')).json()).toEqual({ ok: true, redirect: null });
    });
  });

  describe('invites to SSO domains', () => {
    it('sends links in `link` mode, and with `refuse` refuses them naming the provider', async () => {
      const doc = await mediaRow(t, admin.user.id, 'document', 'Handbook');
      const people = [{ email: 'Sam@Corp.test' }, { email: 'sub@eu.corp.test' }, { email: 'pat@partner.test' }];
      const byLink = await admin.agent.post(`/api/media/${doc.id}/invites`, { people, role: 'viewer', sendEmail: false });
      expect(byLink.json().refused).toEqual([]);
      try {
        await setSettings(t, { ssoDomainInvites: 'refuse' });
        const res = await admin.agent.post(`/api/media/${doc.id}/invites`, { people: [{ email: 'sam2@corp.test' }, { email: 'sub2@eu.corp.test' }, { email: 'pat2@partner.test' }], role: 'viewer', sendEmail: false });
        expect(res.statusCode, res.body).toBe(201);
        expect(res.json().created.map((c: { email: string }) => c.email)).toEqual(['pat2@partner.test']);
        expect(res.json().refused).toEqual([
          { email: 'sam2@corp.test', reason: 'sso_domain', message: expect.stringContaining('sign in with Corp ID') },
          { email: 'sub2@eu.corp.test', reason: 'sso_domain', message: expect.stringContaining('Corp ID') },
        ]);
      } finally {
        await setSettings(t, { ssoDomainInvites: 'link' });
      }
    });
  });

  describe('account types decide the lobby', () => {
    let mediaId: string;
    beforeAll(async () => {
      mediaId = (await mediaRow(t, admin.user.id, 'document', 'Quarterly figures')).id;
    });
    const lobbyInfo = async (agent: Agent, email: string) => {
      const inv = await invite(t, admin.agent, mediaId, { email });
      await openLink(agent, inv.link);
      return { inv, info: (await agent.get('/api/lobby')).json() };
    };

    it('lets a confirmed local account straight in, and a local one not confirmed sees the lobby', async () => {
      const confirmed = await signUp(t);
      const { info } = await lobbyInfo(confirmed.agent, confirmed.email);
      expect(info.autoEnter).toBe(true);
      expect((await enter(confirmed.agent, {})).json()).toMatchObject({ next: 'enter', url: `/media/${mediaId}` });

      const unconfirmed = await signUp(t, { verify: false });
      const second = await lobbyInfo(unconfirmed.agent, unconfirmed.email);
      expect(second.info.autoEnter).toBe(false);
      expect(errorCode(await enter(unconfirmed.agent, {}))).toBe('validation_failed');
    });

    it('lets an SSO account with a provider-verified email straight in, one without sees the lobby with the provider offered', async () => {
      const ann = new Agent(t.app);
      await ssoSignIn(ann, 'ann');
      const a = await lobbyInfo(ann, 'ann@corp.test');
      expect(a.info.autoEnter).toBe(true);
      expect(a.info.ssoProviders).toEqual([]);
      expect((await enter(ann, {})).json()).toMatchObject({ next: 'enter', url: `/media/${mediaId}` });
      // the rotated session still knows it signed in at the provider: the next invite goes straight in too, and logout goes on to the provider
      expect((await lobbyInfo(ann, 'ann@corp.test')).info.autoEnter).toBe(true);
      expect((await ann.post('/api/auth/logout')).json().redirect).toMatch(new RegExp(`^${idp.issuer}/`));

      const dan = new Agent(t.app);
      await ssoSignIn(dan, 'dan');
      const d = await lobbyInfo(dan, 'dan@corp.test');
      expect(d.info.autoEnter).toBe(false);
      expect(errorCode(await enter(dan, {}))).toBe('validation_failed');
      // the lobby offers the provider whose domain the invited email is in
      expect(d.info.ssoProviders).toEqual([{ id: 'corp', name: 'Corp ID', startUrl: '/api/auth/sso/corp/start?returnTo=%2Flobby' }]);
      // typing the invited email still works
      expect((await enter(dan, { email: 'dan@corp.test' })).json()).toMatchObject({ next: 'enter' });
    });

    it('sends a guest session of another invite through the lobby, and offers the provider to an invitee of its domain', async () => {
      const guest = new Agent(t.app);
      const first = await invite(t, admin.agent, mediaId, { email: 'gina@other.test' });
      await passLobby(guest, first.link, 'gina@other.test');
      const other = await mediaRow(t, admin.user.id, 'document', 'Another doc');
      const second = await invite(t, admin.agent, other.id, { email: 'gina@other.test' });
      await openLink(guest, second.link);
      const info = (await guest.get('/api/lobby')).json();
      expect(info.autoEnter).toBe(false);
      expect(info.ssoProviders).toEqual([]);

      const stranger = new Agent(t.app);
      const corpInvite = await lobbyInfo(stranger, 'someone@corp.test');
      expect(corpInvite.info.ssoProviders.map((p: { name: string }) => p.name)).toEqual(['Corp ID']);
    });

    it('follows the admin requiring the lobby for a type, or for one provider', async () => {
      const confirmed = await signUp(t);
      const ann = new Agent(t.app);
      await ssoSignIn(ann, 'ann');
      try {
        await setSettings(t, { accountLobby: { ...defaultAccountLobby, localConfirmed: 'lobby', ssoVerified: 'lobby' } });
        expect((await admin.agent.get('/api/admin/settings')).json().settings.accountLobby).toEqual({ ...defaultAccountLobby, localConfirmed: 'lobby', ssoVerified: 'lobby' });
        expect((await lobbyInfo(confirmed.agent, confirmed.email)).info.autoEnter).toBe(false);
        const a = await lobbyInfo(ann, 'ann@corp.test');
        expect(a.info.autoEnter).toBe(false);
        // the provider would not take anyone straight in now: not offered
        expect(a.info.ssoProviders).toEqual([]);
      } finally {
        await setSettings(t, { accountLobby: defaultAccountLobby });
      }
      // the unconfirmed types cannot be let straight in
      const bad = await admin.agent.patch('/api/admin/settings', { accountLobby: { ssoUnverified: 'straight_in' } });
      expect(bad.statusCode).toBe(400);

      // per provider: its verified accounts see the lobby
      await addProvider({ id: 'lobbyfirst', name: 'Lobby First', requireLobby: true, emailDomains: ['lobby.test'] });
      idp.accounts.set('lou', { email: 'lou@lobby.test', email_verified: true });
      const lou = new Agent(t.app);
      await ssoSignIn(lou, 'lou', { provider: 'lobbyfirst' });
      expect(await session(lou)).toMatchObject({ email: 'lou@lobby.test', emailVerified: true });
      const l = await lobbyInfo(lou, 'lou@lobby.test');
      expect(l.info.autoEnter).toBe(false);
      expect(l.info.ssoProviders).toEqual([]);
    });
  });
});
