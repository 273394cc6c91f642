import type { AuditEntryDto } from '../../../contracts/invites.js';
import { iso } from '../../domain/time.js';
import type { AuditPage } from '../../services/audit.service.js';

export const presentAuditPage = ({ entries, titles }: AuditPage): AuditEntryDto[] =>
  entries.map((e) => ({
    id: e.id,
    at: iso(e.at),
    action: e.action,
    actor: { kind: e.actor_kind, id: e.actor_id, label: e.actor_label },
    mediaId: e.media_id,
    mediaTitle: e.media_id ? (titles.get(e.media_id) ?? '') : null,
    inviteId: e.invite_id,
    details: e.details_json ? (JSON.parse(e.details_json) as Record<string, unknown>) : null,
  }));
