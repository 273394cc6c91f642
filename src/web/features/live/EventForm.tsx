import { useState, type FormEvent } from 'react';
import type { EventCreateBody, EventPageDto, LiveEventDto, LiveKind, QaMode } from '../../../contracts/live.js';
import { DEFAULT_EARLY_ENTRY_MINUTES } from '../../../contracts/live.js';
import { api, isApiError, request } from '../../api/client.js';
import { Alert } from '../../ui/Alert.js';
import { Button } from '../../ui/Button.js';
import { RadioGroup, SelectField, TextAreaField, TextField } from '../../ui/Field.js';
import { TrashIcon } from '../../ui/icons.js';
import { useMediaList } from '../media/useMedia.js';
import { browserTimeZone, fromZonedInput, toZonedInput } from './zonedTime.js';

interface SpeakerRow {
  key: number;
  id?: string;
  name: string;
  title: string;
  photo?: File;
}

const kindOptions: { value: LiveKind; label: string; hint: string }[] = [
  { value: 'webcast', label: 'Webcast', hint: 'Speakers broadcast live.' },
  { value: 'simulive', label: 'Simulive', hint: 'A video from your library plays as if live, on schedule.' },
  { value: 'diy_live', label: 'DIY live', hint: 'Your own encoder streams over RTMP.' },
];

const zones = (() => {
  const supported = (Intl as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];
  return Array.from(new Set([browserTimeZone(), 'UTC', ...supported]));
})();

let speakerKeys = 0;

/**
 * Create or edit a live event. Times are typed as the wall clock of the chosen time zone (the
 * organiser's), sent as UTC. Field errors come from the server (`details` keyed by field).
 */
