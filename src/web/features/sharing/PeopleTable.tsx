import { useEffect, useRef } from 'react';
import type { MediaDto } from '../../../contracts/api.js';
import type { InviteRoleDto, InviteRowDto } from '../../../contracts/invites.js';
import { EmailAddress } from '../../ui/EmailAddress.js';
import { formatDateTime, formatWhen } from '../../ui/format.js';
import { LinkIcon, MoreIcon, SendIcon, TrashIcon } from '../../ui/icons.js';
import { Menu } from '../../ui/Menu.js';
import { emailDeliveryHelp, emailDeliveryLabel, roleLabel, rolesFor, statusHelp, statusLabel } from './labels.js';
import type { PersonStats, ViewingStats } from './useViewingStats.js';

export interface RowHandlers {
  onResend: (row: InviteRowDto) => void;
  onNewLink: (row: InviteRowDto) => void;
  onRevoke: (rows: InviteRowDto[]) => void;
  onRole: (row: InviteRowDto, role: InviteRoleDto) => void;
}

export const fullName = (r: InviteRowDto) => [r.firstName, r.lastName].filter(Boolean).join(' ');
const who = (r: InviteRowDto) => fullName(r) || r.email;

function SelectAll({ rows, selected, onChange }: { rows: InviteRowDto[]; selected: Set<string>; onChange: (s: Set<string>) => void }) {
  const ref = useRef<HTMLInputElement>(null);
  const selectable = rows.filter((r) => r.status !== 'revoked');
  const chosen = selectable.filter((r) => selected.has(r.id)).length;
  useEffect(() => {
    if (ref.current) ref.current.indeterminate = chosen > 0 && chosen < selectable.length;
  }, [chosen, selectable.length]);
  return (
    <input
      ref={ref}
      type="checkbox"
      className="checkbox"
      aria-label="Select everyone shown"
      checked={selectable.length > 0 && chosen === selectable.length}
      disabled={selectable.length === 0}
      onChange={(e) => onChange(new Set(e.target.checked ? selectable.map((r) => r.id) : []))}
    />
  );
}

