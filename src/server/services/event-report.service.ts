import type { EventReportDto } from '../../contracts/live.js';
import { csvCell } from '../domain/csv.js';
import { eventPhase } from '../domain/event-phase.js';
import { iso, isoOrNull } from '../domain/time.js';
import type { Visitor } from '../domain/visitor.js';
import { AppError } from '../errors.js';
import type { EventReportRepository } from '../repositories/event-report.repository.js';
import type { AccessService } from './access.service.js';
import { scheduleOf, type LiveEventService } from './live-event.service.js';

const csv = (header: string[], rows: Array<Array<string | number | boolean | null>>) =>
  [header, ...rows].map((r) => r.map((c) => csvCell(c === null ? '' : String(c))).join(',')).join('\r\n') + '\r\n';

/**
 * The report after (or during) an event, for the owner, site admins and the event's moderators:
 * attendance against the invite list, the chat and Q&A transcript (anonymous questions stay anonymous),
 * poll results; each also as CSV.
 */
export class EventReportService {
  constructor(private readonly deps: { repo: EventReportRepository; access: AccessService; liveEvents: LiveEventService; clock: () => number }) {}

  async report(visitor: Visitor, mediaId: string): Promise<EventReportDto> {
    const grant = await this.deps.access.view(visitor, mediaId);
    const event = grant.media.type === 'live' ? await this.deps.liveEvents.find(mediaId) : undefined;
    if (!event) throw new AppError('not_found', { message: 'This media is not a live event.' });
    if (!grant.canManage && grant.role !== 'moderator') throw new AppError('forbidden', { message: 'Only the owner and the event’s moderators see its report.' });
    const { repo } = this.deps;
    const [people, invitees, messages, questions, polls] = await Promise.all([repo.participants(mediaId), repo.invitees(mediaId), repo.messages(mediaId), repo.questions(mediaId), repo.polls(mediaId)]);
    const votes = await repo.pollVotes(polls.map((p) => p.id));

    const byKey = new Map(people.map((p) => [p.participant_key, p]));
    const minutes = (p: { first_joined_at: number; last_seen_at: number }) => Math.max(0, Math.round((p.last_seen_at - p.first_joined_at) / 60_000));
    const seen = new Set<string>();
    const rows: EventReportDto['attendance']['rows'] = [];
    for (const inv of invitees) {
      const key = `e:${inv.email_canonical}`;
      const p = byKey.get(key);
      seen.add(key);
      const invitedName = `${inv.first_name} ${inv.last_name}`.trim();
      rows.push({
        name: p?.name ?? (invitedName || inv.email),
        email: inv.email,
        role: p?.role ?? inv.role,
        status: p ? 'joined' : 'never_came',
        firstJoinedAt: isoOrNull(p?.first_joined_at),
        lastSeenAt: isoOrNull(p?.last_seen_at),
        minutes: p ? minutes(p) : null,
      });
    }
    for (const p of people) {
      if (seen.has(p.participant_key)) continue;
      // in by their account (the owner, an admin) or by an invite since replaced by another address
      const host = p.participant_key.startsWith('u:');
      rows.push({
        name: p.name,
        email: host ? null : p.participant_key.slice(2),
        role: host ? 'owner' : p.role,
        status: host ? 'host' : 'joined',
        firstJoinedAt: iso(p.first_joined_at),
        lastSeenAt: iso(p.last_seen_at),
        minutes: minutes(p),
      });
    }
    const invitedRows = rows.slice(0, invitees.length);
    const joined = invitedRows.filter((r) => r.status === 'joined').length;

    const tally = new Map<string, Map<string, number>>();
    const voters = new Map<string, Set<string>>();
    for (const v of votes) {
      const t = tally.get(v.poll_id) ?? new Map<string, number>();
      t.set(v.option_id, (t.get(v.option_id) ?? 0) + 1);
      tally.set(v.poll_id, t);
      const who = voters.get(v.poll_id) ?? new Set<string>();
      who.add(v.participant_id);
      voters.set(v.poll_id, who);
    }

    return {
      event: { title: grant.media.title, startsAt: iso(event.starts_at), endsAt: iso(event.ends_at), phase: eventPhase(scheduleOf(event), this.deps.clock()) },
      attendance: { invited: invitees.length, joined, neverCame: invitees.length - joined, rows },
      chat: messages.map((m) => ({ at: iso(m.created_at), author: m.author_name, role: m.author_role, kind: m.channel === 'announcement' ? ('announcement' as const) : ('chat' as const), body: m.body, likes: Number(m.likes) })),
      questions: questions.map((q) => ({
        at: iso(q.created_at),
        author: q.anonymous ? null : q.author_name,
        body: q.body,
        status: q.status,
        upvotes: Number(q.upvotes),
        answer: q.answer_text,
        answeredLive: q.answered_live_at !== null,
      })),
      polls: polls.map((p) => {
        const options = JSON.parse(p.options_json) as Array<{ id: string; text: string }>;
        return {
          question: p.question,
          multiple: Boolean(p.multiple),
          status: p.status,
          voters: voters.get(p.id)?.size ?? 0,
          options: options.map((o) => ({ text: o.text, votes: tally.get(p.id)?.get(o.id) ?? 0 })),
        };
      }),
    };
  }

  /** One part of the report as CSV. */
  async csv(visitor: Visitor, mediaId: string, part: 'attendance' | 'transcript' | 'polls'): Promise<string> {
    const r = await this.report(visitor, mediaId);
    if (part === 'attendance') {
      return csv(
        ['name', 'email', 'role', 'status', 'first_joined_at', 'last_seen_at', 'minutes'],
        r.attendance.rows.map((a) => [a.name, a.email, a.role, a.status, a.firstJoinedAt, a.lastSeenAt, a.minutes]),
      );
    }
    if (part === 'transcript') {
      return csv(
        ['at', 'kind', 'author', 'role', 'text', 'status', 'upvotes_or_likes', 'answer', 'answered_live'],
        [
          ...r.chat.map((m) => ({ at: m.at, row: [m.at, m.kind, m.author, m.role, m.body, '', m.likes, '', ''] as Array<string | number | null> })),
          ...r.questions.map((q) => ({ at: q.at, row: [q.at, 'question', q.author ?? 'Anonymous', '', q.body, q.status, q.upvotes, q.answer, q.answeredLive ? 'yes' : 'no'] as Array<string | number | null> })),
        ]
          .sort((a, b) => a.at.localeCompare(b.at))
          .map((x) => x.row),
      );
    }
    return csv(
      ['poll', 'multiple_choice', 'status', 'voters', 'option', 'votes'],
      r.polls.flatMap((p) => p.options.map((o) => [p.question, p.multiple ? 'yes' : 'no', p.status, p.voters, o.text, o.votes])),
    );
  }
}
