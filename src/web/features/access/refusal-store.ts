import { useSyncExternalStore } from 'react';
import type { ErrorCode } from '../../../contracts/errors.js';
import { isApiError } from '../../api/client.js';

/** Answers that mean "your access to this page is over or was never there": they replace the page with a message. */
export const accessRefusalCodes = ['out_of_scope', 'invite_revoked', 'media_deleted'] as const satisfies readonly ErrorCode[];
export type AccessRefusalCode = (typeof accessRefusalCodes)[number];

export interface AccessRefusal {
  code: AccessRefusalCode;
  message: string;
  mediaId?: string;
  mediaTitle?: string;
  /** Where to go back to (out_of_scope: the guest's own media). */
  url?: string;
  /** The history entry it happened on: a new navigation gets a fresh chance. */
  locationKey: string;
}

export const isAccessRefusalCode = (code: string): code is AccessRefusalCode => (accessRefusalCodes as readonly string[]).includes(code);

let current: AccessRefusal | null = null;
const listeners = new Set<() => void>();

const currentLocationKey = () => (window.history.state as { key?: string } | null)?.key ?? 'default';

/** Called for every failed API call (query or mutation): remembers refusals so the app shell can show them. */
export function reportAccessError(err: unknown): AccessRefusal | null {
  if (!isApiError(err) || !isAccessRefusalCode(err.code)) return null;
  const d = (err.details && typeof err.details === 'object' ? err.details : {}) as Record<string, unknown>;
  current = {
    code: err.code,
    message: err.message,
    mediaId: typeof d.mediaId === 'string' ? d.mediaId : undefined,
    mediaTitle: typeof d.title === 'string' ? d.title : undefined,
    url: typeof d.url === 'string' && d.url.startsWith('/') ? d.url : undefined,
    locationKey: currentLocationKey(),
  };
  listeners.forEach((l) => l());
  return current;
}

const subscribe = (l: () => void) => {
  listeners.add(l);
  return () => listeners.delete(l);
};

/** The refusal met on the page at `locationKey`, if any. */
export function useAccessRefusal(locationKey: string): AccessRefusal | null {
  const refusal = useSyncExternalStore(subscribe, () => current);
  return refusal && refusal.locationKey === locationKey ? refusal : null;
}
