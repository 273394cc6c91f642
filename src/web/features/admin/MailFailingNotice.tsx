import type { MailNoticeDto } from '../../../contracts/api.js';
import { Alert } from '../../ui/Alert.js';
import { formatWhen, formatDateTime } from '../../ui/format.js';

const count = (n: number, one: string, many: string) => `${n.toLocaleString()} ${n === 1 ? one : many}`;

/**
 * "Email delivery is failing": on People with access (what waits: this media's invitations) and on the
 * admin's outbox (every email). Shown only while the mail server keeps failing; nothing is lost meanwhile.
 */
export function MailFailingNotice({ notice, what }: { notice: MailNoticeDto | undefined; what: 'invitations' | 'emails' }) {
  if (!notice?.failing) return null;
  const [one, many] = what === 'invitations' ? ['invitation', 'invitations'] : ['email', 'emails'];
  const waiting =
    notice.waiting > 0
      ? `${count(notice.waiting, one, many)} ${notice.waiting === 1 ? 'is' : 'are'} waiting and will be sent automatically when the mail server is back.`
      : `New ${many} will wait and be sent automatically when the mail server is back.`;
  return (
    <Alert tone="warning" className="mail-notice">
      <p data-testid="mail-notice">
        Email delivery is failing; {waiting}
      </p>
      <p className="muted small">
        {notice.problem}
        {notice.since && (
          <>
            {' '}
            Failing since <time dateTime={notice.since} title={formatDateTime(notice.since)}>{formatWhen(notice.since)}</time>.
          </>
        )}
        {notice.nextTryAt && (
          <>
            {' '}
            Next try <time dateTime={notice.nextTryAt} title={formatDateTime(notice.nextTryAt)}>{formatWhen(notice.nextTryAt)}</time>.
          </>
        )}
      </p>
    </Alert>
  );
}
