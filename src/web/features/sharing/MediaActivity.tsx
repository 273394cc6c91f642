import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { MediaDto } from '../../../contracts/api.js';
import { endpoints, queryKeys } from '../../api/endpoints.js';
import { Button } from '../../ui/Button.js';
import { ErrorState } from '../../ui/ErrorState.js';
import { LoadingBlock } from '../../ui/Spinner.js';
import { AuditTable } from '../admin/AuditTable.js';

const FIRST = 20;
const MAX = 1000;

/** The media's audit entries for its owner: who was invited, who came in, who was refused and why. */
export function MediaActivity({ media }: { media: MediaDto }) {
  const [limit, setLimit] = useState(FIRST);
  const audit = useQuery({ queryKey: queryKeys.mediaAudit(media.id, limit), queryFn: () => endpoints.mediaAudit(media.id, limit), placeholderData: keepPreviousData });
  const items = audit.data?.items ?? [];
  // Before anyone is invited there is nothing to tell; the panel appears with the first entry.
  if (audit.isSuccess && items.length === 0) return null;
  return (
    <section className="panel sharing-panel" aria-labelledby="activity-title">
      <div className="sharing-head">
        <div>
          <h2 id="activity-title" className="sharing-title">
            Activity
          </h2>
          <p className="muted small">Invites, link openings, entries and refusals for this media, newest first.</p>
        </div>
      </div>
      {audit.isPending ? (
        <LoadingBlock label="Loading activity…" />
      ) : audit.isError ? (
        <ErrorState error={audit.error} onRetry={() => void audit.refetch()} title="Could not load the activity" />
      ) : (
        <>
          <AuditTable items={items} caption={`Activity for ${media.title}`} />
          {items.length >= limit && limit < MAX && (
            <div className="load-more">
              <Button size="sm" busy={audit.isFetching} onClick={() => setLimit((n) => Math.min(MAX, n + 50))}>
                Show older entries
              </Button>
            </div>
          )}
        </>
      )}
    </section>
  );
}
