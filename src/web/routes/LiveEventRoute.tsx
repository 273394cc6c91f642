import { useCallback, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { LiveEventPage } from '../features/live/LiveEventPage.js';
import { OwnerControls } from '../features/live/OwnerControls.js';
import { PageTitle } from '../ui/PageTitle.js';

/** /events/:id — the event page, room and recording hand-off; owners get their controls above it. */
export function LiveEventRoute() {
  const { id = '' } = useParams();
  const navigate = useNavigate();
  // Bumped after the owner starts or ends the event, so the page below reads the new phase.
  const [generation, setGeneration] = useState(0);
  const onRecording = useCallback((url: string) => void navigate(url, { replace: true }), [navigate]);
  return (
    <div className="page page-live">
      <PageTitle>Live event</PageTitle>
      <OwnerControls eventId={id} onPhaseChanged={() => setGeneration((g) => g + 1)}>
        <LiveEventPage key={`${id}:${generation}`} eventId={id} onRecording={onRecording} />
      </OwnerControls>
    </div>
  );
}
