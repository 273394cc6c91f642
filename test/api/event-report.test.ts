import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signUp, type TestApp } from '../factories/app.js';
import { testDialects } from '../factories/database.js';
import { invite } from '../factories/invites.js';
import { createEvent, liveNow, roomCast } from '../factories/live.js';
import { RoomClient, listenForSockets } from '../factories/room-client.js';

/** Issue 12 item 6: the report after an event, from what really happened in the room. */
describe.each(testDialects())('event report on %s', (dialect) => {
  let t: TestApp;
  let base: string;
  beforeAll(async () => {
    t = await createTestApp({ dialect });
    base = await listenForSockets(t.app);
  });
  afterAll(async () => t?.close());

  it('attendance against the invite list, the transcript with anonymous questions kept anonymous, poll results, CSVs; owner and moderators only', async () => {
    const owner = await signUp(t, { name: 'Olga Owner' });
    const page = await createEvent(t, owner.agent, liveNow(t, { title: 'Report town hall' }));
    const id = page.event.id as string;
    const [viewer, moderator] = await roomCast(t, id, ['viewer', 'moderator']);
    const absent = await invite(t, owner.agent, id, { firstName: 'Nora', lastName: 'Absent' });

    const cv = await RoomClient.join(base, id, viewer.agent);
    const cm = await RoomClient.join(base, id, moderator.agent);
    expect((await cv.request({ type: 'chat.send', body: 'Hello from the viewer' })).type).toBe('ack');
    expect((await cv.request({ type: 'question.ask', body: 'Who is asking this?', anonymous: true })).type).toBe('ack');
    const asked = await cv.request({ type: 'question.ask', body: 'When is the next one?' });
    const questionId = (asked as { id: string }).id;
    expect((await cm.request({ type: 'question.moderate', questionId, action: 'approve' })).type).toBe('ack');
    expect((await cm.request({ type: 'question.answer', questionId, text: 'In March.' })).type).toBe('ack');
    const launched = await cm.request({ type: 'poll.launch', question: 'Tea or coffee?', options: ['Tea', 'Coffee'] });
    const pollId = (launched as { id: string }).id;
    await cv.event('poll');
    expect((await cv.request({ type: 'poll.vote', pollId, optionIds: ['o2'] })).type).toBe('ack');
    t.clock.advance(12 * 60_000);
    await cv.close();
    await cm.close();

    // the leave is recorded as the person's last sighting
    const res = await owner.agent.get(`/api/events/${id}/report`);
    expect(res.statusCode).toBe(200);
    const report = res.json();
    expect(report.event.title).toBe('Report town hall');
    expect(report.attendance).toMatchObject({ invited: 3, joined: 2, neverCame: 1 });
    const rowOf = (name: string) => report.attendance.rows.find((r: { name: string }) => r.name === name);
    expect(rowOf('viewer-0')).toMatchObject({ status: 'joined', role: 'viewer' });
    await expect.poll(async () => (await owner.agent.get(`/api/events/${id}/report`)).json().attendance.rows.find((r: { name: string }) => r.name === 'viewer-0').minutes).toBe(12);
    expect(rowOf('Nora Absent')).toMatchObject({ status: 'never_came', email: absent.email, minutes: null, firstJoinedAt: null });
    expect(report.chat).toEqual([expect.objectContaining({ author: 'viewer-0', body: 'Hello from the viewer', kind: 'chat' })]);
    const anon = report.questions.find((q: { body: string }) => q.body === 'Who is asking this?');
    expect(anon.author).toBeNull();
    expect(JSON.stringify(anon)).not.toContain('viewer-0');
    expect(report.questions.find((q: { body: string }) => q.body === 'When is the next one?')).toMatchObject({ status: 'approved', answer: 'In March.' });
    expect(report.polls).toEqual([{ question: 'Tea or coffee?', multiple: false, status: 'open', voters: 1, options: [{ text: 'Tea', votes: 0 }, { text: 'Coffee', votes: 1 }] }]);

    const attendanceCsv = await owner.agent.get(`/api/events/${id}/report/attendance.csv`);
    expect(attendanceCsv.statusCode).toBe(200);
    expect(attendanceCsv.headers['content-type']).toContain('text/csv');
    expect(attendanceCsv.body.split('\r\n')[0]).toBe('name,email,role,status,first_joined_at,last_seen_at,minutes');
    expect(attendanceCsv.body).toContain(`Nora Absent,${absent.email},viewer,never_came,,,`);
    const transcript = (await owner.agent.get(`/api/events/${id}/report/transcript.csv`)).body;
    expect(transcript).toContain('question,Anonymous,,Who is asking this?');
    expect(transcript).toContain('In March.');
    expect((await owner.agent.get(`/api/events/${id}/report/polls.csv`)).body).toContain('Tea or coffee?,no,open,1,Coffee,1');

    // moderators see it; viewers and strangers do not
    expect((await moderator.agent.get(`/api/events/${id}/report`)).statusCode).toBe(200);
    expect((await viewer.agent.get(`/api/events/${id}/report`)).statusCode).toBe(403);
    const stranger = await signUp(t);
    expect((await stranger.agent.get(`/api/events/${id}/report`)).statusCode).toBeGreaterThanOrEqual(403);
  });
});
