import type { ApiTokenCreateBody, ApiTokenDto } from '../../../contracts/api-tokens.js';
import { api } from '../../api/client.js';

/** The account's API tokens (docs/api.md, "API tokens"). */
export const tokensApi = {
  list: () => api<{ tokens: ApiTokenDto[] }>('/api/tokens'),
  create: (body: ApiTokenCreateBody) => api<{ token: ApiTokenDto; secret: string }>('/api/tokens', { method: 'POST', body }),
  revoke: (id: string) => api<{ token: ApiTokenDto }>(`/api/tokens/${encodeURIComponent(id)}`, { method: 'DELETE' }),
};
export const tokensKey = ['tokens'] as const;
