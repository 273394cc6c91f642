import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { auditActions } from '../../contracts/invites.js';
import { endpoints, queryKeys, type AuditFilters } from '../api/endpoints.js';
import { actionLabel } from '../features/admin/audit-labels.js';
import { AuditTable } from '../features/admin/AuditTable.js';
import { Button } from '../ui/Button.js';
import { EmptyState } from '../ui/EmptyState.js';
import { ErrorState } from '../ui/ErrorState.js';
import { SelectField, TextField } from '../ui/Field.js';
import { ActivityIcon, RefreshIcon } from '../ui/icons.js';
import { PageTitle } from '../ui/PageTitle.js';
import { LoadingBlock } from '../ui/Spinner.js';

const PAGE = 100;
const MAX = 1000;

interface Draft {
  action: string;
  mediaId: string;
  from: string;
  to: string;
}
const empty: Draft = { action: '', mediaId: '', from: '', to: '' };

/** Dates from the form are whole local days: "to" includes the whole of its day. */
const toFilters = (d: Draft, limit: number): AuditFilters => ({
  action: d.action || undefined,
  mediaId: d.mediaId.trim() || undefined,
  from: d.from ? new Date(`${d.from}T00:00:00`).toISOString() : undefined,
  to: d.to ? new Date(`${d.to}T23:59:59.999`).toISOString() : undefined,
  limit,
});

export function AdminAuditPage() {
  const [draft, setDraft] = useState<Draft>(empty);
  const [applied, setApplied] = useState<Draft>(empty);
  const [limit, setLimit] = useState(PAGE);
  const filters = toFilters(applied, limit);
  const audit = useQuery({ queryKey: queryKeys.adminAudit(filters), queryFn: () => endpoints.adminAudit(filters), placeholderData: keepPreviousData });
  const items = audit.data?.items ?? [];
  // The media the log mentions, by title, for the picker (refreshed with the log).
  const media = useQuery({ queryKey: queryKeys.adminAuditMedia, queryFn: endpoints.adminAuditMedia, staleTime: 10_000 });
  const mediaChoices = media.data?.items ?? [];
  const rangeError = draft.from && draft.to && draft.from > draft.to ? 'The end date is before the start date.' : undefined;

  const apply = (d: Draft) => {
    setDraft(d);
    setApplied(d);
    setLimit(PAGE);
  };
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (!rangeError) apply(draft);
  };
  const filtered = JSON.stringify(applied) !== JSON.stringify(empty);

  return (
    <div className="page">
      <PageTitle>Audit log</PageTitle>
      <div className="page-header">
        <div>
          <h1 className="page-title">Audit log</h1>
          <p className="page-subtitle">Invites created, sent, opened, used, refused and revoked; role and settings changes. Never a link or a code.</p>
        </div>
        <Button
          icon={<RefreshIcon size={16} />}
          onClick={() => {
            void audit.refetch();
            void media.refetch();
          }}
          busy={audit.isFetching && !audit.isPending}
        >
          Refresh
        </Button>
      </div>

      <form className="filters" onSubmit={onSubmit} aria-label="Filter the audit log">
        <SelectField label="Action" value={draft.action} onChange={(e) => setDraft({ ...draft, action: e.target.value })}>
          <option value="">All actions</option>
          {auditActions.map((a) => (
            <option key={a} value={a}>
              {actionLabel[a]}
            </option>
          ))}
        </SelectField>
        <SelectField label="Media" value={draft.mediaId} onChange={(e) => apply({ ...draft, mediaId: e.target.value })}>
          <option value="">All media</option>
          {draft.mediaId && !mediaChoices.some((m) => m.id === draft.mediaId) && <option value={draft.mediaId}>{media.isPending ? 'Loading…' : 'This media'}</option>}
          {mediaChoices.map((m) => (
            <option key={m.id} value={m.id}>
              {m.title || 'Untitled'}
              {m.deleted ? ' (deleted)' : ''}
            </option>
          ))}
        </SelectField>
        <TextField label="From" type="date" value={draft.from} onChange={(e) => setDraft({ ...draft, from: e.target.value })} />
        <TextField label="To" type="date" value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.target.value })} error={rangeError} />
        <div className="filters-actions">
          <Button type="submit" variant="primary">
            Apply
          </Button>
          {filtered && <Button onClick={() => apply(empty)}>Clear</Button>}
        </div>
      </form>

      {audit.isPending ? (
        <LoadingBlock label="Loading the audit log…" />
      ) : audit.isError ? (
        <ErrorState error={audit.error} onRetry={() => void audit.refetch()} title="Could not load the audit log" />
      ) : items.length === 0 ? (
        <EmptyState icon={<ActivityIcon size={28} />} title={filtered ? 'Nothing matches these filters' : 'Nothing recorded yet'}>
          {filtered ? 'Try a wider date range or another action.' : 'Entries appear here as soon as someone invites people or changes a setting.'}
        </EmptyState>
      ) : (
        <>
          <AuditTable items={items} caption="Audit log" showMedia onPickMedia={(id) => apply({ ...applied, mediaId: id })} />
          <div className="load-more">
            {items.length >= limit && limit < MAX ? (
              <Button size="sm" busy={audit.isFetching} onClick={() => setLimit((n) => Math.min(MAX, n + PAGE))}>
                Load more
              </Button>
            ) : null}
            <span className="muted small">
              {items.length.toLocaleString()} {items.length === 1 ? 'entry' : 'entries'}
              {items.length >= MAX && ' (the most recent 1,000: narrow the filters to see older ones)'}
            </span>
          </div>
        </>
      )}
    </div>
  );
}
