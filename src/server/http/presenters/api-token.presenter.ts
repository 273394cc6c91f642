import type { ApiTokenDto } from '../../../contracts/api-tokens.js';
import { iso } from '../../domain/time.js';
import type { ApiTokenView } from '../../services/api-token.service.js';

/** A token as its owner sees it in the list: `fy_…abcd`, never the token. */
export const presentApiToken = ({ row, scopes }: ApiTokenView): ApiTokenDto => ({
  id: row.id,
  name: row.name,
  scopes,
  hint: `fy_…${row.last4}`,
  createdAt: iso(row.created_at),
  expiresAt: row.expires_at === null ? null : iso(row.expires_at),
  lastUsedAt: row.last_used_at === null ? null : iso(row.last_used_at),
  revokedAt: row.revoked_at === null ? null : iso(row.revoked_at),
});
