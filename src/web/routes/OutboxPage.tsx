import { Link } from 'react-router';
import { MailModeNotice, MailStatusBadge } from '../features/admin/MailStatusBadge.js';
import { MailFailingNotice } from '../features/admin/MailFailingNotice.js';
import { useAdminMailStatus, useOutbox } from '../features/admin/useOutbox.js';
import { Button } from '../ui/Button.js';
import { PageTitle } from '../ui/PageTitle.js';
import { EmailAddress } from '../ui/EmailAddress.js';
import { EmptyState } from '../ui/EmptyState.js';
import { ErrorState } from '../ui/ErrorState.js';
import { formatDateTime } from '../ui/format.js';
import { InboxIcon, RefreshIcon } from '../ui/icons.js';
import { LoadingBlock } from '../ui/Spinner.js';

export function OutboxPage() {
  const outbox = useOutbox();
  const mailStatus = useAdminMailStatus();
  return (
    <div className="page">
      <PageTitle>Email outbox</PageTitle>
      <div className="page-header">
        <div>
          <h1 className="page-title">Email outbox</h1>
          <p className="page-subtitle">Every email Foyer sent or tried to send, newest first.</p>
        </div>
        <Button icon={<RefreshIcon size={16} />} onClick={() => void outbox.refetch()} busy={outbox.isFetching && !outbox.isPending}>
          Refresh
        </Button>
      </div>
      {outbox.isPending ? (
        <LoadingBlock label="Loading emails…" />
      ) : outbox.isError ? (
        <ErrorState error={outbox.error} onRetry={() => void outbox.refetch()} title="Could not load the outbox" />
      ) : (
        <>
          <MailFailingNotice notice={mailStatus.data} what="emails" />
          <MailModeNotice mode={outbox.data.mode} />
          {outbox.data.items.length === 0 ? (
            <EmptyState icon={<InboxIcon size={28} />} title="No emails yet">
              Confirmation emails and invites appear here as soon as they are sent.
            </EmptyState>
          ) : (
            <div className="table-wrap">
              <table className="table table-mail">
                <caption className="visually-hidden">Emails</caption>
                <thead>
                  <tr>
                    <th scope="col">Subject</th>
                    <th scope="col">To</th>
                    <th scope="col">Kind</th>
                    <th scope="col">Status</th>
                    <th scope="col">Attempts</th>
                    <th scope="col">Time</th>
                  </tr>
                </thead>
                <tbody>
                  {outbox.data.items.map((m) => (
                    <tr key={m.id}>
                      <td data-label="Subject" className="cell-primary">
                        <Link to={`/admin/outbox/${m.id}`}>{m.subject}</Link>
                        {m.lastError && (
                          <p className="cell-error" title={m.errorDetail ?? m.lastError}>
                            {m.lastError}
                          </p>
                        )}
                        {m.nextTryAt && m.status !== 'sent' && m.status !== 'failed' && (
                          <p className="muted small">
                            Next try <time dateTime={m.nextTryAt}>{formatDateTime(m.nextTryAt)}</time>
                          </p>
                        )}
                      </td>
                      <td data-label="To" className="cell-email">
                        <EmailAddress value={m.to} />
                      </td>
                      <td data-label="Kind">
                        <code className="kind">{m.kind}</code>
                      </td>
                      <td data-label="Status">
                        <MailStatusBadge status={m.status} mode={outbox.data.mode} />
                      </td>
                      <td data-label="Attempts">{m.attempts}</td>
                      <td data-label="Time" className="nowrap">
                        <time dateTime={m.createdAt}>{formatDateTime(m.createdAt)}</time>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </div>
  );
}
