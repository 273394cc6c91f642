import type { MailNoticeDto, OutboxItemDto } from '../../../contracts/api.js';
import type { MailMessage } from '../../db/schema.js';
import { iso, isoOrNull } from '../../domain/time.js';
import type { MailHealth } from '../../services/mail.service.js';

export const presentOutboxMessage = (m: MailMessage, nextTryAt: number | null = null): OutboxItemDto => ({
  id: m.id,
  kind: m.kind,
  to: m.to_address,
  subject: m.subject,
  status: m.status,
  attempts: m.attempts,
  lastError: m.last_error,
  errorDetail: m.error_detail,
  nextTryAt: isoOrNull(nextTryAt),
  createdAt: iso(m.created_at),
  sentAt: isoOrNull(m.sent_at),
  text: m.text_body,
  html: m.html_body,
});

/** "Email delivery is failing; N … are waiting". */
export const presentMailNotice = (h: MailHealth, waiting: number): MailNoticeDto => ({
  failing: h.failing,
  waiting,
  since: isoOrNull(h.since),
  nextTryAt: isoOrNull(h.nextTryAt),
  problem: h.problem,
});
