import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import type { EventPageDto } from '../../../contracts/live.js';
import { api, isApiError, request } from '../../api/client.js';
import { Button, ButtonLink } from '../../ui/Button.js';
import { ConfirmDialog } from '../../ui/ConfirmDialog.js';
import { PencilIcon } from '../../ui/icons.js';
import { endpoints, queryKeys } from '../../api/endpoints.js';
import { useMediaList } from '../media/useMedia.js';
import { InviteButtonSlot, PeopleWithAccessSlot } from '../sharing/slots.js';
import { fetchEventPage } from './liveApi.js';
import { StreamKeyPanel } from './StreamKeyPanel.js';

export const eventPageKey = (id: string) => ['live-event', id] as const;

/**
 * The owner's tools on the event page: edit, start early, end early, the recording, invites and
 * "People with access"; for DIY live, the encoder's server URL and stream key. Renders nothing for anyone who may not manage the event.
 * `onPhaseChanged` lets the page reload its own view after a start or an end. The event page itself
 * (`children`) sits between the controls and the people list, always at the same place in the tree
 * so it never remounts when the controls appear.
 */
export function OwnerControls({ eventId, onPhaseChanged, children }: { eventId: string; onPhaseChanged: () => void; children: ReactNode }) {
  const qc = useQueryClient();
  const page = useQuery({ queryKey: eventPageKey(eventId), queryFn: () => fetchEventPage(eventId) });
  const canManage = page.data?.event.canManage ?? false;
  const media = useQuery({ queryKey: queryKeys.mediaItem(eventId), queryFn: () => endpoints.getMedia(eventId), enabled: canManage });
  const [busy, setBusy] = useState<string>();
  const [error, setError] = useState<string>();
  const [asking, setAsking] = useState<'start' | 'end' | null>(null);

  if (!page.data || !canManage) {
    return (
      <>
        {null}
        {children}
        {null}
      </>
    );
  }
  const { phase, event } = page.data;

  const run = async (what: string, call: () => Promise<EventPageDto>, phaseChange: boolean) => {
    setBusy(what);
    setError(undefined);
    try {
      qc.setQueryData(eventPageKey(eventId), await call());
      setAsking(null);
      if (phaseChange) onPhaseChanged();
    } catch (err) {
      setError(isApiError(err) ? err.message : 'Something went wrong. Try again.');
    } finally {
      setBusy(undefined);
    }
  };
  const goesToRecording = event.kind !== 'simulive' || event.recording !== null;
  const path = `/api/events/${encodeURIComponent(eventId)}`;

  return (
    <>
      <section className="panel live-owner" aria-label="Event controls">
        <div className="live-owner-row">
          <span className={`live-phase live-phase-${phase}`}>{phase === 'scheduled' ? 'Scheduled' : phase === 'live' ? 'Live now' : 'Ended'}</span>
          <div className="live-owner-actions">
            {media.data && <InviteButtonSlot media={media.data.media} />}
            <ButtonLink to={`/events/${encodeURIComponent(eventId)}/edit`} size="sm" icon={<PencilIcon size={16} />}>
              Edit event
            </ButtonLink>
            {phase === 'scheduled' && (
              <Button size="sm" busy={busy === 'start'} onClick={() => { setError(undefined); setAsking('start'); }}>
                Start now
              </Button>
            )}
            {phase === 'live' && (
              <Button size="sm" variant="danger" busy={busy === 'end'} onClick={() => { setError(undefined); setAsking('end'); }}>
                End now
              </Button>
            )}
          </div>
        </div>
        <CoverPicker
          hasCover={event.coverUrl !== null}
          busy={busy === 'cover'}
          onPick={(file) =>
            void run(
              'cover',
              () => {
                const form = new FormData();
                form.append('file', file);
                return request(`${path}/cover`, { method: 'PUT', rawBody: form }).then((r) => JSON.parse(r.text) as EventPageDto);
              },
              true,
            )
          }
          onRemove={() => void run('cover', () => api(`${path}/cover`, { method: 'DELETE' }), true)}
        />
        <RecordingPicker
          current={event.recording?.mediaId ?? null}
          required={event.kind === 'simulive'}
          busy={busy === 'recording'}
          onSave={(mediaId) => void run('recording', () => api(`${path}/recording`, { method: 'PUT', body: { mediaId } }), false)}
        />
        {event.kind === 'diy_live' && phase !== 'ended' && <StreamKeyPanel eventId={eventId} />}
        {error && !asking && (
          <p className="field-error" role="alert">
            {error}
          </p>
        )}
      </section>
      <ConfirmDialog
        open={asking === 'start'}
        onCancel={() => setAsking(null)}
        title="Start the event now?"
        description="The room opens at once and everyone waiting on the event page goes in. The scheduled start becomes now; this cannot be undone."
        cancelLabel="Not yet"
        confirmLabel="Start now"
        tone="primary"
        busy={busy === 'start'}
        onConfirm={() => void run('start', () => api(`${path}/start`, { method: 'POST' }), true)}
      >
        {error && asking === 'start' && <p className="field-error" role="alert">{error}</p>}
      </ConfirmDialog>
      <ConfirmDialog
        open={asking === 'end'}
        onCancel={() => setAsking(null)}
        title="End the event for everyone?"
        description={
          goesToRecording
            ? 'The room closes and viewers go to the recording. The event cannot be started again.'
            : 'The room closes for everyone. The event cannot be started again.'
        }
        cancelLabel="Keep it running"
        confirmLabel="End now"
        busy={busy === 'end'}
        onConfirm={() => void run('end', () => api(`${path}/end`, { method: 'POST' }), true)}
      >
        {error && asking === 'end' && <p className="field-error" role="alert">{error}</p>}
      </ConfirmDialog>
      {children}
      {media.data ? <PeopleWithAccessSlot media={media.data.media} /> : null}
    </>
  );
}

