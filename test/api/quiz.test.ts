import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signUp, type Agent, type TestApp } from '../factories/app.js';
import { testDialects } from '../factories/database.js';
import { invitedGuest, passLobby, sessionIdOf } from '../factories/guests.js';
import { makeVideo, multipart } from '../factories/media.js';
import { sampleQuiz } from '../factories/quiz.js';
import { waitFor } from '../factories/wait.js';

async function uploadReady(agent: Agent, name: string) {
  const form = multipart(name, makeVideo({ seconds: 3 }).bytes);
  const id = (await agent.request('POST', '/api/media', form.body, form.headers)).json().media.id as string;
  await waitFor(async () => (await agent.get(`/api/media/${id}`)).json().media.status === 'ready', { what: 'processing', timeoutMs: 60_000, everyMs: 100 });
  return id;
}

describe.each(testDialects())('quizzes on %s', (dialect) => {
  let t: TestApp;
  let owner: Awaited<ReturnType<typeof signUp>>;
  let video: string;
  beforeAll(async () => {
    t = await createTestApp({ dialect });
    owner = await signUp(t, { name: 'Quiz Owner' });
    video = await uploadReady(owner.agent, 'lesson.mp4');
  });
  afterAll(async () => t?.close());

  /** A viewer the owner invited to this one media item, in a browser of their own past the lobby. */
  const guest = (mediaId: string) => invitedGuest(t, owner.agent, mediaId);

  it('refuses questions that do not make sense', async () => {
    const bad = sampleQuiz([0.5, 1, 1.5, 2]);
    (bad.questions[0] as { correctOptionIds: string[] }).correctOptionIds = ['nope'];
    bad.questions[1].atSeconds = 999;
    const res = await owner.agent.request('PUT', `/api/media/${video}/quiz`, bad);
    expect(res.statusCode).toBe(400);
    expect(Object.keys(res.json().error.details)).toEqual(['questions.0.correctOptionIds', 'questions.1.atSeconds']);
    const single = sampleQuiz([0.5, 1, 1.5, 2]);
    (single.questions[0] as { correctOptionIds: string[] }).correctOptionIds = ['w', 'b'];
    expect((await owner.agent.request('PUT', `/api/media/${video}/quiz`, single)).statusCode).toBe(400);
  });

  it('lets an invited viewer answer as given, scores the attempt, and limits retakes', async () => {
    const saved = await owner.agent.request('PUT', `/api/media/${video}/quiz`, sampleQuiz([2, 0.5, 1, 1.5]));
    expect(saved.statusCode).toBe(200);
    expect(saved.json().questions.map((q: { id: string }) => q.id)).toEqual(['primes', 'tone', 'why', 'colour']);
    expect((await owner.agent.get(`/api/media/${video}`)).json().media.type).toBe('quiz');

    const g = await guest(video);
    const view = await g.agent.get(`/api/media/${video}/quiz`);
    expect(view.statusCode).toBe(200);
    expect(JSON.stringify(view.json().questions)).not.toMatch(/correct/);
    expect(view.json()).toMatchObject({ attemptsLeft: 2, attempts: [] });

    const attempt = (await g.agent.post(`/api/media/${video}/quiz/attempts`)).json();
    expect(attempt).toMatchObject({ number: 1, finishedAt: null });
    expect((await g.agent.post(`/api/media/${video}/quiz/attempts`)).json().id).toBe(attempt.id);
    const answer = (q: string, body: unknown) => g.agent.request('PUT', `/api/media/${video}/quiz/attempts/${attempt.id}/answers/${q}`, body);
    const first = await answer('colour', { optionIds: ['w'] });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ correct: null, points: 0 });
    expect(first.json().correctAnswer).toBeUndefined();
    expect((await answer('colour', { optionIds: ['b'] })).json().error.code).toBe('conflict');
    expect((await answer('tone', { optionIds: ['w'] })).statusCode).toBe(400);
    expect((await answer('primes', { optionIds: ['2'] })).statusCode).toBe(200);
    expect((await answer('tone', { value: true })).statusCode).toBe(200);
    expect((await answer('why', { text: '=HYPERLINK("x") colours, "quoted"' })).statusCode).toBe(200);

    const done = (await g.agent.post(`/api/media/${video}/quiz/attempts/${attempt.id}/finish`)).json();
    expect(done).toMatchObject({ score: 2, maxScore: 4, percent: 50, passed: true });
    expect(done.answers.find((a: { questionId: string }) => a.questionId === 'primes')).toMatchObject({ correct: false, correctAnswer: { optionIds: ['2', '5'] } });
    expect((await g.agent.post(`/api/media/${video}/quiz/attempts/${attempt.id}/finish`)).json().error.code).toBe('conflict');

    const second = (await g.agent.post(`/api/media/${video}/quiz/attempts`)).json();
    expect(second.number).toBe(2);
    await g.agent.request('PUT', `/api/media/${video}/quiz/attempts/${second.id}/answers/colour`, { optionIds: ['b'] });
    const low = (await g.agent.post(`/api/media/${video}/quiz/attempts/${second.id}/finish`)).json();
    expect(low).toMatchObject({ score: 0, percent: 0, passed: false });
    expect((await g.agent.post(`/api/media/${video}/quiz/attempts`)).json().error.code).toBe('conflict');
    expect((await g.agent.get(`/api/media/${video}/quiz`)).json().attemptsLeft).toBe(0);

    const results = await owner.agent.get(`/api/media/${video}/quiz/results`);
    expect(results.statusCode).toBe(200);
    const row = results.json().viewers.find((v: { viewer: { sessionId: string } }) => v.viewer.sessionId === g.sessionId);
    expect(row).toMatchObject({ bestPercent: 50, passed: true, viewer: { kind: 'guest' } });
    expect(row.attempts).toHaveLength(2);
    expect(row.attempts[0].answers.find((a: { questionId: string }) => a.questionId === 'why').answer).toEqual({ text: '=HYPERLINK("x") colours, "quoted"' });

    const csv = await owner.agent.get(`/api/media/${video}/quiz/results.csv`);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    const lines = csv.body.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toBe('name,email,viewer,attempt,started,finished,score,max_score,percent,passed,Which are prime?,The tone is 440 Hz.,What did you learn?,Which colour bar is leftmost?');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain(`invitee:${g.email},1,`);
    expect(lines[1]).toContain(',2,4,50,yes,Two,true,"\'=HYPERLINK(""x"") colours, ""quoted""",White');

    const stranger = await signUp(t);
    expect((await stranger.agent.get(`/api/media/${video}/quiz/results`)).statusCode).toBe(404);
    // A guest has no account: the owner's results are out of the invite's scope.
    expect((await g.agent.get(`/api/media/${video}/quiz/results`)).statusCode).toBe(403);
  });

  it('follows the person, not the session: passing the lobby again keeps the attempts and the retake limit', async () => {
    const quizId = await uploadReady(owner.agent, 'retakes.mp4');
    await owner.agent.request('PUT', `/api/media/${quizId}/quiz`, sampleQuiz([0.5, 1, 1.5, 2], { maxAttempts: 1 }));
    const g = await guest(quizId);
    const attempt = (await g.agent.post(`/api/media/${quizId}/quiz/attempts`)).json();
    await g.agent.request('PUT', `/api/media/${quizId}/quiz/attempts/${attempt.id}/answers/colour`, { optionIds: ['w'] });
    expect((await g.agent.post(`/api/media/${quizId}/quiz/attempts/${attempt.id}/finish`)).statusCode).toBe(200);
    expect((await g.agent.post(`/api/media/${quizId}/quiz/attempts`)).json().error.code).toBe('conflict');

    // The same person passes the lobby again (the session rotates): still one attempt used, none left.
    await passLobby(g.agent, g.link, g.email);
    expect(sessionIdOf(g.agent)).not.toBe(g.sessionId);
    const view = (await g.agent.get(`/api/media/${quizId}/quiz`)).json();
    expect(view).toMatchObject({ attemptsLeft: 0 });
    expect(view.attempts.map((a: { id: string }) => a.id)).toEqual([attempt.id]);
    expect((await g.agent.post(`/api/media/${quizId}/quiz/attempts`)).json().error.code).toBe('conflict');

    // The owner sees one person, named by the invite.
    const results = (await owner.agent.get(`/api/media/${quizId}/quiz/results`)).json();
    expect(results.viewers).toHaveLength(1);
    expect(results.viewers[0].viewer).toMatchObject({ kind: 'guest', name: g.name, email: g.email });
  });

  it('shows right answers after each question when the owner chose that', async () => {
    const other = await uploadReady(owner.agent, 'second.mp4');
    await owner.agent.request('PUT', `/api/media/${other}/quiz`, sampleQuiz([0.5, 1, 1.5, 2], { showCorrectAnswers: 'after_each', maxAttempts: null }));
    const g = await guest(other);
    const attempt = (await g.agent.post(`/api/media/${other}/quiz/attempts`)).json();
    const res = (await g.agent.request('PUT', `/api/media/${other}/quiz/attempts/${attempt.id}/answers/colour`, { optionIds: ['b'] })).json();
    expect(res).toMatchObject({ correct: false, points: 0, correctAnswer: { optionIds: ['w'] } });
    expect((await g.agent.get(`/api/media/${other}/quiz`)).json().attemptsLeft).toBeNull();
    // A guest of this quiz cannot answer the other one.
    expect((await g.agent.post(`/api/media/${video}/quiz/attempts`)).json().error.code).toBe('out_of_scope');
  });
});
