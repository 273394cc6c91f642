import type { User } from '../db/schema.js';
import { AppError } from '../errors.js';

/** More media than this and the owner must pick one: the query would list every id. */
export const MAX_OWNER_AUDIT_MEDIA = 1000;

/** Which audit entries a person may read: `all` (site admins on the admin page), or only these media. */
export type AuditScope = { all: true } | { all: false; mediaIds: string[] };

/**
 * Audit visibility. Admins on the admin log see everything. Everyone else sees entries about the
 * media they manage (the caller checked which: the one asked for, or all of theirs).
 */
export function auditScope(opts: { viewer: User; adminLog: boolean; managedMediaIds: string[] }): AuditScope {
  if (opts.adminLog) {
    if (!opts.viewer.is_admin) throw new AppError('forbidden', { message: 'Only site admins can do that.' });
    return { all: true };
  }
  if (opts.managedMediaIds.length > MAX_OWNER_AUDIT_MEDIA) throw new AppError('validation_failed', { message: 'Pick one media item to see its audit entries.' });
  return { all: false, mediaIds: opts.managedMediaIds };
}
