import { randomUUID } from 'node:crypto';
import type { AuditActionName } from '../../contracts/invites.js';
import type { AuditEntry, User } from '../db/schema.js';
import { auditScope } from '../domain/audit-visibility.js';
import type { AuditRepository } from '../repositories/audit.repository.js';
import type { Tx } from '../repositories/transaction.js';
import type { MediaService } from './media.service.js';

/** The list lives in contracts so the admin page can offer it as a filter. */
export type AuditAction = AuditActionName;

export interface AuditActor {
  kind: 'user' | 'guest' | 'system';
  id: string | null;
  label: string;
}

export interface AuditRecord {
  action: AuditAction;
  actor: AuditActor;
  mediaId?: string | null;
  inviteId?: string | null;
  /** Never a token or a code. */
  details?: Record<string, unknown>;
}

export interface AuditFilter {
  action?: string;
  mediaId?: string;
  inviteId?: string;
  from?: number;
  to?: number;
  limit: number;
}

/** Audit entries with the titles of the media they are about (looked up in one query). */
export interface AuditPage {
  entries: AuditEntry[];
  titles: Map<string, string>;
}

export const userActor = (u: User): AuditActor => ({ kind: 'user', id: u.id, label: u.email });

/** Who did what to which invite, when. Written in the same transaction as the change it describes. */
export class AuditService {
  constructor(private readonly deps: { repo: AuditRepository; media: MediaService; clock: () => number }) {}

  async record(entry: AuditRecord, trx?: Tx): Promise<void> {
    await this.deps.repo.insert(this.entry(entry), trx);
  }

  /** The row `record` writes, for a use case that writes it together with its change in one statement. */
  entry(entry: AuditRecord): AuditEntry {
    return {
      id: randomUUID(),
      at: this.deps.clock(),
      action: entry.action,
      actor_kind: entry.actor.kind,
      actor_id: entry.actor.id,
      actor_label: entry.actor.label,
      media_id: entry.mediaId ?? null,
      invite_id: entry.inviteId ?? null,
      details_json: entry.details ? JSON.stringify(entry.details) : null,
    };
  }

  /** The site's whole audit log, for admins. */
  async forAdmin(viewer: User, f: AuditFilter): Promise<AuditPage> {
    auditScope({ viewer, adminLog: true, managedMediaIds: [] });
    return this.page(await this.deps.repo.list(f));
  }

  /** Entries about media this account manages: one item (`f.mediaId`) or all of theirs. */
  async forManager(viewer: User, f: AuditFilter): Promise<AuditPage> {
    const managed = f.mediaId ? [(await this.deps.media.getManaged(viewer, f.mediaId)).id] : (await this.deps.media.list(viewer)).map((m) => m.id);
    const scope = auditScope({ viewer, adminLog: false, managedMediaIds: managed });
    if (scope.all) return this.page(await this.deps.repo.list(f));
    if (!scope.mediaIds.length) return { entries: [], titles: new Map() };
    return this.page(await this.deps.repo.list({ ...f, mediaIds: scope.mediaIds }));
  }

  /** The media the whole log mentions, by title (admins), for a picker. */
  async mediaForAdmin(viewer: User): Promise<Array<{ id: string; title: string; type: string; deleted: boolean }>> {
    auditScope({ viewer, adminLog: true, managedMediaIds: [] });
    const ids = await this.deps.repo.mediaIds();
    const found = [];
    // in chunks: a long-lived site's log may name many media
    for (let i = 0; i < ids.length; i += 500) found.push(...(await this.deps.media.summaries(ids.slice(i, i + 500))));
    return found.map((m) => ({ id: m.id, title: m.title, type: m.type, deleted: m.deleted_at !== null })).sort((a, b) => a.title.localeCompare(b.title));
  }

  private async page(entries: AuditEntry[]): Promise<AuditPage> {
    const ids = [...new Set(entries.map((e) => e.media_id).filter((x): x is string => !!x))];
    return { entries, titles: await this.deps.media.titles(ids) };
  }
}
