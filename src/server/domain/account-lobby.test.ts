import { describe, expect, it } from 'vitest';
import { defaultAccountLobby } from '../../contracts/invites.js';
import { accountTypeOf, emailBelongsTo, goesStraightIn } from './account-lobby.js';

const confirmed = { email_canonical: 'ann@corp.test', email_verified_at: 1 };
const unconfirmed = { email_canonical: 'ann@corp.test', email_verified_at: null };
const sso = (emailVerified: boolean, emailCanonical: string | null = 'ann@corp.test', providerRequiresLobby = false) => ({ emailCanonical, emailVerified, providerRequiresLobby });

describe('account types decide the lobby', () => {
  it('names each row of the table', () => {
    expect(accountTypeOf({})).toBe('guest');
    expect(accountTypeOf({ user: confirmed })).toBe('localConfirmed');
    expect(accountTypeOf({ user: unconfirmed })).toBe('localUnconfirmed');
    expect(accountTypeOf({ user: unconfirmed, sso: sso(true) })).toBe('ssoVerified');
    expect(accountTypeOf({ user: confirmed, sso: sso(false) })).toBe('ssoUnverified');
    // the provider asserted another address than the account's
    expect(accountTypeOf({ user: confirmed, sso: sso(true, 'other@corp.test') })).toBe('ssoUnverified');
  });

  it('lets in by default only confirmed local and provider-verified accounts', () => {
    expect(goesStraightIn({ user: confirmed }, defaultAccountLobby)).toBe(true);
    expect(goesStraightIn({ user: unconfirmed }, defaultAccountLobby)).toBe(false);
    expect(goesStraightIn({ user: confirmed, sso: sso(true) }, defaultAccountLobby)).toBe(true);
    expect(goesStraightIn({ user: confirmed, sso: sso(false) }, defaultAccountLobby)).toBe(false);
    expect(goesStraightIn({}, defaultAccountLobby)).toBe(false);
  });

  it('follows the admin requiring the lobby, for a type or for one provider', () => {
    expect(goesStraightIn({ user: confirmed }, { ...defaultAccountLobby, localConfirmed: 'lobby' })).toBe(false);
    expect(goesStraightIn({ user: confirmed, sso: sso(true) }, { ...defaultAccountLobby, ssoVerified: 'lobby' })).toBe(false);
    expect(goesStraightIn({ user: confirmed, sso: sso(true, 'ann@corp.test', true) }, defaultAccountLobby)).toBe(false);
  });

  it('matches provider domains and their subdomains only', () => {
    expect(emailBelongsTo('ann@corp.test', ['corp.test'])).toBe(true);
    expect(emailBelongsTo('ann@eu.corp.test', ['corp.test'])).toBe(true);
    expect(emailBelongsTo('ann@notcorp.test', ['corp.test'])).toBe(false);
    expect(emailBelongsTo('ann@corp.test', [])).toBe(false);
  });
});
