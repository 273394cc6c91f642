import { afterEach, describe, expect, it } from 'vitest';
import type { InviteRowDto } from '../../src/contracts/invites.js';
import { SmtpMailer } from '../../src/server/adapters/mail/mailer.js';
import { Agent, createTestApp, signUp, WallClock, type TestApp } from '../factories/app.js';
import type { TestDatabase } from '../factories/database.js';
import { testDialects } from '../factories/database.js';
import { mediaRow } from '../factories/invites.js';
import { SmtpCapture } from '../factories/smtp.js';
import { waitFor } from '../factories/wait.js';

const PEOPLE = 1_000;
// Short backoff (0.2 s doubling to 1 s) so the outage takes seconds; the clock is the real one.
const env = (smtp: SmtpCapture) => ({ SMTP_URL: smtp.url, MAIL_RETRY_FIRST_SECONDS: '0.2', MAIL_RETRY_MAX_SECONDS: '1', MAIL_FAILING_AFTER_TRIES: '3' });

/**
 * Hardening item 11: a bulk invite while the SMTP server (a real smtp-server) is down loses nothing. The
 * site is restarted (a new app over the same database) during the outage; once the server is back every
 * email arrives exactly once.
 */
describe.each(testDialects())('an SMTP outage during a bulk invite on %s', (dialect) => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  const start = async (smtp: SmtpCapture, db?: TestDatabase): Promise<TestApp> => {
    const t = await createTestApp({ dialect, db, env: env(smtp), clock: new WallClock(), mailer: new SmtpMailer(smtp.url) });
    cleanups.push(() => t.close());
    // As main.ts does on boot.
    t.services.mail.start(100);
    return t;
  };

  it(`${PEOPLE.toLocaleString('en')} invites while SMTP is down: truthful statuses and a notice, retries across a restart, then each email exactly once`, async () => {
    const smtp = await SmtpCapture.start();
    cleanups.push(() => smtp.close());
    const first = await start(smtp);
    cleanups.push(() => first.db.dispose());
    const owner = await signUp(first, { name: 'Olivia Owner' });
    await smtp.waitFor(owner.email);
    const media = await mediaRow(first, owner.user.id, 'document', 'Board pack');
    const tries = async (t: TestApp) => (await t.db.database.db.selectFrom('mail_messages').select('attempts').where('kind', '=', 'invite').execute()).reduce((n, r) => n + r.attempts, 0);

    await smtp.stop();
    const downSince = Date.now();
    const people = Array.from({ length: PEOPLE }, (_, i) => ({ email: `person${i}@outage.example`, firstName: `P${i}` }));
    const res = await owner.agent.post(`/api/media/${media.id}/invites`, { people });
    expect(res.statusCode).toBe(201);
    expect(res.json().created).toHaveLength(PEOPLE);

    // The owner is told, with the count of this media's invitations waiting.
    const notice = await waitFor(async () => {
      const n = (await owner.agent.get(`/api/media/${media.id}/invites/mail-status`)).json();
      return n.failing ? n : null;
    }, { what: 'the failing notice' });
    expect(notice).toMatchObject({ failing: true, waiting: PEOPLE, problem: 'The mail server could not be reached.' });
    expect(Date.parse(notice.since)).toBeGreaterThanOrEqual(downSince - 1000);

    const rowsOf = async (agent: Agent) => (await agent.get(`/api/media/${media.id}/invites`)).json().items as InviteRowDto[];
    const during = await rowsOf(owner.agent);
    expect(during).toHaveLength(PEOPLE);
    expect(new Set(during.map((r) => r.emailDelivery?.status))).toEqual(new Set(['sending', 'retrying']));
    const retrying = during.filter((r) => r.emailDelivery!.status === 'retrying');
    expect(retrying.length).toBeGreaterThan(0);
    for (const r of retrying) {
      expect(r.emailDelivery).toMatchObject({ problem: 'The mail server could not be reached.', nextTryAt: expect.any(String), lastTryAt: expect.any(String) });
      expect(r.emailDelivery!.attempts).toBeGreaterThan(0);
    }
    // The invite itself says nothing was delivered yet: no row claims "sent" by email.
    expect(during.some((r) => r.emailDelivery!.sentAt !== null)).toBe(false);
    const csv = (await owner.agent.get(`/api/media/${media.id}/invites.csv`)).body.trim().split('\r\n');
    expect(csv[0].split(',').slice(-2)).toEqual(['email_delivery', 'email_problem']);
    expect(new Set(csv.slice(1).map((l: string) => l.split(',')[10]))).toEqual(new Set(['sending', 'retrying']));

    // Not 1,000 connections: one probe per backoff step (at least 0.1 s apart) after the first pass's pool of 3.
    const beforeRestart = await tries(first);
    expect(beforeRestart).toBeLessThanOrEqual(3 + Math.ceil((Date.now() - downSince) / 100));
    expect(beforeRestart).toBeLessThan(PEOPLE / 4);

    // Foyer restarts while the server is still down: the outbox and the failing state are in the database.
    await first.app.close();
    const second = await start(smtp, first.db);
    const agent = new Agent(second.app);
    for (const [k, v] of owner.agent.cookies) agent.cookies.set(k, v);
    expect((await agent.get(`/api/media/${media.id}/invites/mail-status`)).json()).toMatchObject({ failing: true, waiting: PEOPLE });
    await waitFor(async () => (await tries(second)) > beforeRestart + 2, { what: 'retries after the restart' });
    expect((await rowsOf(agent)).every((r) => r.emailDelivery!.status === 'sending' || r.emailDelivery!.status === 'retrying')).toBe(true);

    // The server comes back: every email arrives, in bounded time.
    await smtp.resume();
    await waitFor(() => smtp.messages.filter((m) => m.subject.includes('Board pack')).length >= PEOPLE, { timeoutMs: 120_000, everyMs: 200, what: `${PEOPLE} invite emails` });
    await waitFor(async () => (await rowsOf(agent)).every((r) => r.emailDelivery!.status === 'sent'), { timeoutMs: 30_000, everyMs: 200, what: 'every row sent' });
    // One more pass finds nothing left to send.
    await second.services.mail.flush();
    expect(await second.services.mail.countWaiting()).toBe(0);

    const invites = smtp.messages.filter((m) => m.subject.includes('Board pack'));
    expect(invites).toHaveLength(PEOPLE);
    const byRecipient = new Map<string, number>();
    for (const m of invites) byRecipient.set(m.envelope.to[0], (byRecipient.get(m.envelope.to[0]) ?? 0) + 1);
    expect(byRecipient.size).toBe(PEOPLE);
    expect([...byRecipient.values()].every((n) => n === 1)).toBe(true);
    expect([...byRecipient.keys()].sort()).toEqual(people.map((p) => p.email).sort());
    const outbox = await second.db.database.db.selectFrom('mail_messages').select(['id', 'status']).where('kind', '=', 'invite').execute();
    expect(new Set(invites.map((m) => m.headers.get('message-id')))).toEqual(new Set(outbox.map((r) => `<${r.id}@foyer.localhost>`)));
    expect(outbox.every((r) => r.status === 'sent')).toBe(true);

    const after = await rowsOf(agent);
    expect(after.every((r) => r.emailDelivery!.status === 'sent' && r.emailDelivery!.sentAt !== null && r.emailDelivery!.problem === null)).toBe(true);
    expect((await agent.get(`/api/media/${media.id}/invites/mail-status`)).json()).toEqual({ failing: false, waiting: 0, since: null, nextTryAt: null, problem: null });
  }, 240_000);
});

