import { useCallback, useEffect, useState } from 'react';
import type { EventPageDto } from '../../../contracts/live.js';
import { isApiError, type ApiError } from '../../api/client.js';
import { EventReport } from './EventReport.js';
import { Countdown } from './Countdown.js';
import { LiveRoom } from './LiveRoom.js';
import { fetchEventPage } from './liveApi.js';
import { formatEventRange } from '../../ui/format.js';

/** How often the "event ended" page looks for a newly attached recording. */
const RECORDING_POLL_MS = 15_000;
/** How often the countdown page looks again, so a "start early" or a new schedule reaches it. */
const SCHEDULE_POLL_MS = 30_000;

/**
 * Everything at an event's address, by phase: the event page with its countdown (which opens the
 * room by itself at the start, without a reload), the room while it is open, and after the end the
 * recording — or an "event ended" page that moves on by itself once a recording is attached.
 * `onRecording` navigates (the router's navigate); by default the browser goes there.
 */
export function LiveEventPage({ eventId, onRecording }: { eventId: string; onRecording?: (url: string) => void }) {
  const [page, setPage] = useState<EventPageDto>();
  const [offset, setOffset] = useState(0);
  const [error, setError] = useState<ApiError>();
  const [inRoom, setInRoom] = useState(false);

  const load = useCallback(async () => {
    try {
      const sentAt = Date.now();
      const p = await fetchEventPage(eventId);
      // the midpoint of the request is the best guess of when the server read its clock
      setOffset(Date.parse(p.serverNow) - (sentAt + Date.now()) / 2);
      setPage(p);
      setError(undefined);
      setInRoom(p.canEnter);
      return p;
    } catch (err) {
      if (isApiError(err)) setError(err);
      return undefined;
    }
  }, [eventId]);

  useEffect(() => {
    void load();
  }, [load]);

  // waiting for the start: the owner may start early or move the schedule
  useEffect(() => {
    if (page?.phase !== 'scheduled' || inRoom) return;
    const t = setInterval(() => void load(), SCHEDULE_POLL_MS);
    return () => clearInterval(t);
  }, [page?.phase, inRoom, load]);

  // ended without a recording yet: look again now and then
  useEffect(() => {
    if (page?.phase !== 'ended' || page.recordingUrl || page.event.canManage) return;
    const t = setInterval(() => void load(), RECORDING_POLL_MS);
    return () => clearInterval(t);
  }, [page, load]);

  // Owners stay on the event page (their controls live here); everyone else moves on to the recording.
  const leadsToRecording = page?.recordingUrl && !page.event.canManage ? page.recordingUrl : undefined;
  useEffect(() => {
    if (leadsToRecording) (onRecording ?? ((url) => location.assign(url)))(leadsToRecording);
  }, [leadsToRecording, onRecording]);

  const onRoomClosed = useCallback(() => {
    setInRoom(false);
    void load();
  }, [load]);

  if (error) {
    return (
      <div className="live-page" role="alert">
        <p>{error.message}</p>
      </div>
    );
  }
  if (!page) return <div className="live-page" role="status">Loading…</div>;
  if (inRoom && page.phase !== 'ended') return <LiveRoom eventId={eventId} onClosed={onRoomClosed} />;

  const e = page.event;
  const ownZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return (
    <article className="live-page">
      {e.coverUrl && <img className="live-cover" src={e.coverUrl} alt="" />}
      <h1>{e.title}</h1>
      <p className="live-when">
        <time dateTime={e.startsAt}>{formatEventRange(e.startsAt, e.endsAt)}</time>
        {ownZone !== e.timeZone && <span className="live-note"> · {formatEventRange(e.startsAt, e.endsAt, { timeZone: e.timeZone })} where the organiser is</span>}
      </p>
      {page.phase === 'ended' ? (
        <p className="live-ended" role="status">
          This event has ended.{' '}
          {page.event.canManage ? (
            page.event.recording ? (
              <a href={`/media/${encodeURIComponent(page.event.recording.mediaId)}`}>Watch the recording</a>
            ) : (
              'Attach a recording for the people you invited.'
            )
          ) : page.recordingUrl ? (
            'Opening the recording…'
          ) : (
            afterEndNote(page)
          )}
        </p>
      ) : (
        page.enterAt && (
          <Countdown
            target={Date.parse(page.enterAt)}
            serverOffsetMs={offset}
            label={Date.parse(page.enterAt) < Date.parse(page.opensAt) ? 'You can enter early in' : 'Starts in'}
            onZero={() => {
              // the server decides; a moment's clock difference just means another look a second later
              const look = (tries: number) =>
                void load().then((p) => {
                  if (p && !p.canEnter && p.phase !== 'ended' && tries > 0) setTimeout(() => look(tries - 1), 1_000);
                });
              look(10);
            }}
          />
        )
      )}
      {e.description && <p className="live-description">{e.description}</p>}
      {e.speakers.length > 0 && (
        <section aria-label="Speakers" className="live-speakers">
          <h2>Speakers</h2>
          <ul>
            {e.speakers.map((s) => (
              <li key={s.id}>
                {s.photoUrl && <img src={s.photoUrl} alt="" width={48} height={48} />}
                <span className="live-author">{s.name}</span>
                {s.title && <span className="live-note"> {s.title}</span>}
              </li>
            ))}
          </ul>
        </section>
      )}
      {page.phase === 'ended' && (page.event.canManage || page.role === 'moderator') && <EventReport eventId={eventId} />}
      {page.phase !== 'ended' && (
        <a className="live-calendar" href={page.calendarUrl} download>
          Add to calendar
        </a>
      )}
    </article>
  );
}

/** What an ended event without a recording will do, said plainly (never a promise nothing keeps). */
function afterEndNote(page: EventPageDto): string {
  const stream = page.stream;
  if (stream.kind === 'live') {
    // something was broadcast: the recording is made from it and the link leads there once it is ready
    if (stream.status.state !== 'waiting') return 'The recording is being prepared; this link leads to it when it is ready.';
    return 'Nothing was broadcast, so there is no recording.';
  }
  return 'There is no recording of this event.';
}