export function EventForm({ event, onSaved, onCancel }: { event?: LiveEventDto; onSaved: (page: EventPageDto) => void; onCancel: () => void }) {
  const [kind, setKind] = useState<LiveKind>(event?.kind ?? 'webcast');
  const [title, setTitle] = useState(event?.title ?? '');
  const [description, setDescription] = useState(event?.description ?? '');
  const [timeZone, setTimeZone] = useState(event?.timeZone ?? browserTimeZone());
  const [startsAt, setStartsAt] = useState(event ? toZonedInput(event.startsAt, event.timeZone) : '');
  const [endsAt, setEndsAt] = useState(event ? toZonedInput(event.endsAt, event.timeZone) : '');
  const [qaMode, setQaMode] = useState<QaMode>(event?.qaMode ?? 'pre_moderated');
  const [early, setEarly] = useState(String(event?.earlyEntryMinutes ?? DEFAULT_EARLY_ENTRY_MINUTES));
  const [recording, setRecording] = useState(event?.recording?.mediaId ?? '');
  const [speakers, setSpeakers] = useState<SpeakerRow[]>(() => (event?.speakers ?? []).map((s) => ({ key: ++speakerKeys, id: s.id, name: s.name, title: s.title })));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const library = useMediaList();
  const videos = (library.data ?? []).filter((m) => m.type === 'video');

  const setSpeaker = (key: number, patch: Partial<SpeakerRow>) => setSpeakers((list) => list.map((s) => (s.key === key ? { ...s, ...patch } : s)));

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const local: Record<string, string> = {};
    const start = fromZonedInput(startsAt, timeZone);
    const end = fromZonedInput(endsAt, timeZone);
    if (!start) local.startsAt = 'Enter the start date and time.';
    if (!end) local.endsAt = 'Enter the end date and time.';
    const earlyMinutes = Number(early);
    if (!Number.isInteger(earlyMinutes)) local.earlyEntryMinutes = 'Enter whole minutes.';
    if (Object.keys(local).length > 0 || !start || !end) {
      setErrors(local);
      return;
    }
    const body: EventCreateBody = {
      kind,
      title,
      description,
      startsAt: start,
      endsAt: end,
      timeZone,
      qaMode,
      earlyEntryMinutes: earlyMinutes,
      speakers: speakers.map((s) => ({ id: s.id, name: s.name, title: s.title })),
      recordingMediaId: recording || null,
    };
    setBusy(true);
    setErrors({});
    setFormError(undefined);
    try {
      let page = event
        ? await api<EventPageDto>(`/api/events/${encodeURIComponent(event.id)}`, { method: 'PATCH', body })
        : await api<EventPageDto>('/api/events', { method: 'POST', body });
      // Speakers come back in the order sent; photos go up one by one against their new ids.
      const withPhotos = speakers.map((s, i) => ({ file: s.photo, saved: page.event.speakers[i] })).filter((x) => x.file && x.saved);
      for (const { file, saved } of withPhotos) await uploadPhoto(page.event.id, saved!.id, file!);
      if (withPhotos.length > 0) page = await api<EventPageDto>(`/api/events/${encodeURIComponent(page.event.id)}`);
      onSaved(page);
    } catch (err) {
      if (isApiError(err)) {
        setErrors(err.fieldErrors);
        setFormError(err.message);
      } else setFormError('Something went wrong. Try again.');
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="form-stack live-form" onSubmit={(e) => void onSubmit(e)} noValidate>
      {formError && <Alert tone="error">{formError}</Alert>}
      <RadioGroup legend="Kind" name="kind" value={kind} onChange={setKind} options={kindOptions} error={errors.kind} />
      <TextField label="Title" value={title} onChange={(e) => setTitle(e.target.value)} error={errors.title} maxLength={200} required />
      <TextAreaField label="Description" value={description} onChange={(e) => setDescription(e.target.value)} error={errors.description} rows={3} maxLength={5000} />
      <div className="field-row">
        <TextField label="Starts" type="datetime-local" step={1} value={startsAt} onChange={(e) => setStartsAt(e.target.value)} error={errors.startsAt} required />
        <TextField label="Ends" type="datetime-local" step={1} value={endsAt} onChange={(e) => setEndsAt(e.target.value)} error={errors.endsAt} required />
      </div>
      <SelectField label="Time zone" value={timeZone} onChange={(e) => setTimeZone(e.target.value)} error={errors.timeZone} hint="Start and end are read in this zone. Viewers see times in their own zone too.">
        {zones.map((z) => (
          <option key={z} value={z}>
            {z}
          </option>
        ))}
      </SelectField>
      <div className="field-row">
        <SelectField
          label="Q&A"
          value={qaMode}
          onChange={(e) => setQaMode(e.target.value as QaMode)}
          error={errors.qaMode}
          hint={qaMode === 'open' ? 'Questions show to everyone at once.' : 'A moderator approves each question before others see it.'}
        >
          <option value="pre_moderated">Pre-moderated</option>
          <option value="open">Open</option>
        </SelectField>
        <TextField
          label="Early entry (minutes)"
          type="number"
          min={0}
          max={240}
          value={early}
          onChange={(e) => setEarly(e.target.value)}
          error={errors.earlyEntryMinutes}
          hint="Moderators and speakers may enter this long before the start."
        />
      </div>
      <SelectField
        label={kind === 'simulive' ? 'Video to play' : 'Recording (optional)'}
        value={recording}
        onChange={(e) => setRecording(e.target.value)}
        error={errors.recordingMediaId}
        hint={kind === 'simulive' ? 'Plays in the room in step with the schedule, and stays as the recording.' : 'Shown to people with the link after the event ends.'}
      >
        <option value="">{kind === 'simulive' ? 'Choose a video…' : 'None'}</option>
        {videos.map((v) => (
          <option key={v.id} value={v.id}>
            {v.title}
          </option>
        ))}
      </SelectField>

      <fieldset className="live-form-speakers">
        <legend className="field-label">Speakers</legend>
        {speakers.length === 0 && <p className="field-hint">No speakers yet.</p>}
        {speakers.map((s, i) => (
          <div className="live-form-speaker" key={s.key} role="group" aria-label={`Speaker ${i + 1}`}>
            <TextField label="Name" value={s.name} onChange={(e) => setSpeaker(s.key, { name: e.target.value })} error={errors[`speakers.${i}.name`]} maxLength={120} />
            <TextField label="Title" value={s.title} onChange={(e) => setSpeaker(s.key, { title: e.target.value })} error={errors[`speakers.${i}.title`]} maxLength={200} />
            <TextField label="Photo" type="file" accept="image/png,image/jpeg,image/webp" onChange={(e) => setSpeaker(s.key, { photo: e.target.files?.[0] })} hint="PNG, JPEG or WebP, up to 2 MB." />
            <Button size="sm" variant="ghost" icon={<TrashIcon size={16} />} onClick={() => setSpeakers((list) => list.filter((x) => x.key !== s.key))}>
              Remove speaker
            </Button>
          </div>
        ))}
        <div>
          <Button size="sm" onClick={() => setSpeakers((list) => [...list, { key: ++speakerKeys, name: '', title: '' }])}>
            Add speaker
          </Button>
        </div>
      </fieldset>

      <div className="form-actions">
        <Button type="submit" variant="primary" busy={busy}>
          {event ? 'Save changes' : 'Create event'}
        </Button>
        <Button onClick={onCancel}>Cancel</Button>
      </div>
    </form>
  );
}

async function uploadPhoto(eventId: string, speakerId: string, file: File) {
  const form = new FormData();
  form.append('file', file);
  await request(`/api/events/${encodeURIComponent(eventId)}/speakers/${encodeURIComponent(speakerId)}/photo`, { method: 'PUT', rawBody: form });
}
