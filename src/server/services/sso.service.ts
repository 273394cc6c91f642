import { randomUUID } from 'node:crypto';
import * as oidc from 'openid-client';
import type { Logger } from 'pino';
import type { DependencyCheck } from '../../contracts/health.js';
import type { SsoErrorReason } from '../../contracts/sso.js';
import type { SsoProviderRow, User } from '../db/schema.js';
import { emailBelongsTo, type SignInFacts } from '../domain/account-lobby.js';
import { canonicalDomain, canonicalEmail } from '../domain/email.js';
import { iso } from '../domain/time.js';
import { hashToken, looksLikeToken, newToken } from '../domain/tokens.js';
import type { Visitor } from '../domain/visitor.js';
import { AppError } from '../errors.js';
import type { SsoRepository } from '../repositories/sso.repository.js';
import type { Transactor } from '../repositories/transaction.js';
import { isUniqueViolation, type AuthService, type NewSession } from './auth.service.js';

const LOGIN_TTL_MS = 10 * 60_000;
const LINK_TTL_MS = 15 * 60_000;
const LINK_ATTEMPTS = 5;
/** A provider's discovery document is fetched again after this long (keys rotate, endpoints move). */
const DISCOVERY_TTL_MS = 10 * 60_000;
const HEALTH_PROBE_EVERY_MS = 60_000;
const SCOPE = 'openid email profile';

export interface SsoDeps {
  repo: SsoRepository;
  tx: Transactor;
  auth: AuthService;
  clock: () => number;
  publicUrl: string;
  logger: Logger;
  /** How long a request to a provider may take (default 5 s). */
  timeoutMs?: number;
}

export interface ProviderInput {
  name: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
  emailDomains: string[];
  createAccounts: boolean;
  requireLobby: boolean;
}

export type SsoOutcome =
  | ({ kind: 'signed_in'; user: User; returnTo: string } & NewSession)
  /** A verified provider email matched a local account: the person proves it with its password (`link`). */
  | { kind: 'link'; link: string };

/** Where a sign-in may come back to: a path on this site, nothing else (no open redirect). */
export const safeReturnTo = (v: string | undefined): string => (v && /^\/(?![/\\])[^\s\\]*$/.test(v) && !v.startsWith('/api/') ? v : '/');

const refused = (message: string, reason: SsoErrorReason = 'refused') => new AppError('sso_refused', { message, details: { reason } });
const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err)).slice(0, 300);

/**
 * SSO with OpenID Connect (docs/decisions.md): the providers the admin configured, the authorization
 * code flow with PKCE, state and nonce, and what a sign-in becomes: a known identity's account, a new
 * account (just in time), or a link to a local account with the same verified email after its password.
 */
export class SsoService {
  private readonly configs = new Map<string, { key: string; at: number; config: oidc.Configuration }>();
  private readonly probedAt = new Map<string, number>();

  constructor(private readonly deps: SsoDeps) {}

  redirectUri(id: string): string {
    return `${this.deps.publicUrl}/api/auth/sso/${encodeURIComponent(id)}/callback`;
  }

  startUrl(id: string, returnTo = '/'): string {
    return `/api/auth/sso/${encodeURIComponent(id)}/start?returnTo=${encodeURIComponent(safeReturnTo(returnTo))}`;
  }

  // ---- the admin's providers ----

  listProviders(): Promise<SsoProviderRow[]> {
    return this.deps.repo.listProviders();
  }

  async createProvider(id: string, input: ProviderInput): Promise<SsoProviderRow> {
    if (await this.deps.repo.findProvider(id)) throw new AppError('conflict', { message: `There is already a provider named “${id}”.`, details: { id: 'taken' } });
    const now = this.deps.clock();
    await this.deps.repo.insertProvider({
      id,
      name: input.name,
      issuer: input.issuer,
      client_id: input.clientId,
      client_secret: input.clientSecret,
      email_domains: JSON.stringify(normalDomains(input.emailDomains)),
      create_accounts: input.createAccounts ? 1 : 0,
      require_lobby: input.requireLobby ? 1 : 0,
      created_at: now,
      updated_at: now,
      last_ok_at: null,
      last_error: null,
      last_error_at: null,
    });
    return (await this.deps.repo.findProvider(id))!;
  }

