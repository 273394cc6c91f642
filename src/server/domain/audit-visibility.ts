import type { User } from '../db/schema.js';
import { AppError } from '../errors.js';

/** More media than this and the owner must pick one: the query would list every id. */
export const MAX_OWNER_AUDIT_MEDIA = 1000;

/** Which audit entries a person may read: `all` (site admins on the admin page), or only these media. */
export type AuditScope = { all: true } | { all: false; mediaIds: string[] };

/**
 * Audit visibility. Admins on the admin log see everything. Everyone else sees entries about
 * media they manage: the one asked for (whose management the caller checked), or all of theirs.
 */
export function auditScope(opts: { viewer: User; adminLog: boolean; requestedMediaId?: string; managedMediaIds: () => string[] }): AuditScope {
  if (opts.adminLog) {
    if (!opts.viewer.is_admin) throw new AppError('forbidden', { message: 'Only site admins can do that.' });
    return { all: true };
  }
  if (opts.requestedMediaId) return { all: false, mediaIds: [opts.requestedMediaId] };
  const mine = opts.managedMediaIds();
  if (mine.length > MAX_OWNER_AUDIT_MEDIA) throw new AppError('validation_failed', { message: 'Pick one media item to see its audit entries.' });
  return { all: false, mediaIds: mine };
}
