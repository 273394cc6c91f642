import { useMemo, useState } from 'react';
import type { MediaDto } from '../../../contracts/api.js';
import { inviteStatuses, type InviteRowDto, type InviteStatus } from '../../../contracts/invites.js';
import { isApiError } from '../../api/client.js';
import { endpoints } from '../../api/endpoints.js';
import { Alert } from '../../ui/Alert.js';
import { Button } from '../../ui/Button.js';
import { EmptyState } from '../../ui/EmptyState.js';
import { ErrorState } from '../../ui/ErrorState.js';
import { DownloadIcon, TrashIcon, UserPlusIcon, UsersIcon } from '../../ui/icons.js';
import { LoadingBlock } from '../../ui/Spinner.js';
import { useToast } from '../../ui/Toasts.js';
import { InviteDialog } from './InviteDialog.js';
import { roleLabel, statusLabel } from './labels.js';
import { fullName, PeopleTable } from './PeopleTable.js';
import { NewLinkDialog, RevokeDialog } from './SharingDialogs.js';
import { MailFailingNotice } from '../admin/MailFailingNotice.js';
import { useInviteActions, useInviteList, useMailNotice } from './useInvites.js';
import { useViewingStats } from './useViewingStats.js';

const PAGE = 50;

/** "People with access" for one media item: who was invited, how their link stands, and what to do about it. */
export function PeopleWithAccess({ media }: { media: MediaDto }) {
  const list = useInviteList(media.id);
  const actions = useInviteActions(media.id);
  const stats = useViewingStats(media);
  const toast = useToast();
  const [inviting, setInviting] = useState(false);
  const [status, setStatus] = useState<InviteStatus | 'all'>('all');
  const [query, setQuery] = useState('');
  const [shown, setShown] = useState(PAGE);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [revoking, setRevoking] = useState<InviteRowDto[] | null>(null);
  const [linkRow, setLinkRow] = useState<InviteRowDto | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);

  const rows = useMemo(() => list.data ?? [], [list.data]);
  const emailsWaiting = rows.some((r) => r.emailDelivery?.status === 'sending' || r.emailDelivery?.status === 'retrying');
  const mailNotice = useMailNotice(media.id, emailsWaiting);
  const counts = useMemo(() => {
    const c = new Map<InviteStatus, number>();
    for (const r of rows) c.set(r.status, (c.get(r.status) ?? 0) + 1);
    return c;
  }, [rows]);
  const filtered = useMemo(() => {
    const q = query.trim().toLowerCase();
    return rows.filter((r) => (status === 'all' || r.status === status) && (!q || r.email.toLowerCase().includes(q) || fullName(r).toLowerCase().includes(q)));
  }, [rows, status, query]);
  // Selection only ever holds people still on the list and not revoked.
  const live = new Set(rows.filter((r) => r.status !== 'revoked').map((r) => r.id));
  const chosen = [...selected].filter((id) => live.has(id));

  const fail = (err: unknown) => setActionError(isApiError(err) ? err.message : 'Something went wrong. Try again.');
  const handlers = {
    onResend: (r: InviteRowDto) => {
      setActionError(null);
      actions.resend.mutate(r.id, { onSuccess: () => toast.show(`A new link was emailed to ${r.email}. The previous link no longer works.`), onError: fail });
    },
    onNewLink: (r: InviteRowDto) => {
      setActionError(null);
      setLinkRow(r);
      actions.newLink.mutate(r.id);
    },
    onRevoke: (rs: InviteRowDto[]) => {
      actions.revoke.reset();
      setRevoking(rs);
    },
    onRole: (r: InviteRowDto, role: InviteRowDto['role']) => {
      setActionError(null);
      actions.changeRole.mutate({ inviteId: r.id, role }, { onSuccess: () => toast.show(`${r.email} is now a ${roleLabel[role].toLowerCase()}. We emailed them.`), onError: fail });
    },
  };

  const confirmRevoke = () => {
    if (!revoking) return;
    actions.revoke.mutate(
      revoking.map((r) => r.id),
      {
        onSuccess: ({ revoked }) => {
          toast.show(revoking.length === 1 ? `Access revoked for ${revoking[0].email}.` : `Access revoked for ${revoked} people.`);
          setSelected(new Set());
          setRevoking(null);
        },
      },
    );
  };

  const header = (
    <div className="sharing-head">
      <div>
        <h2 id="people-title" className="sharing-title">
          People with access {rows.length > 0 && <span className="count-badge">{rows.length.toLocaleString()}</span>}
        </h2>
        <p className="muted small">Only the people listed here can open it with their personal link, plus you and site admins.</p>
      </div>
      <div className="sharing-head-actions">
        {rows.length > 0 && media.type === 'quiz' && (
          <a className="btn btn-secondary btn-sm" href={`/api/media/${encodeURIComponent(media.id)}/quiz/results.csv`} download>
            <DownloadIcon size={16} />
            <span>Quiz results CSV</span>
          </a>
        )}
        {rows.length > 0 && (
          <a className="btn btn-secondary btn-sm" href={endpoints.invitesCsvUrl(media.id)} download>
            <DownloadIcon size={16} />
            <span>Export CSV</span>
          </a>
        )}
        {rows.length > 0 && (
          <Button size="sm" icon={<UserPlusIcon size={16} />} onClick={() => setInviting(true)}>
            Invite people
          </Button>
        )}
      </div>
    </div>
  );

  return (
    <section className="panel sharing-panel" aria-labelledby="people-title" data-slot="people-with-access">
      {header}
      <MailFailingNotice notice={mailNotice.data} what="invitations" />
      {actionError && (
        <Alert tone="error" className="sharing-alert">
          {actionError}
        </Alert>
      )}
      {list.isPending ? (
        <LoadingBlock label="Loading people…" />
      ) : list.isError ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} title="Could not load the people with access" />
      ) : rows.length === 0 ? (
        <EmptyState
          icon={<UsersIcon size={28} />}
          title="No one invited yet"
          action={
            <Button variant="primary" icon={<UserPlusIcon size={18} />} onClick={() => setInviting(true)}>
              Invite people
            </Button>
          }
        >
          Invite people to give each of them a personal link to this {media.type === 'live' ? 'event' : media.type}. A link works only for the person it was sent to.
        </EmptyState>
      ) : (
        <>
          <div className="sharing-toolbar">
            <label className="toolbar-field">
              <span className="visually-hidden">Filter by status</span>
              <select className="input select" value={status} onChange={(e) => {
                setStatus(e.target.value as InviteStatus | 'all');
                setShown(PAGE);
              }}>
                <option value="all">All statuses ({rows.length.toLocaleString()})</option>
                {inviteStatuses.map((s) => (
                  <option key={s} value={s} disabled={!counts.get(s)}>
                    {statusLabel[s]} ({(counts.get(s) ?? 0).toLocaleString()})
                  </option>
                ))}
              </select>
            </label>
            <label className="toolbar-field toolbar-search">
              <span className="visually-hidden">Search people</span>
              <input className="input" type="search" placeholder="Search by name or email" value={query} onChange={(e) => {
                setQuery(e.target.value);
                setShown(PAGE);
              }} />
            </label>
            {chosen.length > 0 && (
              <div className="selection-bar" role="region" aria-label="Selection">
                <span className="selection-count">{chosen.length.toLocaleString()} selected</span>
                <Button size="sm" variant="danger" icon={<TrashIcon size={16} />} onClick={() => handlers.onRevoke(rows.filter((r) => chosen.includes(r.id)))}>
                  Revoke selected
                </Button>
                <Button size="sm" variant="ghost" onClick={() => setSelected(new Set())}>
                  Clear
                </Button>
              </div>
            )}
          </div>
          {filtered.length === 0 ? (
            <p className="sharing-none">
              No one matches these filters.{' '}
              <button type="button" className="link-button" onClick={() => {
                setStatus('all');
                setQuery('');
              }}>
                Show everyone
              </button>
            </p>
          ) : (
            <PeopleTable media={media} rows={filtered.slice(0, shown)} selected={selected} onSelect={setSelected} handlers={handlers} stats={stats} />
          )}
          {filtered.length > shown && (
            <div className="load-more">
              <Button size="sm" onClick={() => setShown((n) => n + PAGE)}>
                Show {Math.min(PAGE, filtered.length - shown)} more
              </Button>
              <span className="muted small">
                Showing {shown.toLocaleString()} of {filtered.length.toLocaleString()}
              </span>
            </div>
          )}
        </>
      )}

      <InviteDialog media={media} open={inviting} onClose={() => setInviting(false)} />
      <RevokeDialog rows={revoking} onClose={() => setRevoking(null)} onConfirm={confirmRevoke} busy={actions.revoke.isPending} error={actions.revoke.error} />
      <NewLinkDialog
        row={linkRow}
        link={actions.newLink.data?.link}
        busy={actions.newLink.isPending}
        error={actions.newLink.error}
        onClose={() => {
          setLinkRow(null);
          // The link is shown once: forget it.
          actions.newLink.reset();
        }}
      />
    </section>
  );
}