/** The event page's cover image: choose a file (it goes up at once), or remove it. */
function CoverPicker({ hasCover, busy, onPick, onRemove }: { hasCover: boolean; busy: boolean; onPick: (file: File) => void; onRemove: () => void }) {
  return (
    <div className="live-owner-recording">
      <label htmlFor="live-cover" className="field-label">
        Cover image
      </label>
      <input
        id="live-cover"
        className="input live-cover-input"
        type="file"
        accept="image/png,image/jpeg,image/webp"
        disabled={busy}
        aria-describedby="live-cover-hint"
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = '';
          if (file) onPick(file);
        }}
      />
      {hasCover && (
        <Button size="sm" busy={busy} onClick={onRemove}>
          Remove cover
        </Button>
      )}
      <span id="live-cover-hint" className="field-hint">
        PNG, JPEG or WebP, up to 5 MB. Shown at the top of the event page and on its library card.
      </span>
    </div>
  );
}

function RecordingPicker({ current, required, busy, onSave }: { current: string | null; required: boolean; busy: boolean; onSave: (mediaId: string | null) => void }) {
  const library = useMediaList();
  const videos = (library.data ?? []).filter((m) => m.type === 'video');
  const [choice, setChoice] = useState(current ?? '');
  return (
    <form
      className="live-owner-recording"
      onSubmit={(e) => {
        e.preventDefault();
        onSave(choice || null);
      }}
    >
      <label htmlFor="live-recording" className="field-label">
        Recording
      </label>
      <select id="live-recording" className="input" value={choice} onChange={(e) => setChoice(e.target.value)}>
        {!required && <option value="">None</option>}
        {videos.map((v) => (
          <option key={v.id} value={v.id}>
            {v.title}
          </option>
        ))}
      </select>
      <Button size="sm" type="submit" busy={busy} disabled={(choice || null) === current}>
        {current ? 'Change recording' : 'Attach recording'}
      </Button>
    </form>
  );
}