/** People with access as a table; on phones each row becomes a card (CSS). */
export function PeopleTable({
  media,
  rows,
  selected,
  onSelect,
  handlers,
  stats,
}: {
  media: MediaDto;
  rows: InviteRowDto[];
  selected: Set<string>;
  onSelect: (s: Set<string>) => void;
  handlers: RowHandlers;
  stats?: ViewingStats;
}) {
  const roles = rolesFor(media.type);
  const toggle = (id: string, on: boolean) => {
    const next = new Set(selected);
    if (on) next.add(id);
    else next.delete(id);
    onSelect(next);
  };
  return (
    <div className="table-wrap">
      <table className="table table-people">
        <caption className="visually-hidden">People with access to {media.title}</caption>
        <thead>
          <tr>
            <th scope="col" className="cell-check">
              <SelectAll rows={rows} selected={selected} onChange={onSelect} />
            </th>
            <th scope="col">Person</th>
            <th scope="col">Role</th>
            <th scope="col">Status</th>
            {stats && <th scope="col">Watched</th>}
            {stats?.isQuiz && <th scope="col">Quiz score</th>}
            {stats?.isLive && <th scope="col">Attended</th>}
            <th scope="col">Uses left</th>
            <th scope="col">Expires</th>
            <th scope="col">Device bound</th>
            <th scope="col">Last access</th>
            <th scope="col" className="cell-actions">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => {
            const revoked = r.status === 'revoked';
            const name = fullName(r);
            return (
              <tr key={r.id} className={revoked ? 'row-muted' : undefined} data-invite={r.email}>
                <td className="cell-check">
                  <input type="checkbox" className="checkbox" aria-label={`Select ${who(r)}`} checked={selected.has(r.id)} disabled={revoked} onChange={(e) => toggle(r.id, e.target.checked)} />
                </td>
                <td className="cell-primary cell-person">
                  {name && <span className="person-name">{name}</span>}
                  <span className={name ? 'person-email' : 'person-name'}>
                    <EmailAddress value={r.email} />
                  </span>
                  {r.sharedWithAccount && (
                    <span className="person-email muted small" title="Only their organisation’s sign-in (SSO) opens it">
                      Shared with their account (SSO sign-in)
                    </span>
                  )}
                </td>
                <td data-label="Role">
                  {roles.length > 1 && !revoked ? (
                    <select className="input select select-inline" aria-label={`Role for ${who(r)}`} value={r.role} onChange={(e) => handlers.onRole(r, e.target.value as InviteRoleDto)}>
                      {roles.map((x) => (
                        <option key={x} value={x}>
                          {roleLabel[x]}
                        </option>
                      ))}
                    </select>
                  ) : (
                    roleLabel[r.role]
                  )}
                </td>
                <td data-label="Status">
                  <InviteStatusBadge row={r} />
                </td>
                {stats && (
                  <td data-label="Watched" className="cell-watched">
                    <Watched stats={stats.get(r.email)} />
                  </td>
                )}
                {stats?.isQuiz && (
                  <td data-label="Quiz score" className="nowrap">
                    <Score stats={stats.get(r.email)} />
                  </td>
                )}
                {stats?.isLive && (
                  <td data-label="Attended" className="nowrap">
                    {attendedText(stats.get(r.email)?.attendedMinutes)}
                  </td>
                )}
                <td data-label="Uses left">{r.usesLeft === null ? 'Unlimited' : r.usesLeft.toLocaleString()}</td>
                <td data-label="Expires" className="nowrap">
                  <time dateTime={r.expiresAt} title={formatDateTime(r.expiresAt)}>
                    {formatWhen(r.expiresAt)}
                  </time>
                </td>
                <td data-label="Device bound">{r.deviceBound ? 'Yes' : 'No'}</td>
                <td data-label="Last access" className="nowrap">
                  {r.lastAccessAt ? <time dateTime={r.lastAccessAt} title={formatDateTime(r.lastAccessAt)}>
                      {formatWhen(r.lastAccessAt)}
                    </time> : <span className="muted">Never</span>}
                </td>
                <td className="cell-actions">
                  <Menu
                    label={`Actions for ${who(r)}`}
                    trigger={<MoreIcon size={18} />}
                    items={[
                      { label: 'Resend by email', icon: <SendIcon size={16} />, onSelect: () => handlers.onResend(r), disabled: revoked },
                      { label: 'Copy a new link', icon: <LinkIcon size={16} />, onSelect: () => handlers.onNewLink(r), disabled: revoked },
                      { label: 'Revoke access', icon: <TrashIcon size={16} />, onSelect: () => handlers.onRevoke([r]), disabled: revoked, danger: true },
                    ]}
                  />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/**
 * The link's status; while nobody has opened it yet and it was emailed, how the email stands instead:
 * Sending, Retrying (with the next try and the error), Sent, or Email failed (with the reason).
 */
function InviteStatusBadge({ row: r }: { row: InviteRowDto }) {
  const d = r.emailDelivery;
  if (r.status !== 'sent' || !d) {
    return (
      <span className={`badge badge-invite badge-invite-${r.status}`} title={statusHelp[r.status]}>
        {statusLabel[r.status]}
      </span>
    );
  }
  return (
    <div className="email-delivery" data-email-status={d.status}>
      <span className={`badge badge-invite badge-email-${d.status}`} title={emailDeliveryHelp[d.status]}>
        {emailDeliveryLabel[d.status]}
      </span>
      {d.status === 'retrying' && (
        <p className="email-delivery-note muted small">
          {d.nextTryAt && (
            <>
              Next try <time dateTime={d.nextTryAt} title={formatDateTime(d.nextTryAt)}>{formatWhen(d.nextTryAt)}</time>.{' '}
            </>
          )}
          {d.problem}
        </p>
      )}
      {d.status === 'failed' && d.problem && <p className="email-delivery-note email-delivery-failed small">{d.problem}</p>}
    </div>
  );
}

/** Percent of the media seen and minutes watched, with first and last view on hover and below. */
function Watched({ stats }: { stats?: PersonStats }) {
  const v = stats?.viewing;
  if (!v) return <span className="muted">Not yet</span>;
  const minutes = v.minutesWatched < 1 ? '< 1 min' : `${Math.round(v.minutesWatched)} min`;
  return (
    <div className="watched" data-testid="person-watched">
      <div className="watched-figures">
        <span className="watched-percent">{Math.round(v.percentSeen)}% seen</span>
        <span className="muted"> · {minutes}</span>
      </div>
      <div className="progress progress-thin" aria-hidden="true">
        <div className="progress-bar" style={{ width: `${Math.min(100, Math.round(v.percentSeen))}%` }} />
      </div>
      <div className="watched-when muted small">
        <span>
          First <time dateTime={v.firstViewAt} title={formatDateTime(v.firstViewAt)}>{formatWhen(v.firstViewAt)}</time>
        </span>
        <span>
          Last <time dateTime={v.lastViewAt} title={formatDateTime(v.lastViewAt)}>{formatWhen(v.lastViewAt)}</time>
        </span>
      </div>
    </div>
  );
}

/** Best quiz score so far and whether it passes; "in progress" while only an open attempt exists. */
function Score({ stats }: { stats?: PersonStats }) {
  const q = stats?.quiz;
  if (!q) return <span className="muted">Not taken</span>;
  if (q.bestPercent === null) return <span className="muted">In progress</span>;
  const best = q.attempts.filter((a) => a.percent !== null).sort((a, b) => (b.percent ?? 0) - (a.percent ?? 0))[0];
  return (
    <span className="quiz-score-cell" data-testid="person-score">
      <span className={`badge ${q.passed ? 'badge-success' : 'badge-danger'}`}>{q.passed ? 'Passed' : 'Not passed'}</span>{' '}
      {best ? `${best.score} of ${best.maxScore} (${Math.round(q.bestPercent)}%)` : `${Math.round(q.bestPercent)}%`}
    </span>
  );
}

/** "42 min", "Never came" (invited, never in the room), or a dash before the report knows. */
function attendedText(minutes: number | null | undefined): string {
  if (minutes === undefined) return '—';
  if (minutes === null) return 'Never came';
  return `${minutes.toLocaleString()} min`;
}
