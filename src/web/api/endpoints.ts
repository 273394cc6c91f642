import type { StorageDto } from '../../contracts/quotas.js';
import type { LogInBody, MailNoticeDto, MediaDto, MediaPatchBody, OutboxItemDto, SessionInfo, SignUpBody, UserDto } from '../../contracts/api.js';
import type {
  AuditEntryDto,
  AuditMediaDto,
  CreateInvitesBody,
  CreateInvitesResponse,
  InviteLimits,
  InviteRoleDto,
  InviteRowDto,
  LobbyEnterResponse,
  LobbyInfo,
  SiteSettings,
} from '../../contracts/invites.js';
import type { SsoProviderDto } from '../../contracts/sso.js';
import { api } from './client.js';

export interface SsoButton {
  id: string;
  name: string;
  startUrl: string;
}

const mediaPath = (id: string) => `/api/media/${encodeURIComponent(id)}`;
const invitePath = (mediaId: string, inviteId: string) => `${mediaPath(mediaId)}/invites/${encodeURIComponent(inviteId)}`;

export interface AuditFilters {
  action?: string;
  mediaId?: string;
  inviteId?: string;
  /** ISO date-times. */
  from?: string;
  to?: string;
  limit?: number;
}

const auditQueryString = (f: AuditFilters) => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
};

