import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import type { MediaDto } from '../../../contracts/api.js';
import { api, isApiError, request } from '../../api/client.js';
import { queryKeys } from '../../api/endpoints.js';
import { Alert } from '../../ui/Alert.js';
import { Button } from '../../ui/Button.js';
import { CheckboxField, TextField } from '../../ui/Field.js';
import { TrashIcon } from '../../ui/icons.js';
import { useToast } from '../../ui/Toasts.js';
import { playerApi } from '../player/playerApi.js';

const playbackKey = (id: string) => ['playback', id] as const;
const message = (err: unknown) => (isApiError(err) || err instanceof Error ? err.message : 'Something went wrong.');

/** The owner's side panel: the download switch, and caption tracks for video and quizzes. */
export function OwnerTools({ media }: { media: MediaDto }) {
  const canCaption = (media.type === 'video' || media.type === 'quiz') && media.status === 'ready';
  return (
    <section className="panel owner-tools" aria-labelledby="owner-tools">
      <h2 id="owner-tools" className="panel-title">
        Viewer options
      </h2>
      <BlockDownload media={media} />
      {canCaption && <Captions media={media} />}
    </section>
  );
}

function BlockDownload({ media }: { media: MediaDto }) {
  const qc = useQueryClient();
  const toast = useToast();
  // The box follows the click at once; the server's answer confirms it or puts it back.
  const [checked, setChecked] = useState(media.blockDownload);
  useEffect(() => setChecked(media.blockDownload), [media.blockDownload]);
  const change = useMutation({
    mutationFn: (blockDownload: boolean) => api(`/api/media/${encodeURIComponent(media.id)}/block-download`, { method: 'PUT', body: { blockDownload } }),
    onSuccess: async (_r, blockDownload) => {
      toast.show(blockDownload ? 'Downloads are blocked. Viewers can only watch or read it here.' : 'Viewers may download the original file.');
      qc.setQueryData<{ media: MediaDto; role: string }>(queryKeys.mediaItem(media.id), (prev) => (prev ? { ...prev, media: { ...prev.media, blockDownload } } : prev));
      await qc.invalidateQueries({ queryKey: queryKeys.mediaItem(media.id) });
      await qc.invalidateQueries({ queryKey: playbackKey(media.id) });
    },
    onError: () => setChecked(media.blockDownload),
  });
  return (
    <>
      <CheckboxField
        label="Block download"
        hint="Viewers get no download button or link; they can only watch or read it here. You keep your own download."
        checked={checked}
        disabled={change.isPending}
        onChange={(e) => {
          setChecked(e.target.checked);
          change.mutate(e.target.checked);
        }}
      />
      {change.isError && <Alert tone="error">{message(change.error)}</Alert>}
    </>
  );
}

function Captions({ media }: { media: MediaDto }) {
  const qc = useQueryClient();
  const toast = useToast();
  const playback = useQuery({ queryKey: playbackKey(media.id), queryFn: () => playerApi.playback(media.id) });
  const [file, setFile] = useState<File | null>(null);
  const [lang, setLang] = useState('en');
  const [label, setLabel] = useState('English');
  const [formKey, setFormKey] = useState(0);

  const refresh = () => qc.invalidateQueries({ queryKey: playbackKey(media.id) });
  const add = useMutation({
    mutationFn: async () => {
      if (!file) throw new Error('Choose a WebVTT (.vtt) file.');
      const q = new URLSearchParams({ lang, label });
      await request(`/api/media/${encodeURIComponent(media.id)}/captions?${q}`, { method: 'POST', rawBody: await file.text(), headers: { 'Content-Type': 'text/vtt' } });
    },
    onSuccess: async () => {
      toast.show(`Captions “${label}” added. Reload the player to see them.`);
      setFile(null);
      setFormKey((k) => k + 1);
      await refresh();
    },
  });
  const remove = useMutation({
    mutationFn: (captionId: string) => api(`/api/media/${encodeURIComponent(media.id)}/captions/${encodeURIComponent(captionId)}`, { method: 'DELETE' }),
    onSuccess: refresh,
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    add.mutate();
  };
  const tracks = playback.data?.captions ?? [];
  return (
    <div className="owner-captions">
      <h3 className="panel-subtitle">Captions</h3>
      {tracks.length > 0 ? (
        <ul className="caption-list" aria-label="Caption tracks">
          {tracks.map((c) => (
            <li key={c.id}>
              <span>
                {c.label} <span className="muted">({c.lang})</span>
              </span>
              <Button size="sm" variant="ghost" icon={<TrashIcon size={14} />} aria-label={`Remove captions ${c.label}`} busy={remove.isPending && remove.variables === c.id} onClick={() => remove.mutate(c.id)}>
                Remove
              </Button>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted small">No captions yet.</p>
      )}
      <form key={formKey} className="caption-form" onSubmit={submit}>
        <TextField label="WebVTT file" type="file" accept=".vtt,text/vtt" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
        <div className="caption-form-row">
          <TextField label="Language" value={lang} onChange={(e) => setLang(e.target.value)} hint="e.g. en, pt-BR" />
          <TextField label="Label" value={label} onChange={(e) => setLabel(e.target.value)} />
        </div>
        {add.isError && <Alert tone="error">{message(add.error)}</Alert>}
        <Button type="submit" size="sm" busy={add.isPending} disabled={!file}>
          Add captions
        </Button>
      </form>
    </div>
  );
}
