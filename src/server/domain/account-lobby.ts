import type { AccountLobby, AccountType } from '../../contracts/invites.js';
import type { User } from '../db/schema.js';
import { domainCoveredBy, emailDomain } from './email.js';

/** How the session behind a logged-in person knows their email (docs/decisions.md, "Account types decide the lobby"). */
export interface SignInFacts {
  user?: Pick<User, 'email_canonical' | 'email_verified_at'>;
  /** Set when the session signed in at an SSO provider: what the provider said, and whether the provider's accounts must see the lobby. */
  sso?: { emailCanonical: string | null; emailVerified: boolean; providerRequiresLobby: boolean; providerId?: string };
}

/** The account type of a visitor, one row of the lobby table. */
export function accountTypeOf(facts: SignInFacts): AccountType {
  if (!facts.user) return 'guest';
  if (facts.sso) {
    // The provider must have asserted this very address: a changed email at the provider is not the account's.
    return facts.sso.emailVerified && facts.sso.emailCanonical === facts.user.email_canonical ? 'ssoVerified' : 'ssoUnverified';
  }
  return facts.user.email_verified_at !== null ? 'localConfirmed' : 'localUnconfirmed';
}

/** Whether a logged-in person whose email is the invited one goes straight in (else: the lobby). */
export function goesStraightIn(facts: SignInFacts, settings: AccountLobby): boolean {
  const type = accountTypeOf(facts);
  if (type === 'ssoVerified' && facts.sso?.providerRequiresLobby) return false;
  return settings[type] === 'straight_in';
}

/** Does this email belong to a provider with these domains (each domain covers its subdomains)? */
export function emailBelongsTo(emailCanonical: string, domains: readonly string[]): boolean {
  const domain = emailDomain(emailCanonical);
  return domains.some((d) => domainCoveredBy(domain, d));
}
