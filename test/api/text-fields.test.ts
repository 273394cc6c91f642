import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { z } from 'zod';
import { errorBodySchema } from '../../src/contracts/errors.js';
import type { ClientMessageInput } from '../../src/contracts/live.js';
import { bareStrings } from '../../src/contracts/text.js';
import { signedPrefix } from '../../src/server/domain/signed-url.js';
import { livePrefix } from '../../src/server/services/live-video/live-delivery.service.js';
import { Agent, createTestApp, signUp, uniqueEmail, type TestApp } from '../factories/app.js';
import { testDialects } from '../factories/database.js';
import { invitedGuest } from '../factories/guests.js';
import { invite, openLink, setSettings } from '../factories/invites.js';
import { createEvent, roomCast } from '../factories/live.js';
import { makePdf, makeVideo, multipart } from '../factories/media.js';
import { sampleQuiz } from '../factories/quiz.js';
import { RoomClient, listenForSockets } from '../factories/room-client.js';
import { waitFor } from '../factories/wait.js';
import { mustRefuse, VISIBLE, mutationOf, seedsFor, pct, wtf8, fieldsOf, withValue, urlOf, inject, sendJson, multipartNamed, type Method, type Input, type Field, type Sent, type Case } from '../factories/text-fuzz.js';

/**
 * Arbitrary text in every string of every request — each route in the route table and each room
 * message type — on SQLite and PostgreSQL: never a 5xx, never `internal_error`, and a string holding
 * a character no text may hold (a C0 control but tab and line breaks, DEL, a lone surrogate) is refused
 * with `validation_failed` naming the field. File names are cleaned instead, and stored clean.
 */

const HOUR = 3600_000;
/** Random runs per route and per room message type, on top of the seeds every field meets (about 5 s a database). */
const RUNS = 25;
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
const VTT = 'WEBVTT\n\n00:00.000 --> 00:01.000\nHello\n';
const TUS = { 'tus-resumable': '1.0.0' };

