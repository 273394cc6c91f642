import { z } from 'zod';
import { domainListInput, domainListSchema } from './invites.js';
import { secret, singleLine } from './text.js';

/**
 * SSO with OpenID Connect (docs/decisions.md, "SSO with OpenID Connect"). A provider's id is the admin's
 * short name for it; Foyer's redirect URI at the provider is `PUBLIC_URL/api/auth/sso/<id>/callback`.
 */
export const ssoProviderId = () => singleLine().trim().regex(/^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/, 'Use 1–40 lower-case letters, digits and dashes, e.g. “okta”.');

/** A provider as the admin sees it: the client secret only as its last 4 characters. */
export const ssoProviderSchema = z.object({
  id: z.string(),
  name: z.string(),
  issuer: z.string(),
  clientId: z.string(),
  secretHint: z.string(),
  emailDomains: domainListSchema,
  createAccounts: z.boolean(),
  requireLobby: z.boolean(),
  redirectUri: z.string(),
  /** The last failure talking to the provider, when it is newer than the last success. */
  lastError: z.object({ message: z.string(), at: z.string() }).nullable(),
});
export type SsoProviderDto = z.infer<typeof ssoProviderSchema>;

const issuerUrl = () =>
  singleLine()
    .trim()
    .max(500)
    .refine((v) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol), 'Enter the issuer URL, e.g. https://login.example.com/realms/staff.');

const providerFields = {
  name: singleLine().trim().min(1, 'Enter the name people see on the sign-in button.').max(80),
  issuer: issuerUrl(),
  clientId: singleLine().trim().min(1, 'Enter the client id the provider gave Foyer.').max(300),
  clientSecret: secret().min(1, 'Enter the client secret the provider gave Foyer.').max(1000),
  emailDomains: domainListInput,
  createAccounts: z.boolean(),
  requireLobby: z.boolean(),
};
export const ssoProviderCreateBody = z.object({
  id: ssoProviderId(),
  ...providerFields,
  emailDomains: providerFields.emailDomains.default([]),
  createAccounts: providerFields.createAccounts.default(false),
  requireLobby: providerFields.requireLobby.default(false),
});
/** A change: only what is sent changes (no defaults here); a missing `clientSecret` keeps the stored one. */
export const ssoProviderPatchBody = z.object(providerFields).partial();

export const ssoProviderListSchema = z.object({ providers: z.array(ssoProviderSchema) });

/** The sign-in buttons (anyone may see them). */
export const ssoButtonSchema = z.object({ id: z.string(), name: z.string(), startUrl: z.string() });
export const ssoButtonListSchema = z.object({ providers: z.array(ssoButtonSchema) });

/** "Link your account": the step between a verified provider email and an existing local account. */
export const ssoLinkInfoSchema = z.object({ providerName: z.string(), email: z.string() });
export const ssoLinkBody = z.object({ link: singleLine().max(100), password: secret().min(1, 'Enter your Foyer password.').max(256) });
export const ssoLinkResponse = z.object({ returnTo: z.string() });

/** Why an SSO sign-in did not end in a session: the error page's reasons (`/sso/error?reason=`). */
export const ssoErrorReasons = ['unavailable', 'refused', 'unverified_email', 'no_account', 'domain_not_allowed', 'unknown_provider'] as const;
export type SsoErrorReason = (typeof ssoErrorReasons)[number];
