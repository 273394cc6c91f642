import { Link, useParams } from 'react-router';
import { linkify } from '../features/admin/linkify.js';
import { MailStatusBadge } from '../features/admin/MailStatusBadge.js';
import { useOutbox } from '../features/admin/useOutbox.js';
import { Alert } from '../ui/Alert.js';
import { ButtonLink } from '../ui/Button.js';
import { PageTitle } from '../ui/PageTitle.js';
import { EmailAddress } from '../ui/EmailAddress.js';
import { EmptyState } from '../ui/EmptyState.js';
import { ErrorState } from '../ui/ErrorState.js';
import { formatDateTime } from '../ui/format.js';
import { ArrowLeftIcon, InboxIcon } from '../ui/icons.js';
import { LoadingBlock } from '../ui/Spinner.js';

export function OutboxMessagePage() {
  const { mailId = '' } = useParams();
  const outbox = useOutbox();
  if (outbox.isPending) return <LoadingBlock label="Loading email…" />;
  if (outbox.isError) return <ErrorState error={outbox.error} onRetry={() => void outbox.refetch()} />;
  const mail = outbox.data.items.find((m) => m.id === mailId);
  if (!mail) {
    return (
      <div className="page">
        <EmptyState
          icon={<InboxIcon size={28} />}
          title="Email not found"
          action={
            <ButtonLink to="/admin/outbox" variant="primary">
              Back to the outbox
            </ButtonLink>
          }
        >
          It is not among the latest 200 emails.
        </EmptyState>
      </div>
    );
  }
  return (
    <div className="page page-narrow">
      <PageTitle>{mail.subject}</PageTitle>
      <Link to="/admin/outbox" className="back-link">
        <ArrowLeftIcon size={16} /> Outbox
      </Link>
      <article className="mail">
        <header className="mail-header">
          <h1 className="mail-subject">{mail.subject}</h1>
          <dl className="mail-facts">
            <div>
              <dt>To</dt>
              <dd className="cell-email">
                <EmailAddress value={mail.to} />
              </dd>
            </div>
            <div>
              <dt>Kind</dt>
              <dd>
                <code className="kind">{mail.kind}</code>
              </dd>
            </div>
            <div>
              <dt>Status</dt>
              <dd>
                <MailStatusBadge status={mail.status} mode={outbox.data.mode} /> <span className="muted small">after {mail.attempts} {mail.attempts === 1 ? 'attempt' : 'attempts'}</span>
              </dd>
            </div>
            <div>
              <dt>Created</dt>
              <dd>{formatDateTime(mail.createdAt)}</dd>
            </div>
            {mail.sentAt && (
              <div>
                <dt>{outbox.data.mode === 'outbox' ? 'Stored' : 'Sent'}</dt>
                <dd>{formatDateTime(mail.sentAt)}</dd>
              </div>
            )}
          </dl>
        </header>
        {mail.lastError && (
          <Alert tone="error" title="Last delivery error">
            <code className="break">{mail.lastError}</code>
          </Alert>
        )}
        <div className="mail-body" aria-label="Message text">
          {linkify(mail.text)}
        </div>
      </article>
    </div>
  );
}
