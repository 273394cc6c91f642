import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { streamKeySchema, type StreamKeyDto } from '../../../contracts/live-video.js';
import { api, isApiError } from '../../api/client.js';
import { Alert } from '../../ui/Alert.js';
import { Button } from '../../ui/Button.js';
import { CopyField } from '../../ui/CopyField.js';
import { ConfirmDialog } from '../../ui/ConfirmDialog.js';
import { formatDateTime } from '../../ui/format.js';

export const streamKeyQueryKey = (eventId: string) => ['live-event', eventId, 'stream-key'] as const;

const keyPath = (eventId: string) => `/api/events/${encodeURIComponent(eventId)}/stream-key`;
const fetchStreamKey = async (eventId: string, signal?: AbortSignal) => streamKeySchema.parse(await api<unknown>(keyPath(eventId), { signal }));
const makeStreamKey = async (eventId: string) => streamKeySchema.parse(await api<unknown>(keyPath(eventId), { method: 'POST' }));

/**
 * DIY live, for the event's owner: where the encoder (OBS) sends the stream, and the stream key. The
 * server keeps only a hash of the key, so the key shows once, right after it is made; a new key
 * replaces the old one (after a confirmation).
 */
export function StreamKeyPanel({ eventId }: { eventId: string }) {
  const qc = useQueryClient();
  const headingId = useId();
  const current = useQuery({ queryKey: streamKeyQueryKey(eventId), queryFn: ({ signal }) => fetchStreamKey(eventId, signal) });
  // The key lives only here, in this page's memory, never in the query cache.
  const [revealed, setRevealed] = useState<string>();
  const [confirming, setConfirming] = useState(false);
  const make = useMutation({
    mutationFn: () => makeStreamKey(eventId),
    onSuccess: (made) => {
      setRevealed(made.streamKey ?? undefined);
      setConfirming(false);
      qc.setQueryData<StreamKeyDto>(streamKeyQueryKey(eventId), { ...made, streamKey: null });
    },
  });
  const errorText = (err: unknown) => (isApiError(err) ? err.message : 'Something went wrong. Try again.');

  const data = current.data;
  const hasKey = Boolean(data?.createdAt);
  return (
    <section className="live-stream-key" aria-labelledby={headingId}>
      <h3 id={headingId} className="live-stream-key-title">
        Stream from an encoder
      </h3>
      {current.isPending ? (
        <p className="muted">Loading…</p>
      ) : current.isError ? (
        <Alert tone="error">{errorText(current.error)}</Alert>
      ) : !data!.serverUrl ? (
        <p className="muted">Streaming from an encoder (RTMP) is turned off on this site. Ask the site admin to set RTMP_PORT.</p>
      ) : (
        <>
          <CopyField label="Server URL" value={data!.serverUrl} />
          {revealed ? (
            <Alert tone="warning" title="Copy it now; it will not be shown again.">
              <CopyField label="Stream key" value={revealed} />
            </Alert>
          ) : hasKey ? (
            <p className="muted">
              Stream key made {formatDateTime(data!.createdAt!)}. It is not shown again: if you no longer have it, make a new one.
            </p>
          ) : (
            <p className="muted">No stream key yet. Make one and paste it into your encoder with the server URL.</p>
          )}
          <div className="live-stream-key-actions">
            <Button size="sm" busy={make.isPending && !confirming} onClick={() => (hasKey ? setConfirming(true) : make.mutate())}>
              {hasKey ? 'Regenerate key' : 'Generate key'}
            </Button>
          </div>
          <p className="field-hint">In OBS: Settings → Stream → Service: Custom; Keyframe interval 1 s</p>
          {make.isError && !confirming && <Alert tone="error">{errorText(make.error)}</Alert>}
        </>
      )}
      <ConfirmDialog
        open={confirming}
        onCancel={() => setConfirming(false)}
        title="Make a new stream key?"
        description="The current key stops working at once. An encoder streaming with it now goes on, but cannot reconnect with it: put the new key into your encoder."
        cancelLabel="Keep the current key"
        confirmLabel="Regenerate key"
        busy={make.isPending}
        error={make.isError ? make.error : undefined}
        onConfirm={() => make.mutate()}
      />
    </section>
  );
}