describe.each(testDialects())('email delivery in People with access on %s', (dialect) => {
  let t: TestApp;
  let smtp: SmtpCapture;
  afterEach(async () => {
    await t?.close();
    await smtp?.close();
  });

  it('a 550 for one invitee fails that row with the reason; the others are sent; links not emailed have no delivery; no notice', async () => {
    smtp = await SmtpCapture.start();
    t = await createTestApp({ dialect, env: env(smtp), clock: new WallClock(), mailer: new SmtpMailer(smtp.url) });
    const owner = await signUp(t, { name: 'Olivia Owner' });
    const media = await mediaRow(t, owner.user.id, 'document', 'Handbook');
    smtp.rejectRecipient = (a) => (a === 'gone@refuse.example' ? { code: 550, message: 'No such user here' } : null);
    await owner.agent.post(`/api/media/${media.id}/invites`, { people: [{ email: 'gone@refuse.example' }, { email: 'here@refuse.example' }, { email: 'there@refuse.example' }] });
    await owner.agent.post(`/api/media/${media.id}/invites`, { people: [{ email: 'copied@refuse.example' }], sendEmail: false });
    await t.services.mail.flush();

    const rows = (await owner.agent.get(`/api/media/${media.id}/invites`)).json().items as InviteRowDto[];
    const by = new Map(rows.map((r) => [r.email, r.emailDelivery]));
    expect(by.get('gone@refuse.example')).toMatchObject({ status: 'failed', attempts: 1, problem: 'The recipient’s address was refused (550 No such user here).', nextTryAt: null, sentAt: null });
    expect(by.get('here@refuse.example')).toMatchObject({ status: 'sent', attempts: 1, problem: null, sentAt: expect.any(String) });
    expect(by.get('there@refuse.example')!.status).toBe('sent');
    expect(by.get('copied@refuse.example')).toBeNull();
    const csv = (await owner.agent.get(`/api/media/${media.id}/invites.csv`)).body as string;
    expect(csv.split('\r\n').find((l) => l.startsWith('gone@'))!.split(',').slice(10)).toEqual(['failed', 'The recipient’s address was refused (550 No such user here).']);
    expect(smtp.to('here@refuse.example')).toHaveLength(1);
    // One refused address is not an outage.
    expect((await owner.agent.get(`/api/media/${media.id}/invites/mail-status`)).json()).toMatchObject({ failing: false, waiting: 0, problem: null });
    // The first account is the site's admin: its outbox shows the refusal in plain words and the server's own.
    const outbox = (await owner.agent.get('/api/admin/outbox')).json().items as Array<{ to: string; status: string; lastError: string; errorDetail: string }>;
    expect(outbox.find((m) => m.to === 'gone@refuse.example')).toMatchObject({ status: 'failed', lastError: 'The recipient’s address was refused (550 No such user here).', errorDetail: expect.stringContaining('550 No such user here') });
    expect((await owner.agent.get('/api/admin/mail-status')).json()).toEqual({ failing: false, waiting: 0, since: null, nextTryAt: null, problem: null });
  });

  it('the admin sees the site-wide notice while the server is down; other accounts may not read it', async () => {
    smtp = await SmtpCapture.start();
    t = await createTestApp({ dialect, env: env(smtp), clock: new WallClock(), mailer: new SmtpMailer(smtp.url) });
    const admin = await signUp(t, { name: 'Ada Admin' });
    const member = await signUp(t, { name: 'Mel Member' });
    const media = await mediaRow(t, member.user.id, 'video', 'Talk');
    await t.services.mail.flush();
    await smtp.stop();
    t.services.mail.start(100);
    await member.agent.post(`/api/media/${media.id}/invites`, { people: [{ email: 'a@down.example' }, { email: 'b@down.example' }] });
    const notice = await waitFor(async () => {
      const n = (await admin.agent.get('/api/admin/mail-status')).json();
      return n.failing ? n : null;
    }, { what: 'the admin notice' });
    expect(notice).toMatchObject({ failing: true, waiting: 2, problem: 'The mail server could not be reached.', nextTryAt: expect.any(String) });
    expect((await member.agent.get('/api/admin/mail-status')).statusCode).toBe(403);
    // The owner of other media sees the notice but only their own invitations counted; a stranger none of it.
    expect((await member.agent.get(`/api/media/${media.id}/invites/mail-status`)).json()).toMatchObject({ failing: true, waiting: 2 });
    const stranger = await signUp(t, { name: 'Sam Stranger' });
    expect((await stranger.agent.get(`/api/media/${media.id}/invites/mail-status`)).statusCode).toBe(404);
    const outbox = (await admin.agent.get('/api/admin/outbox')).json().items as Array<{ to: string; status: string; nextTryAt: string | null }>;
    const waiting = outbox.filter((m) => m.to.endsWith('@down.example'));
    expect(waiting.every((m) => m.status === 'pending' || m.status === 'sending')).toBe(true);
    expect(waiting.some((m) => m.nextTryAt !== null)).toBe(true);
  });
  it('an email whose link died while it waited (revoked, or replaced by "Resend") is not sent after the outage', async () => {
    smtp = await SmtpCapture.start();
    t = await createTestApp({ dialect, env: env(smtp), clock: new WallClock(), mailer: new SmtpMailer(smtp.url) });
    // Down from the start: no pooled connection is open when the invites are queued, so every try fails
    // at once and the emails wait in the outbox (a try already on a live connection may still go out).
    await smtp.stop();
    const owner = await signUp(t, { name: 'Owen Owner' });
    const media = await mediaRow(t, owner.user.id, 'video', 'Roadmap');
    t.services.mail.start(100);
    const res = await owner.agent.post(`/api/media/${media.id}/invites`, { people: [{ email: 'keep@down.example' }, { email: 'revoked@down.example' }, { email: 'resent@down.example' }] });
    const ids = Object.fromEntries((res.json().created as Array<{ id: string; email: string }>).map((c) => [c.email, c.id]));
    expect((await owner.agent.delete(`/api/media/${media.id}/invites/${ids['revoked@down.example']}`)).statusCode).toBe(200);
    expect((await owner.agent.post(`/api/media/${media.id}/invites/${ids['resent@down.example']}/resend`)).statusCode).toBe(200);

    await smtp.resume();
    await waitFor(async () => smtp.to('keep@down.example').length === 1 && smtp.to('resent@down.example').length === 1, { what: 'the live links delivered', timeoutMs: 20_000 });
    await t.services.mail.flush();
    expect(smtp.to('revoked@down.example')).toEqual([]);
    // Only the newer link reached the person whose link was replaced.
    const rows = (await owner.agent.get(`/api/media/${media.id}/invites`)).json().items as InviteRowDto[];
    const resent = rows.find((r) => r.email === 'resent@down.example')!;
    expect(smtp.to('resent@down.example')).toHaveLength(1);
    expect(resent.emailDelivery?.status).toBe('sent');
    const outbox = (await owner.agent.get('/api/admin/outbox')).json().items as Array<{ to: string; status: string; lastError: string | null }>;
    expect(outbox.filter((m) => m.to === 'revoked@down.example')).toEqual([expect.objectContaining({ status: 'failed', lastError: 'Not sent: the invite was revoked before this email could go out.' })]);
    expect(outbox.filter((m) => m.to === 'resent@down.example').map((m) => m.status).sort()).toEqual(['failed', 'sent']);
  });
});
