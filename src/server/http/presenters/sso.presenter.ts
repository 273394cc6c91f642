import type { SsoProviderDto } from '../../../contracts/sso.js';
import type { SsoProviderRow } from '../../db/schema.js';
import { iso } from '../../domain/time.js';
import { domainsOf } from '../../services/sso.service.js';

/** A provider for the admin: the client secret never leaves in full, only its last 4 characters. */
export function presentSsoProvider(p: SsoProviderRow, redirectUri: string): SsoProviderDto {
  const failing = p.last_error_at !== null && p.last_error_at >= (p.last_ok_at ?? 0);
  return {
    id: p.id,
    name: p.name,
    issuer: p.issuer,
    clientId: p.client_id,
    secretHint: p.client_secret.length > 8 ? `…${p.client_secret.slice(-4)}` : '…',
    emailDomains: domainsOf(p),
    createAccounts: p.create_accounts === 1,
    requireLobby: p.require_lobby === 1,
    redirectUri,
    lastError: failing ? { message: p.last_error ?? '', at: iso(p.last_error_at!) } : null,
  };
}