describe.each(testDialects())('text at the edge on %s', (dialect) => {
  let t: TestApp;
  let base: string;
  let owner: Awaited<ReturnType<typeof signUp>>;
  /** A browser with no session (its CSRF cookie set, as any page load sets it). */
  let visitor: Agent;
  const anonymous = () => visitor;
  const ids: Record<string, string> = {};
  let guest: Awaited<ReturnType<typeof invitedGuest>>;
  let lobby: { agent: Agent; email: string };
  let signed: { file: URL; download: URL; stream: URL; live?: URL };
  let cases: Case[];

  beforeAll(async () => {
    t = await createTestApp({
      dialect,
      // the room's own limits would answer before the message is even read
      roomRateLimits: Object.fromEntries(['message', 'question', 'reaction', 'moderation', 'frame'].map((k) => [k, { burst: 100_000, refillMs: 1 }])),
    });
    base = await listenForSockets(t.app);
    visitor = new Agent(t.app);
    await visitor.get('/api/health');
    // the first account is the site admin: it owns everything here and may change settings
    owner = await signUp(t, { name: 'Olive Owner' });
    await setSettings(t, { lobbyAttempts: 100 });

    const upload = async (name: string, bytes: Buffer) => {
      const form = multipart(name, bytes);
      const res = await owner.agent.request('POST', '/api/media', form.body, form.headers);
      if (res.statusCode !== 201) throw new Error(`upload failed: ${res.body}`);
      return res.json().media.id as string;
    };
    ids.document = await upload('Handbook.pdf', makePdf());
    ids.video = await upload('Lesson.mp4', makeVideo({ seconds: 1 }).bytes);
    ids.quiz = await upload('Quiz.mp4', makeVideo({ seconds: 1 }).bytes);
    for (const id of [ids.video, ids.quiz]) {
      await waitFor(async () => (await owner.agent.get(`/api/media/${id}`)).json().media.status === 'ready', { what: 'processing', timeoutMs: 60_000, everyMs: 100 });
    }
    const cap = await owner.agent.request('POST', `/api/media/${ids.video}/captions?lang=en&label=English`, Buffer.from(VTT), { 'content-type': 'text/vtt' });
    ids.caption = cap.json().caption.id;
    expect((await owner.agent.request('PUT', `/api/media/${ids.quiz}/quiz`, sampleQuiz([0.2, 0.4, 0.6, 0.8]))).statusCode).toBe(200);

    guest = await invitedGuest(t, owner.agent, ids.quiz);
    ids.attempt = (await guest.agent.post(`/api/media/${ids.quiz}/quiz/attempts`)).json().id;
    ids.invite = (await invite(t, owner.agent, ids.document)).inviteId;
    const forLobby = await invite(t, owner.agent, ids.document);
    lobby = { agent: new Agent(t.app), email: forLobby.email };
    await openLink(lobby.agent, forLobby.link);
    ids.token = forLobby.token;

    const event = await createEvent(t, owner.agent, { startsAt: new Date(t.clock.now - 60_000).toISOString(), endsAt: new Date(t.clock.now + 48 * HOUR).toISOString(), speakers: [{ name: 'Sam Speaker', title: 'CTO' }] });
    ids.event = event.event.id;
    ids.apiToken = (await owner.agent.post('/api/tokens', { name: 'Text fuzz', scopes: ['media:read'], expiresInDays: 1 })).json().token.id;
    ids.speaker = event.event.speakers[0].id;
    ids.diyLive = (await createEvent(t, owner.agent, { kind: 'diy_live' })).event.id;
    const photo = multipart('sam.png', PNG);
    expect((await owner.agent.request('PUT', `/api/events/${ids.event}/speakers/${ids.speaker}/photo`, photo.body, photo.headers)).statusCode).toBe(200);

    const tus = await owner.agent.request('POST', '/api/uploads', undefined, { ...TUS, 'upload-length': '10', 'upload-metadata': `filename ${Buffer.from('x.pdf').toString('base64')}` });
    ids.upload = String(tus.headers.location).split('/').pop()!;

    const doc = (await owner.agent.get(`/api/media/${ids.document}/playback`)).json();
    const vid = (await owner.agent.get(`/api/media/${ids.video}/playback`)).json();
    signed = { file: new URL(doc.fileUrl, 'http://x'), download: new URL(doc.downloadUrl, 'http://x'), stream: new URL(vid.hlsUrl, 'http://x') };
    // a live URL as the live player gets it (the event has not been broadcast: its playlist is answered 404)
    const liveWho = `-.-.${Date.now().toString(36)}`;
    signed.live = new URL(`${signedPrefix({ secret: t.config.mediaUrlSecret, prefix: livePrefix(ids.event, liveWho), expires: Math.floor(Date.now() / 1000) + 3600 })}master.m3u8`, 'http://x');

    const json = sendJson(t);
    const o = () => owner.agent;
    const media = (id: string) => () => ({ params: { id } });
    const parts = (u: URL) => u.pathname.split('/').slice(3);
    const stored = (check: (name: string) => void) => (sent: Sent) => {
      const m = (sent.json as { media?: { originalName: string; title: string } } | undefined)?.media;
      if (m) [m.originalName, m.title].forEach(check);
    };
    const cleanName = (name: string) => expect(mustRefuse(name) || /[\r\n]/.test(name), `stored name ${JSON.stringify(name)}`).toBe(false);
    const finishTus = async (agent: Agent | undefined, _url: string, input: Input): Promise<Sent> => {
      const name = (input.body as { filename: string }).filename;
      const pdf = makePdf();
      const created = await inject(t, agent, 'POST', '/api/uploads', { headers: { ...TUS, 'upload-length': String(pdf.length), 'upload-metadata': `filename ${wtf8(name).toString('base64')}` } });
      if (created.status !== 201) return created;
      const done = await inject(t, agent, 'PATCH', String(created.headers.location), { headers: { ...TUS, 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' }, payload: pdf });
      if (done.status !== 200) return done;
      const id = (done.json as { mediaId: string }).mediaId;
      return inject(t, agent, 'GET', `/api/media/${id}`);
    };
    const audit = () => ({ query: { action: 'invite.created', mediaId: ids.document, inviteId: ids.invite, from: '2026-01-01T00:00:00Z', to: '2027-01-01T00:00:00Z', limit: '50' } });
    const eventBody = () => ({
      kind: 'webcast',
      title: 'Town hall',
      description: 'Numbers\r\nand questions',
      startsAt: new Date(t.clock.now + HOUR).toISOString(),
      endsAt: new Date(t.clock.now + 2 * HOUR).toISOString(),
      timeZone: 'Europe/Berlin',
      qaMode: 'open',
      speakers: [{ name: 'Ada', title: 'Host' }],
      recordingMediaId: ids.video,
    });
    const noFields = (method: Method, route: string, who = o, input: () => Input = () => ({})): Case => ({ method, route, who, input });

    cases = [
      // accounts
      noFields('GET', '/api/health', anonymous),
      noFields('GET', '/api/session'),
      { method: 'POST', route: '/api/auth/signup', who: anonymous, input: () => ({ body: { email: uniqueEmail('new'), name: 'Nina New', password: 'correct horse battery' } }), free: ['body.password'], runs: 10 },
      { method: 'POST', route: '/api/auth/login', who: anonymous, input: () => ({ body: { email: owner.email, password: 'not the password' } }), free: ['body.password'], runs: 10 },
      noFields('POST', '/api/auth/logout', anonymous),
      { method: 'POST', route: '/api/auth/verify-email', who: anonymous, input: () => ({ body: { token: 'x'.repeat(43) } }) },
      noFields('POST', '/api/auth/resend-verification'),
      // media
      noFields('GET', '/api/media'),
      {
        method: 'POST',
        route: '/api/media',
        who: o,
        input: () => ({ body: { filename: 'Quarterly report.pdf' } }),
        free: ['body.filename'],
        // half the names go as UTF-8 bytes in filename="…", half percent-encoded in filename*=
        send: async (agent, url, input) => {
          const { filename } = input.body as { filename: string };
          const form = multipartNamed(filename, makePdf(), filename.length % 2 === 1);
          return inject(t, agent, 'POST', url, { headers: { 'content-type': form.type }, payload: form.body });
        },
        check: async (sent, field, value) => {
          stored(cleanName)(sent);
          // (busboy takes a part whose name holds a line break for a plain field: "Choose a file", a 400)
          if (field.name === 'body.filename' && value.length % 2 === 1 && VISIBLE.test(value) && !/[\r\n]/.test(value)) expect(sent.status).toBe(201);
        },
      },
      { method: 'GET', route: '/api/media/:id', who: o, input: media(ids.document) },
      { method: 'PATCH', route: '/api/media/:id', who: o, input: () => ({ params: { id: ids.document }, body: { title: 'Handbook', description: 'For new\r\ncolleagues' } }) },
      { method: 'DELETE', route: '/api/media/:id', who: o, input: media(ids.document) },
      { method: 'GET', route: '/api/media/:id/playback', who: o, input: media(ids.video) },
      { method: 'PUT', route: '/api/media/:id/block-download', who: o, input: () => ({ params: { id: ids.document }, body: { blockDownload: false } }) },
      { method: 'POST', route: '/api/media/:id/reprocess', who: o, input: media(ids.video) },
      {
        method: 'POST',
        route: '/api/media/:id/captions',
        who: o,
        input: () => ({ params: { id: ids.video }, query: { lang: 'pt-BR', label: 'Português' }, body: { text: VTT } }),
        free: ['body.text'],
        send: (agent, url, input) => inject(t, agent, 'POST', url, { headers: { 'content-type': 'text/vtt' }, payload: wtf8((input.body as { text: string }).text) }),
      },
      { method: 'DELETE', route: '/api/media/:id/captions/:captionId', who: o, input: () => ({ params: { id: ids.video, captionId: ids.caption } }) },
      // signed delivery (no session: the signature is the grant)
      { method: 'GET', route: '/api/media/:id/file/:exp/:sig/:name', who: anonymous, input: () => { const [id, , exp, sig, name] = parts(signed.file); return { params: { id, exp, sig, name } }; } },
      {
        method: 'GET',
        route: '/api/media/:id/download/:exp/:sig/:name',
        who: anonymous,
        input: () => { const [id, , exp, sig, name] = parts(signed.download); return { params: { id, exp, sig, name }, query: { filename: 'Handbook (final).pdf' } }; },
        free: ['query.filename'],
        check: (sent, field) => {
          if (field.name === 'query.filename') expect(sent.status).toBe(200);
        },
      },
      { method: 'GET', route: '/api/media/:id/stream/:exp/:sig/*', who: anonymous, input: () => { const [id, , exp, sig, ...rest] = parts(signed.stream); return { params: { id, exp, sig, '*': decodeURIComponent(rest.join('/')) } }; } },
      // resumable uploads
      {
        method: 'POST',
        route: '/api/uploads',
        who: o,
        input: () => ({ body: { filename: 'Slides.pdf' } }),
        free: ['body.filename'],
        send: finishTus,
        check: async (sent, field, value) => {
          stored(cleanName)(sent);
          if (field.name === 'body.filename' && VISIBLE.test(value)) expect(sent.status).toBe(200);
        },
        runs: 10,
      },
      noFields('PATCH', '/api/uploads'),
      noFields('DELETE', '/api/uploads'),
      ...(['POST', 'PATCH', 'DELETE'] as const).map((method): Case => ({
        method,
        route: '/api/uploads/:uploadId',
        who: o,
        input: () => ({ params: { uploadId: ids.upload } }),
        send: (agent, url) => inject(t, agent, method, url, { headers: { ...TUS, 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' }, payload: Buffer.alloc(0) }),
      })),
      // quizzes and viewing
      { method: 'GET', route: '/api/media/:id/quiz/edit', who: o, input: media(ids.quiz) },
      { method: 'GET', route: '/api/media/:id/quiz', who: () => guest.agent, input: media(ids.quiz) },
      { method: 'POST', route: '/api/media/:id/quiz/attempts', who: () => guest.agent, input: media(ids.quiz) },
      { method: 'PUT', route: '/api/media/:id/quiz/attempts/:attemptId/answers/:questionId', who: () => guest.agent, input: () => ({ params: { id: ids.quiz, attemptId: ids.attempt, questionId: 'why' }, body: { text: 'Colour bars\r\nand a tone' } }) },
      { method: 'PUT', route: '/api/media/:id/quiz/attempts/:attemptId/answers/:questionId', who: () => guest.agent, input: () => ({ params: { id: ids.quiz, attemptId: ids.attempt, questionId: 'primes' }, body: { optionIds: ['2', '5'] } }) },
      { method: 'POST', route: '/api/media/:id/quiz/attempts/:attemptId/finish', who: () => guest.agent, input: () => ({ params: { id: ids.quiz, attemptId: ids.attempt } }) },
      { method: 'PUT', route: '/api/media/:id/quiz', who: o, input: () => ({ params: { id: ids.quiz }, body: sampleQuiz([0.2, 0.4, 0.6, 0.8]) }), runs: 60 },
      { method: 'GET', route: '/api/media/:id/quiz/results', who: o, input: media(ids.quiz) },
      { method: 'GET', route: '/api/media/:id/quiz/results.csv', who: o, input: media(ids.quiz) },
      { method: 'POST', route: '/api/media/:id/progress', who: () => guest.agent, input: () => ({ params: { id: ids.quiz }, body: { positionSeconds: 0.5, ranges: [[0, 0.5]] } }) },
      { method: 'GET', route: '/api/media/:id/analytics', who: o, input: media(ids.quiz) },
      // invites
      {
        method: 'POST',
        route: '/api/media/:id/invites',
        who: o,
        input: () => ({ params: { id: ids.document }, body: { people: [{ email: uniqueEmail('inv'), firstName: 'Ida', lastName: 'Invitee' }], role: 'viewer', message: 'Welcome!\r\nSee you', sendEmail: false } }),
      },
      { method: 'GET', route: '/api/media/:id/invites', who: o, input: media(ids.document) },
      { method: 'GET', route: '/api/media/:id/invites/mail-status', who: o, input: media(ids.document) },
      { method: 'GET', route: '/api/media/:id/invite-limits', who: o, input: media(ids.document) },
      { method: 'GET', route: '/api/media/:id/invites.csv', who: o, input: media(ids.document) },
      { method: 'POST', route: '/api/media/:id/invites/:inviteId/resend', who: o, input: () => ({ params: { id: ids.document, inviteId: ids.invite } }) },
      { method: 'POST', route: '/api/media/:id/invites/:inviteId/link', who: o, input: () => ({ params: { id: ids.document, inviteId: ids.invite } }) },
      { method: 'PATCH', route: '/api/media/:id/invites/:inviteId', who: o, input: () => ({ params: { id: ids.document, inviteId: ids.invite }, body: { role: 'viewer' } }) },
      { method: 'DELETE', route: '/api/media/:id/invites/:inviteId', who: o, input: () => ({ params: { id: ids.document, inviteId: ids.invite } }) },
      { method: 'POST', route: '/api/media/:id/invites/revoke', who: o, input: () => ({ params: { id: ids.document }, body: { ids: [ids.invite] } }) },
      // the link and the lobby
      { method: 'GET', route: '/i/:token', who: anonymous, input: () => ({ params: { token: ids.token } }) },
      noFields('GET', '/api/lobby', () => lobby.agent),
      { method: 'POST', route: '/api/lobby/enter', who: () => lobby.agent, input: () => ({ body: { email: lobby.email, code: '123456' } }) },
      { method: 'POST', route: '/api/lobby/new-link', who: () => lobby.agent, input: () => ({ body: { email: lobby.email } }) },
      // admin
      // (a number in a query string is read as a number, whitespace and all: not text)
      { method: 'GET', route: '/api/admin/outbox', who: o, input: () => ({ query: { to: owner.email, limit: '10' } }), free: ['query.limit'] },
      noFields('GET', '/api/admin/settings'),
      noFields('GET', '/api/admin/mail-status'),
      { method: 'GET', route: '/api/admin/audit', who: o, input: audit, free: ['query.limit'] },
      noFields('GET', '/api/admin/audit/media'),
      { method: 'GET', route: '/api/audit', who: o, input: audit, free: ['query.limit'] },
      noFields('GET', '/api/openapi.json', anonymous),
      // storage quotas
      noFields('GET', '/api/storage'),
      { method: 'PUT', route: '/api/admin/users/:userId/quota', who: o, input: () => ({ params: { userId: owner.user.id }, body: { quota: 'unlimited' } }) },
      // API tokens
      noFields('GET', '/api/tokens'),
      { method: 'POST', route: '/api/tokens', who: o, input: () => ({ body: { name: 'LMS import', scopes: ['media:read', 'invites:write'], expiresInDays: 30 } }) },
      { method: 'DELETE', route: '/api/tokens/:id', who: o, input: media(ids.apiToken) },
      // SSO: the sign-in buttons, the way out and back (an unknown provider: no network), the link step, the admin's providers
      { method: 'GET', route: '/api/auth/sso/providers', who: anonymous, input: () => ({ query: { returnTo: '/lobby' } }) },
      { method: 'GET', route: '/api/auth/sso/:id/start', who: anonymous, input: () => ({ params: { id: 'nope' }, query: { returnTo: '/lobby' } }) },
      { method: 'GET', route: '/api/auth/sso/:id/callback', who: anonymous, input: () => ({ params: { id: 'nope' } }) },
      { method: 'GET', route: '/api/auth/sso/link', who: anonymous, input: () => ({ query: { link: 'x'.repeat(43) } }) },
      { method: 'POST', route: '/api/auth/sso/link', who: anonymous, input: () => ({ body: { link: 'x'.repeat(43), password: 'a password' } }), free: ['body.password'], runs: 10 },
      noFields('GET', '/api/admin/sso-providers'),
      {
        method: 'POST',
        route: '/api/admin/sso-providers',
        who: o,
        input: () => ({ body: { id: 'fuzz', name: 'Fuzz ID', issuer: 'http://127.0.0.1:9', clientId: 'foyer', clientSecret: 'a secret', emailDomains: ['fuzz.test'], createAccounts: true, requireLobby: false } }),
        // a secret is sent to the provider as given
        free: ['body.clientSecret'],
      },
      { method: 'PATCH', route: '/api/admin/sso-providers/:id', who: o, input: () => ({ params: { id: 'fuzz' }, body: { name: 'Fuzz ID', emailDomains: ['fuzz.test'] } }) },
      { method: 'DELETE', route: '/api/admin/sso-providers/:id', who: o, input: () => ({ params: { id: 'fuzz-gone' } }) },
      // live events
      { method: 'POST', route: '/api/events', who: o, input: () => ({ body: eventBody() }) },
      { method: 'GET', route: '/api/events/:id', who: o, input: media(ids.event) },
      { method: 'PATCH', route: '/api/events/:id', who: o, input: () => ({ params: { id: ids.event }, body: { ...eventBody(), speakers: [{ id: ids.speaker, name: 'Sam Speaker', title: 'CTO' }], startsAt: undefined, endsAt: undefined } }) },
      { method: 'POST', route: '/api/events/:id/start', who: o, input: media(ids.event) },
      { method: 'POST', route: '/api/events/:id/end', who: o, input: media(ids.event) },
      { method: 'PUT', route: '/api/events/:id/recording', who: o, input: () => ({ params: { id: ids.event }, body: { mediaId: ids.video } }) },
      { method: 'GET', route: '/api/events/:id/calendar.ics', who: o, input: media(ids.event) },
      { method: 'GET', route: '/api/events/:id/report', who: o, input: media(ids.event) },
      { method: 'GET', route: '/api/events/:id/report/:file', who: o, input: () => ({ params: { id: ids.event, file: 'attendance.csv' } }) },
      {
        method: 'PUT',
        route: '/api/events/:id/speakers/:speakerId/photo',
        who: o,
        input: () => ({ params: { id: ids.event, speakerId: ids.speaker } }),
        send: (agent, url) => {
          const form = multipart('sam.png', PNG);
          return inject(t, agent, 'PUT', url, { headers: form.headers, payload: form.body });
        },
      },
      { method: 'GET', route: '/api/events/:id/speakers/:speakerId/photo', who: o, input: () => ({ params: { id: ids.event, speakerId: ids.speaker } }) },
      {
        method: 'PUT',
        route: '/api/events/:id/cover',
        who: o,
        input: media(ids.event),
        send: (agent, url) => {
          const form = multipart('cover.png', PNG);
          return inject(t, agent, 'PUT', url, { headers: form.headers, payload: form.body });
        },
      },
      { method: 'GET', route: '/api/events/:id/cover', who: o, input: media(ids.event) },
      { method: 'DELETE', route: '/api/events/:id/cover', who: o, input: media(ids.event) },
      { method: 'GET', route: '/api/events/:id/source', who: o, input: media(ids.event) },
      { method: 'GET', route: '/api/events/:id/stream-key', who: o, input: media(ids.diyLive) },
      { method: 'POST', route: '/api/events/:id/stream-key', who: o, input: media(ids.diyLive) },
      { method: 'GET', route: '/api/events/:id/live', who: o, input: media(ids.event) },
      { method: 'GET', route: '/api/live/:id/:who/:exp/:sig/:file', who: anonymous, input: () => { const [id, who, exp, sig, file] = parts(signed.live!); return { params: { id, who, exp, sig, file }, query: { _HLS_msn: '3' } }; } },
      { method: 'GET', route: '/api/live/:id/:who/:exp/:sig/lo/:file', who: anonymous, input: () => { const [id, who, exp, sig] = parts(signed.live!); return { params: { id, who, exp, sig, file: 'index.m3u8' }, query: { _HLS_msn: '3' } }; } },
      {
        method: 'GET',
        route: '/api/events/:id/ingest',
        who: o,
        input: media(ids.event),
        send: (agent, url) => roomUpgrade(base + url, agent!, { type: 'start', mimeType: 'video/webm;codecs=h264,opus' }),
      },
      {
        method: 'GET',
        route: '/api/events/:id/room',
        who: o,
        input: media(ids.event),
        send: (agent, url) => roomUpgrade(base + url, agent!),
      },
      // last: it changes what every invite may do
      {
        method: 'PATCH',
        route: '/api/admin/settings',
        who: o,
        input: () => ({ body: { blockedEmailDomains: ['blocked.example'], allowedEmailDomains: ['example.com'], lobbyVerification: 'email', whoMayInvite: 'owners_and_admins' } }),
      },
    ];
    // JSON is the default way out
    for (const c of cases) c.send ??= (agent, url, input) => json(agent, url, input, c.method);
  }, 180_000);
  afterAll(async () => t?.close());

  const keyOf = (method: string, url: string) => `${method} ${url}`;

  it('has a case for every route in the route table, and every string its schemas take is built by the text helper', () => {
    const routes = t.routes.filter((r) => !r.url.startsWith('/api/docs'));
    const table = new Set(routes.flatMap((r) => r.methods.filter((m) => m !== 'HEAD' && m !== 'OPTIONS').map((m) => keyOf(m, r.url))));
    expect([...new Set(cases.map((c) => keyOf(c.method, c.route)))].sort()).toEqual([...table].sort());
    const bare: string[] = [];
    for (const r of routes) {
      const schema = (r.schema ?? {}) as { params?: z.ZodType; querystring?: z.ZodType; body?: z.ZodType };
      for (const part of ['params', 'querystring', 'body'] as const) if (schema[part]) bare.push(...bareStrings(schema[part]).map((p) => `${r.url} ${part}: ${p}`));
      // every path parameter is declared, so it is checked like any other text
      const names = [...r.url.matchAll(/:(\w+)|\*/g)].map((m) => m[1] ?? '*');
      const shape = (schema.params as { shape?: Record<string, unknown> } | undefined)?.shape ?? {};
      for (const name of names) if (!(name in shape)) bare.push(`${r.url} params: ${name} (no schema)`);
    }
    expect(bare).toEqual([]);
  });

  it('examples: the field is named for the form, line breaks arrive as LF, file names are stored clean', async () => {
    // what a person pasted into the event form: the form shows the message at the field named in details
    const created = await owner.agent.post('/api/events', {
      kind: 'webcast',
      title: 'Town\u0000hall',
      description: 'ok',
      startsAt: new Date(t.clock.now + HOUR).toISOString(),
      endsAt: new Date(t.clock.now + 2 * HOUR).toISOString(),
      timeZone: 'Europe/Berlin',
      speakers: [{ name: 'Sam\uD800' }],
    });
    expect(created.statusCode).toBe(400);
    expect(created.json().error).toEqual({
      code: 'validation_failed',
      message: 'Some fields are not valid: title, speakers.0.name.',
      details: {
        title: 'Contains an invisible control character (U+0000). Remove it and try again.',
        'speakers.0.name': 'Contains a broken character (U+D800, half of a surrogate pair). Remove it and try again.',
      },
    });
    const edited = await owner.agent.patch(`/api/media/${ids.video}`, { title: 'Lesson', description: 'Line one\r\nLine two\rLine three' });
    expect(edited.json().media.description).toBe('Line one\nLine two\nLine three');
    expect((await owner.agent.get(`/api/media/${ids.video}`)).json().media.description).toBe('Line one\nLine two\nLine three');
    expect((await owner.agent.patch(`/api/media/${ids.video}`, { title: 'Two\nlines' })).json().error.details).toEqual({ title: 'Use a single line (no line breaks).' });
    // ids in the path and the query are text too
    expect((await owner.agent.get('/api/media/%00')).json().error.details).toEqual({ id: expect.stringContaining('U+0000') });
    expect((await owner.agent.get('/api/audit?action=%1B')).json().error.details).toEqual({ action: expect.stringContaining('U+001B') });
    // an upload's name is cleaned, not refused
    const form = multipartNamed('Budget\u0000 2026\u0007.pdf', makePdf(), true);
    const up = await inject(t, owner.agent, 'POST', '/api/media', { headers: { 'content-type': form.type }, payload: form.body });
    expect(up.status).toBe(201);
    expect((up.json as { media: { originalName: string } }).media.originalName).toBe('Budget 2026.pdf');
    // and in a room, any viewer's message
    const [viewer] = await roomCast(t, ids.event, ['viewer']);
    const room = await RoomClient.join(base, ids.event, viewer.agent);
    const refused = await room.request({ type: 'chat.send', body: 'hi\u0000' });
    expect(refused).toMatchObject({ type: 'error', error: { code: 'validation_failed', details: { body: expect.stringContaining('U+0000') } } });
    await room.close();
  });

  /** Sends one request of a case with one field set to `value`, and checks the answer. */
  async function attempt(c: Case, field: Field | undefined, value: string) {
    const input = await c.input();
    const sent = field ? withValue(input, field.path, value) : input;
    const url = urlOf(c.route, sent);
    const res = await c.send!(c.who(), url, sent);
    const what = `${c.method} ${c.route} ${field?.name ?? ''}=${JSON.stringify(value)} → ${res.status} ${JSON.stringify(res.json)?.slice(0, 300)}`;
    expect(res.status, what).toBeLessThan(500);
    const error = (res.json as { error?: { code?: string; details?: Record<string, string> } } | undefined)?.error;
    expect(error?.code, what).not.toBe('internal_error');
    if (res.status >= 400 && !c.route.startsWith('/api/uploads') && c.route !== '/api/events/:id/room' && c.route !== '/api/events/:id/ingest') expect(errorBodySchema.safeParse(res.json).success, what).toBe(true);
    // A query value that is not UTF-8 once decoded (a lone surrogate) reaches the route as it was sent, percent-encoded.
    const delivered = field?.path[0] === 'query' && /\p{Cs}/u.test(value) ? pct(value) : value;
    if (field && !c.free?.includes(field.name) && mustRefuse(delivered)) {
      expect(error?.code, what).toBe('validation_failed');
      const [where, ...rest] = field.path;
      const name = rest.join('.');
      // The router itself refuses a broken percent-encoding (a lone surrogate in the path) or an over-long parameter.
      const byRouter = where === 'params' && (res.status === 414 || !error?.details);
      if (!byRouter) expect(Object.keys(error?.details ?? {}), what).toContain(name);
    }
    await c.check?.(res, field ?? { name: '', path: [], valid: '' }, value);
  }

  it('never answers 5xx to any text in any field of any route; a forbidden character is refused naming the field', async () => {
    for (const c of cases) {
      const fields = fieldsOf(await c.input());
      if (fields.length === 0) {
        await attempt(c, undefined, '');
        continue;
      }
      for (const f of fields) for (const seed of seedsFor(f.valid)) await attempt(c, f, seed);
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...fields).chain((f) => mutationOf(f.valid).map((value) => ({ f, value }))),
          async ({ f, value }) => attempt(c, f, value),
        ),
        { numRuns: c.runs ?? RUNS },
      );
    }
    await setSettings(t, { blockedEmailDomains: [], allowedEmailDomains: [] });
  }, 240_000);

  it('never answers internal_error to any text in any field of any room message; a forbidden character is refused naming the field', async () => {
    const event = await createEvent(t, owner.agent, { startsAt: new Date(t.clock.now - 60_000).toISOString(), endsAt: new Date(t.clock.now + 48 * HOUR).toISOString(), qaMode: 'open' });
    const [viewer] = await roomCast(t, event.event.id, ['viewer']);
    const staff = await RoomClient.join(base, event.event.id, owner.agent);
    const audience = await RoomClient.join(base, event.event.id, viewer.agent);
    const participantId = (await audience.next('welcome')).you.participantId;
    const idOf = async (c: RoomClient, msg: ClientMessageInput) => {
      const ack = await c.request(msg);
      if (ack.type !== 'ack' || !ack.id) throw new Error(`no id for ${msg.type}: ${JSON.stringify(ack)}`);
      return ack.id;
    };
    const r = {
      message: await idOf(staff, { type: 'chat.send', body: 'Welcome' }),
      own: await idOf(audience, { type: 'chat.send', body: 'Hi' }),
      question: await idOf(audience, { type: 'question.ask', body: 'When?' }),
      poll: await idOf(staff, { type: 'poll.launch', question: 'Coffee?', options: ['Yes', 'No'] }),
      closing: await idOf(staff, { type: 'poll.launch', question: 'Tea?', options: ['Yes', 'No'] }),
    };
    const pollEvent = await audience.event('poll', (e) => e.event.kind === 'poll' && e.event.poll.id === r.poll);
    const option = pollEvent.event.kind === 'poll' ? pollEvent.event.poll.options[0].id : '';

    const everyone = (ref: string) => [
      { type: 'hello', ref },
      { type: 'chat.send', ref, body: 'Hello\r\neveryone' },
      { type: 'chat.like', ref, messageId: r.message, liked: true },
      { type: 'message.delete', ref, messageId: r.own },
      { type: 'question.ask', ref, body: 'What about\nnext year?', anonymous: false },
      { type: 'question.upvote', ref, questionId: r.question, upvoted: true },
      { type: 'poll.vote', ref, pollId: r.poll, optionIds: [option] },
    ];
    const moderators = (ref: string) => [
      ...everyone(ref),
      { type: 'backchannel.send', ref, body: 'Five minutes' },
      { type: 'question.moderate', ref, questionId: r.question, action: 'pin' },
      { type: 'question.answer', ref, questionId: r.question, text: 'In spring.\r\nProbably.' },
      { type: 'question.mark_answered_live', ref, questionId: r.question },
      { type: 'poll.launch', ref, question: 'Lunch?', options: ['Pizza', 'Salad'], multiple: false },
      { type: 'poll.close', ref, pollId: r.closing },
      { type: 'poll.show_results', ref, pollId: r.poll, shown: true },
      { type: 'announcement.send', ref, body: 'We start\nnow' },
      { type: 'person.mute', ref, participantId, muted: false },
      { type: 'participants.list', ref },
    ];
    const types = new Set(moderators('x').map((m) => m.type));
    // every client message type of the contract is here
    const { clientMessageSchema } = await import('../../src/contracts/live.js');
    expect([...types].sort()).toEqual(clientMessageSchema.options.map((o) => o.shape.type.value).sort());

    let n = 0;
    async function say(c: RoomClient, template: Record<string, unknown>, field: Field, value: string) {
      const msg = withValue(template, field.path, value);
      const from = c.received.length;
      c.ws.send(JSON.stringify(msg));
      const answer = await c.waitFor((m) => m.type === 'ack' || m.type === 'error' || m.type === 'participants', { from });
      const what = `${template.type} ${field.name}=${JSON.stringify(value)} → ${JSON.stringify(answer).slice(0, 300)}`;
      if (answer.type === 'error') {
        expect(answer.error.code, what).not.toBe('internal_error');
        if (mustRefuse(value)) {
          expect(answer.error.code, what).toBe('validation_failed');
          expect(Object.keys((answer.error.details ?? {}) as object), what).toContain(field.name);
        }
      } else expect(mustRefuse(value), what).toBe(false);
    }
    for (const [c, templates] of [[audience, everyone], [staff, moderators]] as const) {
      for (const template of templates(`ref-${++n}`)) {
        const fields = fieldsOf(template as Input);
        for (const f of fields) for (const seed of seedsFor(f.valid)) await say(c, templates(`ref-${++n}`).find((m) => m.type === template.type)!, f, seed);
        await fc.assert(
          fc.asyncProperty(
            fc.constantFrom(...fields).chain((f) => mutationOf(f.valid).map((value) => ({ f, value }))),
            async ({ f, value }) => say(c, templates(`ref-${++n}`).find((m) => m.type === template.type)!, f, value),
          ),
          { numRuns: RUNS },
        );
      }
    }
    // nobody was thrown out on the way
    expect([staff.ws.readyState, audience.ws.readyState]).toEqual([WebSocket.OPEN, WebSocket.OPEN]);
    await Promise.all([staff.close(), audience.close()]);
  }, 240_000);
});

/**
 * Opens a room socket the way the browser does and reports how it went: the refusal before the
 * upgrade, or the room's first answer (an error, and the close) after it.
 */
function roomUpgrade(url: string, agent: Agent, first?: unknown): Promise<Sent> {
  return new Promise((settle, fail) => {
    const ws = new WebSocket(url.replace(/^http/, 'ws'), { headers: { origin: agent.origin, cookie: agent.cookieHeader } });
    // a socket that never answers (nor closes) is a defect to name, not a test that hangs until its timeout
    const timer = setTimeout(() => {
      ws.terminate();
      fail(new Error(`no answer and no close within 20 s: ${url} ${first === undefined ? '' : JSON.stringify(first)}`));
    }, 20_000);
    const resolve = (v: Sent) => {
      clearTimeout(timer);
      settle(v);
    };
    const reject = (err: unknown) => {
      clearTimeout(timer);
      fail(err);
    };
    // the ingest socket says nothing before the browser's first message
    if (first !== undefined) ws.once('open', () => ws.send(JSON.stringify(first)));
    ws.once('unexpected-response', (req, res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => {
        // handling this event makes ending the request ours (ws leaves the connection open otherwise)
        req.destroy();
        resolve({ status: res.statusCode ?? 0, json: body ? JSON.parse(body) : undefined, headers: res.headers });
      });
    });
    ws.once('message', (data) => {
      const msg = JSON.parse(data.toString()) as { type: string; error?: unknown };
      ws.once('close', (code) => resolve({ status: code === 1011 ? 500 : 101, json: msg.type === 'error' ? { error: msg.error } : undefined, headers: {} }));
      if (msg.type !== 'error') ws.close();
    });
    ws.once('error', (err) => {
      if (!String(err.message).startsWith('Unexpected server response')) reject(err);
    });
  });
}
