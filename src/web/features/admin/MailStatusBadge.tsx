import type { OutboxItemDto } from '../../../contracts/api.js';

const label: Record<OutboxItemDto['status'], string> = { pending: 'Pending', sending: 'Sending', sent: 'Sent', failed: 'Failed' };

export function MailStatusBadge({ status, mode }: { status: OutboxItemDto['status']; mode: 'smtp' | 'outbox' }) {
  // In outbox mode "sent" means "kept in the outbox", not delivered to anyone.
  const text = status === 'sent' && mode === 'outbox' ? 'In outbox' : label[status];
  return <span className={`badge badge-status badge-status-${status}`}>{text}</span>;
}

export function MailModeNotice({ mode }: { mode: 'smtp' | 'outbox' }) {
  return mode === 'outbox' ? (
    <div className="mode-notice mode-notice-outbox">
      <p className="mode-notice-title">
        <span className="badge badge-warning">Outbox mode</span> Emails are not delivered
      </p>
      <p className="mode-notice-text">
        No SMTP server is configured (<code>SMTP_URL</code>), so every email stays here. Open one to read it and use its links.
      </p>
    </div>
  ) : (
    <div className="mode-notice mode-notice-smtp">
      <p className="mode-notice-title">
        <span className="badge badge-success">SMTP</span> Emails are delivered by your mail server
      </p>
      <p className="mode-notice-text">This is the delivery log: what was sent, what is waiting for a retry, and what failed with which error.</p>
    </div>
  );
}
