import { z } from 'zod';
import { singleLine } from './text.js';

/**
 * Personal API tokens (docs/api.md, "API tokens"): what a token may do is a list of scopes. A
 * request with `Authorization: Bearer fy_…` may use a route only when the token holds the route's
 * scope; routes without a scope (signing in, the lobby, tokens themselves, site administration, room
 * sockets) are for the browser only.
 */
export const apiScopes = ['media:read', 'media:write', 'invites:read', 'invites:write', 'events:read', 'events:write', 'analytics:read'] as const;
export type ApiScope = (typeof apiScopes)[number];

/** What each scope lets an integrator do, for the token dialog and the API docs. */
export const apiScopeDescriptions: Record<ApiScope, string> = {
  'media:read': 'List and read your media, and get playback URLs',
  'media:write': 'Upload, edit and delete your media, captions and quizzes',
  'invites:read': 'See who is invited to your media and how their invites stand',
  'invites:write': 'Invite people, change, resend and revoke their invites',
  'events:read': 'Read your live events',
  'events:write': 'Create, edit, start and end your live events',
  'analytics:read': 'Read viewing figures, quiz results, event reports and your activity log',
};

/** The longest a token may live, and the choices the dialog offers (days; null: until revoked). */
export const TOKEN_MAX_DAYS = 365;

export const apiTokenCreateBody = z.object({
  name: singleLine().trim().min(1, 'Give the token a name, e.g. the system that will use it.').max(100),
  scopes: z.array(z.enum(apiScopes)).min(1, 'Choose at least one scope.').max(apiScopes.length),
  /** Days until it stops working (1–365); null: until revoked. */
  expiresInDays: z.number().int().min(1).max(TOKEN_MAX_DAYS).nullable(),
});
export type ApiTokenCreateBody = z.infer<typeof apiTokenCreateBody>;

export const apiTokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  scopes: z.array(z.enum(apiScopes)),
  /** `fy_…` and the token's last 4 characters: enough to recognise it, never enough to use it. */
  hint: z.string(),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export type ApiTokenDto = z.infer<typeof apiTokenSchema>;

export const apiTokenListSchema = z.object({ tokens: z.array(apiTokenSchema) });
/** The token itself is in this answer only: it is stored as a hash. */
export const apiTokenCreatedSchema = z.object({ token: apiTokenSchema, secret: z.string() });
