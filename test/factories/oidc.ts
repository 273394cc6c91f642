import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

/** A person at the test provider: what its ID token and userinfo say about them. */
export interface OidcAccount {
  email?: string;
  /** Left out: the claim is absent (which Foyer must treat as false). */
  email_verified?: boolean;
  name?: string;
}

export interface TestOidcProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Another client registered at the same provider, with Foyer's redirect URIs (tokens for it must not sign anyone in to Foyer). */
  other: { clientId: string; clientSecret: string };
  accounts: Map<string, OidcAccount>;
  /** The path of every request the provider got, in order (e.g. to see whether userinfo was asked). */
  requests: string[];
  /** The provider's userinfo path. */
  userinfoPath: string;
  provider: Provider;
  close(): Promise<void>;
}

/**
 * A real OpenID provider (oidc-provider, a certified implementation) on a local port, for tests.
 * Its sign-in page is a tiny form (`/interaction/<uid>`): type an account's login and press "Sign in";
 * consent is given with it. The login `deny` answers `access_denied`. With `emailInIdToken` the ID token
 * carries the email claims; otherwise (oidc-provider's default) they come only from userinfo.
 */
export async function startOidcProvider(opts: { redirectUris: string[]; postLogoutRedirectUris: string[]; emailInIdToken?: boolean }): Promise<TestOidcProvider> {
  const accounts = new Map<string, OidcAccount>();
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = { clientId: 'foyer', clientSecret: 'foyer-test-secret-0123456789abcdef' };
  const other = { clientId: 'other-app', clientSecret: 'other-test-secret-0123456789abcdef' };
  const clientMeta = (c: { clientId: string; clientSecret: string }) => ({
    client_id: c.clientId,
    client_secret: c.clientSecret,
    redirect_uris: opts.redirectUris,
    post_logout_redirect_uris: opts.postLogoutRedirectUris,
    grant_types: ['authorization_code'],
    response_types: ['code' as const],
  });
  const provider = new Provider(issuer, {
    clients: [clientMeta(client), clientMeta(other)],
    pkce: { required: () => true },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    conformIdTokenClaims: !opts.emailInIdToken,
    cookies: { keys: ['test-cookie-key-0123456789'] },
    features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: true } },
    interactions: { url: (_ctx, i) => `/interaction/${i.uid}` },
    async findAccount(_ctx, id) {
      const account = accounts.get(id);
      if (!account) return undefined;
      return { accountId: id, claims: async () => ({ sub: id, ...account }) };
    },
  });
  const callback = provider.callback();
  const requests: string[] = [];
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    requests.push((req.url ?? '').split('?')[0]!);
    if (req.url?.startsWith('/interaction/')) {
      interaction(provider, accounts, req, res).catch((err: unknown) => {
        res.statusCode = 500;
        res.end(String(err));
      });
      return;
    }
    void callback(req, res);
  });
  return {
    issuer,
    ...client,
    other,
    accounts,
    requests,
    userinfoPath: '/me',
    provider,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function interaction(provider: Provider, accounts: Map<string, OidcAccount>, req: http.IncomingMessage, res: http.ServerResponse) {
  const details = await provider.interactionDetails(req, res);
  if (req.method === 'GET') {
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end(
      `<!doctype html><title>Test provider sign-in</title><h1>Test provider</h1>` +
        `<form method="post" action="/interaction/${details.uid}"><label>Login <input name="login" autofocus></label><button>Sign in</button></form>`,
    );
    return;
  }
  let body = '';
  for await (const chunk of req) body += String(chunk);
  const login = new URLSearchParams(body).get('login') ?? '';
  if (login === 'deny' || !accounts.has(login)) {
    await provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'The person did not sign in.' }, { mergeWithLastSubmission: false });
    return;
  }
  const grant = new provider.Grant({ accountId: login, clientId: String(details.params.client_id) });
  grant.addOIDCScope(String(details.params.scope));
  const grantId = await grant.save();
  await provider.interactionFinished(req, res, { login: { accountId: login }, consent: { grantId } }, { mergeWithLastSubmission: false });
}

/** A browser's cookie jar for the provider's pages (Foyer's side is an `Agent`). */
export class ProviderBrowser {
  private readonly cookies = new Map<string, string>();

  async fetch(url: string, init: { method?: string; body?: string } = {}): Promise<Response> {
    const res = await fetch(url, {
      method: init.method ?? 'GET',
      redirect: 'manual',
      headers: { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '), ...(init.body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      body: init.body,
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      const name = pair!.slice(0, i).trim();
      const value = pair!.slice(i + 1);
      if (!value || /expires=Thu, 01 Jan 1970/i.test(c) || /max-age=0/i.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }

  /**
   * Follows the provider's redirects from an authorization URL, signs in as `login` on its form, and
   * returns the address the provider sends the browser back to (Foyer's callback, with code and state).
   */
  async signIn(authorizationUrl: string, login: string, siteOrigin: string): Promise<string> {
    let url = authorizationUrl;
    for (let hops = 0; hops < 12; hops++) {
      if (url.startsWith(siteOrigin)) return url;
      const isForm = new URL(url).pathname.startsWith('/interaction/');
      const res = isForm ? await this.fetch(url, { method: 'POST', body: new URLSearchParams({ login }).toString() }) : await this.fetch(url);
      const location = res.headers.get('location');
      if (!location) throw new Error(`the provider stopped at ${url}: ${res.status} ${(await res.text()).slice(0, 300)}`);
      url = new URL(location, url).href;
    }
    throw new Error('too many redirects at the provider');
  }
}