  async updateProvider(id: string, patch: Partial<ProviderInput>): Promise<SsoProviderRow> {
    await this.provider(id);
    await this.deps.repo.updateProvider(id, {
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.issuer !== undefined ? { issuer: patch.issuer } : {}),
      ...(patch.clientId !== undefined ? { client_id: patch.clientId } : {}),
      ...(patch.clientSecret ? { client_secret: patch.clientSecret } : {}),
      ...(patch.emailDomains !== undefined ? { email_domains: JSON.stringify(normalDomains(patch.emailDomains)) } : {}),
      ...(patch.createAccounts !== undefined ? { create_accounts: patch.createAccounts ? 1 : 0 } : {}),
      ...(patch.requireLobby !== undefined ? { require_lobby: patch.requireLobby ? 1 : 0 } : {}),
      // a changed configuration starts with a clean slate: the health warning is about the old one
      updated_at: this.deps.clock(),
      last_error: null,
      last_error_at: null,
    });
    this.configs.delete(id);
    return (await this.deps.repo.findProvider(id))!;
  }

  /** Removes a provider; everyone signed in through it is signed out at once. Answers how many sessions ended. */
  async deleteProvider(id: string): Promise<{ sessionsEnded: number }> {
    const ended = await this.deps.tx.run(async (trx) => {
      // sessions first: removing the provider may clear their link to its identities
      const ended = await this.deps.auth.endSessionsOfIdentities(await this.deps.repo.identityIdsOfProvider(id, trx), trx);
      if (!(await this.deps.repo.deleteProvider(id, trx))) throw new AppError('not_found', { message: 'No such sign-in provider.' });
      return ended;
    });
    this.configs.delete(id);
    return { sessionsEnded: ended };
  }

  private async provider(id: string): Promise<SsoProviderRow> {
    const p = await this.deps.repo.findProvider(id);
    if (!p) throw new AppError('not_found', { message: 'No such sign-in provider.', details: { reason: 'unknown_provider' } });
    return p;
  }

  /** The provider's metadata and keys (discovery), cached; a failure is remembered for /api/health. */
  private async configOf(p: SsoProviderRow): Promise<oidc.Configuration> {
    const key = `${p.updated_at}`;
    const cached = this.configs.get(p.id);
    if (cached && cached.key === key && this.deps.clock() - cached.at < DISCOVERY_TTL_MS) return cached.config;
    let config: oidc.Configuration;
    try {
      const issuer = new URL(p.issuer);
      // client_secret_basic: OpenID Connect's default method, the one every provider accepts
      config = await oidc.discovery(issuer, p.client_id, p.client_secret, oidc.ClientSecretBasic(p.client_secret), {
        timeout: Math.ceil((this.deps.timeoutMs ?? 5_000) / 1000),
        // plain http only for a provider on this machine (development, tests)
        execute: isLoopback(issuer) ? [oidc.allowInsecureRequests] : [],
      });
    } catch (err) {
      throw await this.unavailable(p, err);
    }
    this.configs.set(p.id, { key, at: this.deps.clock(), config });
    return config;
  }

  private async unavailable(p: SsoProviderRow, err: unknown): Promise<AppError> {
    const message = messageOf(err);
    this.deps.logger.warn({ provider: p.id, err: message }, 'SSO provider failed');
    await this.deps.repo.updateProvider(p.id, { last_error: message, last_error_at: this.deps.clock() });
    return new AppError('sso_unavailable', { message: `${p.name} could not be reached or is not set up correctly. Try again later, or sign in with your password.`, details: { reason: 'unavailable' }, cause: err });
  }

  /** A failed exchange: the provider's fault (down, our credentials refused) or the answer's (state, nonce, code, audience). */
  private async failure(p: SsoProviderRow, err: unknown): Promise<AppError> {
    if (err instanceof oidc.ResponseBodyError) {
      if (err.error === 'invalid_client' || err.error === 'unauthorized_client' || err.status >= 500) return this.unavailable(p, err);
      return refused(`${p.name} refused this sign-in (${err.error}). Start again from the sign-in page.`);
    }
    // a 401 with a challenge: the provider does not accept Foyer's client credentials
    if (err instanceof oidc.WWWAuthenticateChallengeError) return this.unavailable(p, err);
    if (err instanceof oidc.AuthorizationResponseError) return refused(`${p.name} did not sign you in (${err.error}).`);
    if (isNetworkError(err)) return this.unavailable(p, err);
    this.deps.logger.info({ provider: p.id, err: messageOf(err) }, 'SSO answer refused');
    return refused('This sign-in answer did not pass its checks. Start again from the sign-in page.');
  }

  // ---- signing in ----

  /** The address to send the browser to: the provider's authorization endpoint with PKCE, state and nonce. */
  async start(id: string, opts: { deviceId: string; returnTo?: string }): Promise<string> {
    const p = await this.provider(id);
    const config = await this.configOf(p);
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const verifier = oidc.randomPKCECodeVerifier();
    const now = this.deps.clock();
    await this.deps.repo.purge(now);
    await this.deps.repo.insertLogin({
      id: hashToken(state),
      provider_id: p.id,
      device_hash: hashToken(opts.deviceId),
      nonce,
      code_verifier: verifier,
      return_to: safeReturnTo(opts.returnTo),
      created_at: now,
      expires_at: now + LOGIN_TTL_MS,
    });
    return oidc.buildAuthorizationUrl(config, {
      redirect_uri: this.redirectUri(p.id),
      scope: SCOPE,
      state,
      nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    }).href;
  }

  /** The provider sent the browser back: check everything, then sign in, create, or ask for the link step. */
  async callback(id: string, query: URLSearchParams, opts: { deviceId: string }): Promise<SsoOutcome> {
    const p = await this.provider(id);
    const state = query.get('state');
    // single use: taken out of the table whatever happens next
    const pending = state ? await this.deps.repo.takeLogin(hashToken(state)) : undefined;
    const now = this.deps.clock();
    if (!pending || pending.provider_id !== p.id || pending.expires_at <= now) throw refused('This sign-in is unknown, was already used or has expired. Start again from the sign-in page.');
    if (pending.device_hash !== hashToken(opts.deviceId)) throw refused('This sign-in was started in another browser. Start again from the sign-in page.');
    const config = await this.configOf(p);
    const current = new URL(this.redirectUri(p.id));
    current.search = query.toString();

    let claims: oidc.IDToken;
    let userinfo: oidc.UserInfoResponse | undefined;
    try {
      const tokens = await oidc.authorizationCodeGrant(config, current, { pkceCodeVerifier: pending.code_verifier, expectedState: state!, expectedNonce: pending.nonce, idTokenExpected: true });
      claims = tokens.claims()!;
      // the ID token need not carry the email: ask the userinfo endpoint then
      if (typeof claims.email !== 'string') userinfo = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
    } catch (err) {
      throw await this.failure(p, err);
    }
    if (p.last_error_at !== null || p.last_ok_at === null || now - p.last_ok_at > HEALTH_PROBE_EVERY_MS) await this.deps.repo.updateProvider(p.id, { last_ok_at: now, last_error: null, last_error_at: null });

    const source = userinfo ?? claims;
    const email = typeof source.email === 'string' ? source.email : undefined;
    // A missing email_verified counts as false: only an explicit `true` is an assertion.
    const emailVerified = source.email_verified === true;
    const name = [source.name, claims.name].find((v): v is string => typeof v === 'string' && v.trim() !== '') ?? '';
    return this.signIn(p, { issuer: claims.iss, subject: claims.sub, email, emailVerified, name }, { deviceId: opts.deviceId, returnTo: pending.return_to });
  }

  private async signIn(
    p: SsoProviderRow,
    who: { issuer: string; subject: string; email?: string; emailVerified: boolean; name: string },
    opts: { deviceId: string; returnTo: string },
  ): Promise<SsoOutcome> {
    try {
      return await this.signInOnce(p, who, opts);
    } catch (err) {
      // the same new person signing in twice at once (two tabs): the other request made the account; use it
      if (isUniqueViolation(err)) return this.signInOnce(p, who, opts);
      throw err;
    }
  }

  private async signInOnce(
    p: SsoProviderRow,
    who: { issuer: string; subject: string; email?: string; emailVerified: boolean; name: string },
    opts: { deviceId: string; returnTo: string },
  ): Promise<SsoOutcome> {
    const now = this.deps.clock();
    const known = await this.deps.repo.findIdentity(who.issuer, who.subject);
    if (known) {
      const user = await this.deps.auth.findUser(known.user_id);
      if (!user) throw new AppError('sso_no_account', { details: { reason: 'no_account' } });
      await this.deps.repo.updateIdentity(known.id, { email: who.email ?? known.email, email_verified: who.emailVerified ? 1 : 0, last_login_at: now });
      const created = await this.deps.auth.createSession({ userId: user.id, deviceId: opts.deviceId, identityId: known.id });
      return { kind: 'signed_in', user, returnTo: opts.returnTo, ...created };
    }

    const canonical = who.email ? canonicalEmail(who.email) : null;
    if (!who.email || !canonical) throw refused(`${p.name} did not give an email address for you, so Foyer cannot tell who you are.`);

    const existing = await this.deps.auth.findUserByEmail(canonical);
    if (existing) {
      // Never by email alone: the provider must assert the address and the person must prove the account.
      if (!who.emailVerified) {
        throw new AppError('sso_unverified_email', {
          message: `${p.name} did not confirm that ${who.email} is your address, so this sign-in cannot be joined to the Foyer account with that address. Sign in with your password, or ask your provider's admin to confirm your email.`,
          details: { reason: 'unverified_email' },
        });
      }
      const link = newToken();
      await this.deps.repo.insertLink({
        id: hashToken(link),
        user_id: existing.id,
        provider_id: p.id,
        issuer: who.issuer,
        subject: who.subject,
        email: who.email,
        device_hash: hashToken(opts.deviceId),
        return_to: opts.returnTo,
        attempts: 0,
        created_at: now,
        expires_at: now + LINK_TTL_MS,
      });
      return { kind: 'link', link };
    }

    if (!p.create_accounts) throw new AppError('sso_no_account', { message: `There is no Foyer account for ${who.email}, and ${p.name} sign-ins do not create one. Ask the site admin.`, details: { reason: 'no_account' } });
    if (!emailBelongsTo(canonical, domainsOf(p))) {
      throw new AppError('sso_no_account', { message: `${p.name} creates Foyer accounts only for its own email domains, and ${who.email} is not one of them.`, details: { reason: 'domain_not_allowed' } });
    }
    return this.deps.tx.run(async (trx) => {
      const user = await this.deps.auth.createSsoAccount({ email: who.email!, name: who.name, emailVerified: who.emailVerified }, trx);
      const identityId = randomUUID();
      await this.deps.repo.insertIdentity({ id: identityId, user_id: user.id, provider_id: p.id, issuer: who.issuer, subject: who.subject, email: who.email!, email_verified: who.emailVerified ? 1 : 0, created_at: now, last_login_at: now }, trx);
      const created = await this.deps.auth.createSession({ userId: user.id, deviceId: opts.deviceId, identityId }, trx);
      return { kind: 'signed_in' as const, user, returnTo: opts.returnTo, ...created };
    });
  }

  private async pendingLink(link: string, deviceId: string) {
    const row = looksLikeToken(link) ? await this.deps.repo.findLink(hashToken(link)) : undefined;
    if (!row || row.expires_at <= this.deps.clock() || row.device_hash !== hashToken(deviceId) || row.attempts >= LINK_ATTEMPTS) throw new AppError('sso_link_invalid');
    const user = await this.deps.auth.findUser(row.user_id);
    const p = await this.deps.repo.findProvider(row.provider_id);
    if (!user || !p) throw new AppError('sso_link_invalid');
    return { row, user, provider: p };
  }

  /** What the "link your account" page shows. */
  async linkInfo(link: string, deviceId: string): Promise<{ providerName: string; email: string }> {
    const { user, provider } = await this.pendingLink(link, deviceId);
    return { providerName: provider.name, email: user.email };
  }

  /** The person proved the local account with its password: the identity joins it, and they are signed in. */
  async link(link: string, password: string, deviceId: string): Promise<{ user: User; returnTo: string } & NewSession> {
    const { row, user } = await this.pendingLink(link, deviceId);
    if (!(await this.deps.auth.checkPassword(user, password))) {
      await this.deps.repo.countLinkAttempt(row.id);
      throw new AppError('invalid_credentials', { message: 'That is not the password of this Foyer account.' });
    }
    const now = this.deps.clock();
    return this.deps.tx.run(async (trx) => {
      if (!(await this.deps.repo.deleteLink(row.id, trx))) throw new AppError('sso_link_invalid');
      const identityId = randomUUID();
      // only verified provider emails reach this step (see signIn)
      await this.deps.repo.insertIdentity({ id: identityId, user_id: user.id, provider_id: row.provider_id, issuer: row.issuer, subject: row.subject, email: row.email, email_verified: 1, created_at: now, last_login_at: now }, trx);
      await this.deps.auth.markEmailVerified(user.id, trx);
      const created = await this.deps.auth.createSession({ userId: user.id, deviceId, identityId }, trx);
      return { user, returnTo: row.return_to, ...created };
    });
  }

  /** Where to send the browser after Foyer's logout: the provider's end-session endpoint, when it has one. */
  async endSessionUrl(visitor: Visitor): Promise<string | null> {
    const identityId = visitor.session?.identity_id;
    if (!identityId) return null;
    const identity = await this.deps.repo.findIdentityById(identityId);
    const p = identity ? await this.deps.repo.findProvider(identity.provider_id) : undefined;
    if (!p) return null;
    try {
      const config = await this.configOf(p);
      if (!config.serverMetadata().end_session_endpoint) return null;
      return oidc.buildEndSessionUrl(config, { post_logout_redirect_uri: `${this.deps.publicUrl}/login` }).href;
    } catch {
      // Foyer's own session ends regardless
      return null;
    }
  }

  // ---- the lobby and the sign-in page ----

  /** The sign-in buttons. */
  async buttons(returnTo?: string): Promise<Array<{ id: string; name: string; startUrl: string }>> {
    return (await this.deps.repo.listProviders()).map((p) => ({ id: p.id, name: p.name, startUrl: this.startUrl(p.id, returnTo) }));
  }

  /** How the visitor's session knows its email, for the lobby's account types. */
  async signInFacts(visitor: Visitor): Promise<SignInFacts> {
    const user = visitor.user;
    if (!user) return {};
    const identityId = visitor.session?.identity_id;
    if (!identityId) return { user };
    const identity = await this.deps.repo.findIdentityById(identityId);
    const p = identity ? await this.deps.repo.findProvider(identity.provider_id) : undefined;
    return {
      user,
      sso: { emailCanonical: identity ? canonicalEmail(identity.email) : null, emailVerified: identity?.email_verified === 1, providerRequiresLobby: !p || p.require_lobby === 1, providerId: p?.id },
    };
  }

  /** Each provider's name and email domains (invites to SSO domains). */
  async domainOwners(): Promise<Array<{ id: string; name: string; domains: string[]; requireLobby: boolean }>> {
    return (await this.deps.repo.listProviders()).map((p) => ({ id: p.id, name: p.name, domains: domainsOf(p), requireLobby: p.require_lobby === 1 }));
  }

  /** The provider an invite is shared through (its name and sign-in address), if it still exists. */
  async shareProvider(providerId: string, returnTo: string): Promise<{ id: string; name: string; startUrl: string } | undefined> {
    const p = await this.deps.repo.findProvider(providerId);
    return p ? { id: p.id, name: p.name, startUrl: this.startUrl(p.id, returnTo) } : undefined;
  }

  /** Providers an invited address belongs to, whose verified sign-ins may skip the lobby. */
  async providersForEmail(emailCanonical: string, returnTo: string): Promise<Array<{ id: string; name: string; startUrl: string }>> {
    return (await this.deps.repo.listProviders())
      .filter((p) => p.require_lobby === 0 && emailBelongsTo(emailCanonical, domainsOf(p)))
      .map((p) => ({ id: p.id, name: p.name, startUrl: this.startUrl(p.id, returnTo) }));
  }

  // ---- health ----

  /**
   * Providers as last seen (a failed sign-in or discovery, newer than the last success, is a warning);
   * a provider not looked at for a minute is probed in the background, so a check never waits on one.
   */
  async health(): Promise<DependencyCheck> {
    const providers = await this.deps.repo.listProviders();
    if (!providers.length) return { state: 'not_configured' };
    const now = this.deps.clock();
    for (const p of providers) {
      if (now - (this.probedAt.get(p.id) ?? -Infinity) < HEALTH_PROBE_EVERY_MS) continue;
      this.probedAt.set(p.id, now);
      void this.configOf(p).then(
        () => (p.last_error_at !== null ? this.deps.repo.updateProvider(p.id, { last_ok_at: this.deps.clock(), last_error: null, last_error_at: null }) : undefined),
        () => undefined,
      ).catch(() => undefined);
    }
    const failing = providers.filter((p) => p.last_error_at !== null && p.last_error_at >= (p.last_ok_at ?? 0));
    if (!failing.length) return { state: 'up' };
    return {
      state: 'down',
      message: failing.map((p) => `${p.name} (${p.id}): ${p.last_error}`).join('; '),
      since: iso(Math.min(...failing.map((p) => p.last_error_at!))),
    };
  }
}

export const domainsOf = (p: SsoProviderRow): string[] => JSON.parse(p.email_domains) as string[];

function normalDomains(list: string[]): string[] {
  const out: string[] = [];
  for (const d of list) {
    const c = canonicalDomain(d.trim().replace(/^\*?\./, '').replace(/^@/, ''));
    if (!c) throw new AppError('validation_failed', { message: `"${d}" is not a domain name.`, details: { emailDomains: `"${d}" is not a domain name.` } });
    if (!out.includes(c)) out.push(c);
  }
  return out;
}

const isLoopback = (url: URL) => ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);

function isNetworkError(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof TypeError) return true;
    const code = (e as { code?: unknown; name?: unknown }).code;
    if (typeof code === 'string' && /^(ECONN|ETIMEDOUT|ENOTFOUND|EAI_|UND_ERR|OAUTH_TIMEOUT)/.test(code)) return true;
    if ((e as { name?: unknown }).name === 'TimeoutError' || (e as { name?: unknown }).name === 'AbortError') return true;
  }
  return false;
}
