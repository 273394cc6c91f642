import { useQuery } from '@tanstack/react-query';
import type { EventReportDto } from '../../../contracts/live.js';
import { api, isApiError } from '../../api/client.js';
import { formatDateTime } from '../../ui/format.js';

const reportPath = (id: string) => `/api/events/${encodeURIComponent(id)}/report`;
const statusLabel = { joined: 'Joined', never_came: 'Never came', host: 'Host' } as const;
const questionStatus = { pending: 'Not approved', approved: 'Approved', dismissed: 'Dismissed' } as const;

/** After the event, for the owner and moderators: attendance, transcript, polls, each with its CSV. */
export function EventReport({ eventId }: { eventId: string }) {
  const report = useQuery({ queryKey: ['live-event', eventId, 'report'], queryFn: () => api<EventReportDto>(reportPath(eventId)) });
  if (report.isPending) return <p role="status">Loading the report…</p>;
  if (report.isError) return <p role="alert">{isApiError(report.error) ? report.error.message : 'Could not load the report.'}</p>;
  const r = report.data;
  const csv = (part: string, label: string) => (
    <a className="btn btn-secondary btn-sm" href={`${reportPath(eventId)}/${part}.csv`} download>
      {label}
    </a>
  );
  return (
    <section className="panel event-report" aria-labelledby="event-report-title">
      <h2 id="event-report-title">Event report</h2>

      <section aria-labelledby="report-attendance">
        <div className="section-head">
          <h3 id="report-attendance">Attendance</h3>
          {csv('attendance', 'Attendance CSV')}
        </div>
        <p className="report-summary" role="status">
          {r.attendance.invited} invited · {r.attendance.joined} joined · {r.attendance.neverCame} never came
        </p>
        <div className="table-wrap table-scroll">
          <table className="table table-compact">
            <caption className="visually-hidden">Attendance</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">Status</th>
                <th scope="col">First joined</th>
                <th scope="col">Minutes</th>
              </tr>
            </thead>
            <tbody>
              {r.attendance.rows.map((a, i) => (
                <tr key={`${a.email ?? a.name}-${i}`}>
                  <td data-label="Name">{a.name}</td>
                  <td data-label="Email" className="break">
                    {a.email ?? '—'}
                  </td>
                  <td data-label="Role">{a.role}</td>
                  <td data-label="Status">{statusLabel[a.status]}</td>
                  <td data-label="First joined" className="nowrap">
                    {a.firstJoinedAt ? <time dateTime={a.firstJoinedAt}>{formatDateTime(a.firstJoinedAt)}</time> : '—'}
                  </td>
                  <td data-label="Minutes">{a.minutes ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section aria-labelledby="report-transcript">
        <div className="section-head">
          <h3 id="report-transcript">Chat and Q&amp;A</h3>
          {csv('transcript', 'Transcript CSV')}
        </div>
        {r.chat.length === 0 && r.questions.length === 0 && <p className="muted">Nobody wrote in the chat or asked a question.</p>}
        {r.chat.length > 0 && (
          <ol className="plain-list report-chat" aria-label="Chat">
            {r.chat.map((m, i) => (
              <li key={i}>
                <span className="live-author">{m.kind === 'announcement' ? `Announcement · ${m.author}` : m.author}</span> <span className="live-body">{m.body}</span>
              </li>
            ))}
          </ol>
        )}
        {r.questions.length > 0 && (
          <ol className="plain-list report-questions" aria-label="Questions">
            {r.questions.map((q, i) => (
              <li key={i}>
                <span className="live-author">{q.author ?? 'Anonymous'}</span> <span className="live-body">{q.body}</span>{' '}
                <span className="live-tag">{questionStatus[q.status]}</span>
                {q.answeredLive && <span className="live-tag">Answered live</span>}
                {q.answer && <p className="muted small">Answer: {q.answer}</p>}
              </li>
            ))}
          </ol>
        )}
      </section>

      <section aria-labelledby="report-polls">
        <div className="section-head">
          <h3 id="report-polls">Polls</h3>
          {csv('polls', 'Polls CSV')}
        </div>
        {r.polls.length === 0 && <p className="muted">No polls were run.</p>}
        {r.polls.map((p, i) => (
          <div key={i} className="report-poll">
            <p>
              <strong>{p.question}</strong> <span className="muted small">· {p.voters} answered</span>
            </p>
            <ul className="plain-list">
              {p.options.map((o, j) => (
                <li key={j}>
                  {o.text}: {o.votes}
                </li>
              ))}
            </ul>
          </div>
        ))}
      </section>
    </section>
  );
}
