import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOidcProvider, type TestOidcProvider } from '../factories/oidc.js';
import { inviteLink, uploadPdf } from './invite-flows.js';
import { launchBrowser, screenshot, startApp, type Site } from './harness.js';
import { ownerSession } from './setup.js';

/**
 * Issue 14 in Chromium: the admin adds an OpenID provider (a real oidc-provider on a local port) in the
 * settings page; an invite to the provider's domain is shared with the person's account: the lobby asks
 * only for the provider's sign-in, the invitee signs in at the provider's own page and lands straight in
 * the media; with "Send a link", a guest of the domain is offered the provider's sign-in beside the email;
 * logging out goes on to the provider.
 */
describe('SSO with OpenID Connect in Chromium', () => {
  let browser: Browser;
  let site: Site;
  let idp: TestOidcProvider;
  beforeAll(async () => {
    [browser, site] = await Promise.all([launchBrowser(), startApp()]);
    idp = await startOidcProvider({ redirectUris: [`${site.url}/api/auth/sso/corp/callback`], postLogoutRedirectUris: [`${site.url}/login`] });
    idp.accounts.set('ann', { email: 'ann@corp.test', email_verified: true, name: 'Ann Able' });
  });
  afterAll(async () => {
    await site?.close();
    await browser?.close();
    await idp?.close();
  });

  it('an invitee signs in with the provider from the lobby and opens the invite straight into the media', async () => {
    // the first account is the site admin: it adds the provider in the settings page
    const admin = await ownerSession(site, browser, { name: 'Ada Admin' });
    const a = admin.page;
    await a.goto('/admin/settings');
    await a.getByRole('heading', { name: 'Account types and the lobby' }).waitFor();
    await a.getByRole('heading', { name: 'Sign-in providers (SSO)' }).waitFor();
    await a.getByRole('button', { name: 'Add a provider' }).click();
    const form = a.getByRole('form', { name: 'Add a provider' });
    await form.getByLabel('Short name (part of the redirect URI)').fill('corp');
    await form.getByLabel('Button name').fill('Corp ID');
    await form.getByLabel('Issuer URL').fill(idp.issuer);
    await form.getByLabel('Client id').fill(idp.clientId);
    await form.getByLabel('Client secret').fill(idp.clientSecret);
    await form.getByLabel('Email domains of this provider').fill('corp.test');
    await form.getByLabel('Create accounts on first sign-in').check();
    await form.getByRole('button', { name: 'Save provider' }).click();
    const listed = a.getByRole('listitem', { name: 'Corp ID' });
    await listed.waitFor();
    expect(await listed.getByRole('textbox', { name: 'Redirect URI' }).inputValue()).toBe(`${site.url}/api/auth/sso/corp/callback`);
    expect(await a.content()).not.toContain(idp.clientSecret);
    await screenshot(a, 'sso-admin-settings');

    // the admin invites someone of the provider's domain to a document
    await uploadPdf(a, 'Board pack');
    const link = await inviteLink(a, { email: 'ann@corp.test', firstName: 'Ann' });

    // an address of the provider's domain: shared with the person's account there (the default)
    await a.getByText('Shared with their account (SSO sign-in)').waitFor();

    // the invitee, not logged in, opens the link: the lobby asks only for the provider's sign-in
    const guest = await site.open(browser, { viewport: { width: 1280, height: 860 } });
    const g = guest.page;
    await g.goto(link);
    await g.getByRole('heading', { name: 'Sign in with Corp ID to open it' }).waitFor();
    await g.getByText('This was shared with your Corp ID account.', { exact: false }).waitFor();
    expect(await g.getByLabel('Email address this invite was sent to').count()).toBe(0);
    await screenshot(g, 'sso-account-share-lobby');
    await g.getByRole('link', { name: 'Sign in with Corp ID', exact: true }).click();

    // the provider's own sign-in page
    await g.waitForURL((u) => u.href.startsWith(idp.issuer));
    await g.getByRole('heading', { name: 'Test provider' }).waitFor();
    await g.getByLabel('Login').fill('ann');
    await g.getByRole('button', { name: 'Sign in' }).click();

    // back at Foyer: the verified SSO account goes straight in, no email typed
    await g.waitForURL((u) => u.pathname.startsWith('/media/'));
    await g.getByRole('heading', { name: 'Board pack', level: 1 }).waitFor();
    // nothing was typed in the lobby: the email field was never filled
    expect(await g.getByLabel('Email address this invite was sent to').count()).toBe(0);
    const me = await (await guest.context.request.get(`${site.url}/api/session`)).json();
    expect(me.user).toMatchObject({ email: 'ann@corp.test', emailVerified: true, name: 'Ann Able' });
    await screenshot(g, 'sso-invite-straight-in');

    // with "Send a link" for SSO domains, a guest of the domain gets the usual lobby, and the provider is offered
    await a.goto('/admin/settings');
    await a.getByRole('radio', { name: 'Send a link' }).check();
    await a.getByRole('button', { name: 'Save settings' }).click();
    await a.getByText('Settings saved.').waitFor();
    await uploadPdf(a, 'Town notes');
    const plainLink = await inviteLink(a, { email: 'lin@corp.test', firstName: 'Lin' });
    const other = await site.open(browser, { viewport: { width: 390, height: 800 } });
    await other.page.goto(plainLink);
    await other.page.getByRole('heading', { name: 'Confirm it’s you' }).waitFor();
    await other.page.getByRole('link', { name: 'Sign in with Corp ID to go straight in' }).waitFor();
    await other.page.getByLabel('Email address this invite was sent to').waitFor();

    // (checked before the provider's own logout page, which is not Foyer's)
    expect(site.problems()).toEqual([]);

    // logging out ends Foyer's session and goes on to the provider's end-session page
    await g.goto('/');
    await g.getByRole('button', { name: /Account menu/ }).click();
    await g.getByRole('button', { name: 'Log out' }).click();
    await g.waitForURL((u) => u.href.startsWith(idp.issuer));
    expect((await (await guest.context.request.get(`${site.url}/api/session`)).json()).user).toBeNull();

    // the login page offers the provider; a provider that does not exist (an old bookmark) gets a page saying so
    await g.goto('/login');
    expect(await g.getByRole('link', { name: 'Sign in with Corp ID' }).getAttribute('href')).toBe('/api/auth/sso/corp/start?returnTo=%2F');
    await g.goto('/api/auth/sso/gone/start');
    await g.getByRole('heading', { name: 'Unknown sign-in provider' }).waitFor();
    await g.getByText('This site has no such sign-in provider.').waitFor();
    await g.getByRole('link', { name: 'Back to the sign-in page' }).waitFor();
  });
});
