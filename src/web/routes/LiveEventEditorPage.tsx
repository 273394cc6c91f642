import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate, useParams } from 'react-router';
import type { EventPageDto } from '../../contracts/live.js';
import { EventForm } from '../features/live/EventForm.js';
import { fetchEventPage } from '../features/live/liveApi.js';
import { eventPageKey } from '../features/live/OwnerControls.js';
import { ErrorState } from '../ui/ErrorState.js';
import { PageTitle } from '../ui/PageTitle.js';
import { LoadingBlock } from '../ui/Spinner.js';

/** /events/new and /events/:id/edit — the live event form. */
export function LiveEventEditorPage() {
  const { id } = useParams();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const existing = useQuery({ queryKey: eventPageKey(id ?? ''), queryFn: () => fetchEventPage(id!), enabled: Boolean(id) });
  const heading = id ? 'Edit live event' : 'New live event';
  const saved = (page: EventPageDto) => {
    qc.setQueryData(eventPageKey(page.event.id), page);
    void qc.invalidateQueries({ queryKey: ['media'] });
    void navigate(`/events/${encodeURIComponent(page.event.id)}`);
  };
  const cancel = () => void navigate(id ? `/events/${encodeURIComponent(id)}` : '/');

  return (
    <div className="page page-narrow">
      <PageTitle>{heading}</PageTitle>
      <div className="page-header">
        <div>
          <h1 className="page-title">{heading}</h1>
          <p className="page-subtitle">{id ? 'Changes reach everyone with the link.' : 'Schedule a webcast, simulive or DIY live session, then invite people.'}</p>
        </div>
      </div>
      {id && existing.isPending ? (
        <LoadingBlock label="Loading the event…" />
      ) : id && existing.isError ? (
        <ErrorState error={existing.error} onRetry={() => void existing.refetch()} title="Could not load this event" />
      ) : (
        <section className="panel">
          <EventForm event={existing.data?.event} onSaved={saved} onCancel={cancel} />
        </section>
      )}
    </div>
  );
}
