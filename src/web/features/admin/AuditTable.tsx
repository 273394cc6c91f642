import type { AuditEntryDto } from '../../../contracts/invites.js';
import { EmailAddress } from '../../ui/EmailAddress.js';
import { formatDateTime, formatWhen } from '../../ui/format.js';
import { actionTone, describeAudit, labelOf } from './audit-labels.js';

/** Audit entries, newest first; with a media column on the admin page. Cards on phones (CSS). */
export function AuditTable({ items, caption, showMedia, onPickMedia }: { items: AuditEntryDto[]; caption: string; showMedia?: boolean; onPickMedia?: (id: string) => void }) {
  return (
    <div className="table-wrap">
      <table className="table table-audit">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Action</th>
            <th scope="col">Who</th>
            {showMedia && <th scope="col">Media</th>}
            <th scope="col">Details</th>
          </tr>
        </thead>
        <tbody>
          {items.map((e) => (
            <tr key={e.id}>
              <td data-label="Time" className="nowrap">
                <time dateTime={e.at} title={formatDateTime(e.at)}>
                  {formatWhen(e.at)}
                </time>
              </td>
              <td data-label="Action" className="cell-primary">
                <span className={`badge badge-audit badge-audit-${actionTone(e.action)}`}>{labelOf(e.action)}</span>
              </td>
              <td data-label="Who" className="cell-email">
                <EmailAddress value={e.actor.label} />
                {e.actor.kind === 'guest' && <span className="muted small"> (guest)</span>}
              </td>
              {showMedia && (
                <td data-label="Media" className="break">
                  {e.mediaId ? (
                    onPickMedia ? (
                      <button type="button" className="link-button" onClick={() => onPickMedia(e.mediaId!)} title="Show only this media">
                        {e.mediaTitle || 'Untitled media'}
                      </button>
                    ) : (
                      e.mediaTitle
                    )
                  ) : (
                    <span className="muted">—</span>
                  )}
                </td>
              )}
              <td data-label="Details" className="break">
                {describeAudit(e) || <span className="muted">—</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
