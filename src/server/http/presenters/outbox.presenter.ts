import type { OutboxItemDto } from '../../../contracts/api.js';
import type { MailMessage } from '../../db/schema.js';
import { iso, isoOrNull } from '../../domain/time.js';

export const presentOutboxMessage = (m: MailMessage): OutboxItemDto => ({
  id: m.id,
  kind: m.kind,
  to: m.to_address,
  subject: m.subject,
  status: m.status,
  attempts: m.attempts,
  lastError: m.last_error,
  createdAt: iso(m.created_at),
  sentAt: isoOrNull(m.sent_at),
  text: m.text_body,
  html: m.html_body,
});