/** One typed function per API call the web app makes. */
export const endpoints = {
  session: () => api<SessionInfo>('/api/session'),
  signUp: (body: SignUpBody) => api<{ user: UserDto }>('/api/auth/signup', { method: 'POST', body }),
  logIn: (body: LogInBody) => api<{ user: UserDto }>('/api/auth/login', { method: 'POST', body }),
  logOut: () => api<{ ok: true; redirect: string | null }>('/api/auth/logout', { method: 'POST', body: {} }),
  ssoButtons: (returnTo?: string) => api<{ providers: SsoButton[] }>(`/api/auth/sso/providers${returnTo ? `?returnTo=${encodeURIComponent(returnTo)}` : ''}`),
  ssoLinkInfo: (link: string) => api<{ providerName: string; email: string }>(`/api/auth/sso/link?link=${encodeURIComponent(link)}`),
  ssoLink: (body: { link: string; password: string }) => api<{ returnTo: string }>('/api/auth/sso/link', { method: 'POST', body }),
  ssoProviders: () => api<{ providers: SsoProviderDto[] }>('/api/admin/sso-providers'),
  createSsoProvider: (body: Record<string, unknown>) => api<{ provider: SsoProviderDto }>('/api/admin/sso-providers', { method: 'POST', body }),
  updateSsoProvider: (id: string, body: Record<string, unknown>) => api<{ provider: SsoProviderDto }>(`/api/admin/sso-providers/${encodeURIComponent(id)}`, { method: 'PATCH', body }),
  deleteSsoProvider: (id: string) => api<{ ok: true }>(`/api/admin/sso-providers/${encodeURIComponent(id)}`, { method: 'DELETE' }),
  verifyEmail: (token: string) => api<{ user: UserDto }>('/api/auth/verify-email', { method: 'POST', body: { token } }),
  resendVerification: () => api<{ ok: true }>('/api/auth/resend-verification', { method: 'POST', body: {} }),
  listMedia: () => api<{ items: MediaDto[] }>('/api/media'),
  storage: () => api<StorageDto>('/api/storage'),
  getMedia: (id: string) => api<{ media: MediaDto; role: string }>(`/api/media/${encodeURIComponent(id)}`),
  updateMedia: (id: string, body: MediaPatchBody) =>
    api<{ media: MediaDto }>(`/api/media/${encodeURIComponent(id)}`, { method: 'PATCH', body }),
  deleteMedia: (id: string) => api<{ ok: true }>(`/api/media/${encodeURIComponent(id)}`, { method: 'DELETE' }),
  outbox: () => api<{ mode: 'smtp' | 'outbox'; items: OutboxItemDto[] }>('/api/admin/outbox?limit=200'),
  adminMailStatus: () => api<MailNoticeDto>('/api/admin/mail-status'),

  // The lobby (the invite link's token travels in an HttpOnly cookie, never through the page).
  // The same address as the page's preload (spa.ts), which cannot send the Prefer header.
  lobby: () => api<LobbyInfo>('/api/lobby?outcome=body'),
  lobbyEnter: (body: { email?: string; code?: string }) => api<LobbyEnterResponse>('/api/lobby/enter', { method: 'POST', body }),
  lobbyNewLink: (email: string) => api<{ ok: true }>('/api/lobby/new-link', { method: 'POST', body: { email } }),

  // Invites (owner and admins).
  createInvites: (mediaId: string, body: CreateInvitesBody, signal?: AbortSignal) =>
    api<CreateInvitesResponse>(`${mediaPath(mediaId)}/invites`, { method: 'POST', body, signal }),
  inviteLimits: (mediaId: string) => api<InviteLimits>(`${mediaPath(mediaId)}/invite-limits`),
  listInvites: (mediaId: string) => api<{ items: InviteRowDto[] }>(`${mediaPath(mediaId)}/invites`),
  invitesCsvUrl: (mediaId: string) => `${mediaPath(mediaId)}/invites.csv`,
  inviteMailStatus: (mediaId: string) => api<MailNoticeDto>(`${mediaPath(mediaId)}/invites/mail-status`),
  resendInvite: (mediaId: string, inviteId: string) => api<{ invite: InviteRowDto }>(`${invitePath(mediaId, inviteId)}/resend`, { method: 'POST', body: {} }),
  newInviteLink: (mediaId: string, inviteId: string) =>
    api<{ invite: InviteRowDto; link: string }>(`${invitePath(mediaId, inviteId)}/link`, { method: 'POST', body: {} }),
  changeInviteRole: (mediaId: string, inviteId: string, role: InviteRoleDto) =>
    api<{ invite: InviteRowDto }>(invitePath(mediaId, inviteId), { method: 'PATCH', body: { role } }),
  revokeInvites: (mediaId: string, ids: string[]) => api<{ revoked: number }>(`${mediaPath(mediaId)}/invites/revoke`, { method: 'POST', body: { ids } }),

  // Site settings and audit log.
  settings: () => api<{ settings: SiteSettings }>('/api/admin/settings'),
  updateSettings: (patch: Partial<SiteSettings>) => api<{ settings: SiteSettings }>('/api/admin/settings', { method: 'PATCH', body: patch }),
  adminAudit: (f: AuditFilters) => api<{ items: AuditEntryDto[] }>(`/api/admin/audit${auditQueryString(f)}`),
  adminAuditMedia: () => api<{ items: AuditMediaDto[] }>('/api/admin/audit/media'),
  mediaAudit: (mediaId: string, limit: number) => api<{ items: AuditEntryDto[] }>(`/api/audit${auditQueryString({ mediaId, limit })}`),
};

export const queryKeys = {
  session: ['session'] as const,
  media: ['media'] as const,
  storage: ['storage'] as const,
  mediaItem: (id: string) => ['media', id] as const,
  outbox: ['admin', 'outbox'] as const,
  adminMailStatus: ['admin', 'mail-status'] as const,
  lobby: ['lobby'] as const,
  invites: (mediaId: string) => ['invites', mediaId] as const,
  inviteLimits: (mediaId: string) => ['invites', mediaId, 'limits'] as const,
  inviteMailStatus: (mediaId: string) => ['invites', mediaId, 'mail-status'] as const,
  settings: ['admin', 'settings'] as const,
  ssoProviders: ['admin', 'sso-providers'] as const,
  ssoButtons: (returnTo: string) => ['sso-buttons', returnTo] as const,
  adminAudit: (f: AuditFilters) => ['admin', 'audit', f] as const,
  adminAuditMedia: ['admin', 'audit-media'] as const,
  mediaAudit: (mediaId: string, limit: number) => ['audit', mediaId, limit] as const,
};
