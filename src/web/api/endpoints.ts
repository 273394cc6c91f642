import type { LogInBody, MediaDto, MediaPatchBody, OutboxItemDto, SessionInfo, SignUpBody, UserDto } from '../../contracts/api.js';
import { api } from './client.js';

/** One typed function per API call the web app makes. */
export const endpoints = {
  session: () => api<SessionInfo>('/api/session'),
  signUp: (body: SignUpBody) => api<{ user: UserDto }>('/api/auth/signup', { method: 'POST', body }),
  logIn: (body: LogInBody) => api<{ user: UserDto }>('/api/auth/login', { method: 'POST', body }),
  logOut: () => api<{ ok: true }>('/api/auth/logout', { method: 'POST', body: {} }),
  verifyEmail: (token: string) => api<{ user: UserDto }>('/api/auth/verify-email', { method: 'POST', body: { token } }),
  resendVerification: () => api<{ ok: true }>('/api/auth/resend-verification', { method: 'POST', body: {} }),
  listMedia: () => api<{ items: MediaDto[] }>('/api/media'),
  getMedia: (id: string) => api<{ media: MediaDto; role: string }>(`/api/media/${encodeURIComponent(id)}`),
  updateMedia: (id: string, body: MediaPatchBody) =>
    api<{ media: MediaDto }>(`/api/media/${encodeURIComponent(id)}`, { method: 'PATCH', body }),
  deleteMedia: (id: string) => api<{ ok: true }>(`/api/media/${encodeURIComponent(id)}`, { method: 'DELETE' }),
  outbox: () => api<{ mode: 'smtp' | 'outbox'; items: OutboxItemDto[] }>('/api/admin/outbox?limit=200'),
};

export const queryKeys = {
  session: ['session'] as const,
  media: ['media'] as const,
  mediaItem: (id: string) => ['media', id] as const,
  outbox: ['admin', 'outbox'] as const,
};
