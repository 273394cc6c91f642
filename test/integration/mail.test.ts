import { afterEach, describe, expect, it } from 'vitest';
import { SmtpMailer } from '../../src/server/adapters/mail/mailer.js';
import { backoffDelay, defaultRetryPolicy, type RetryPolicy } from '../../src/server/domain/mail-delivery.js';
import { createLogger } from '../../src/server/logger.js';
import { MailRepository } from '../../src/server/repositories/mail.repository.js';
import { MailService } from '../../src/server/services/mail.service.js';
import { TestClock } from '../factories/app.js';
import { createTestDatabase, testDialects, type TestDatabase } from '../factories/database.js';
import { SmtpCapture } from '../factories/smtp.js';
import { waitFor } from '../factories/wait.js';

const FROM = 'Foyer <no-reply@mail.foyer.example>';
const MINUTE = 60_000;

/**
 * The outbox against a real SMTP server (smtp-server) that tests stop, restart and make refuse, with a
 * clock the test moves: outages of half an hour take milliseconds.
 */
describe.each(testDialects())('mail delivery on %s', (dialect) => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function setup(opts: { policy?: Partial<RetryPolicy> } = {}) {
    const db: TestDatabase = await createTestDatabase(dialect);
    cleanups.push(() => db.dispose());
    const smtp = await SmtpCapture.start();
    cleanups.push(() => smtp.close());
    const clock = new TestClock();
    /** One process's mail service (its own SMTP pool) over the shared database. */
    const process = () => {
      const mailer = new SmtpMailer(smtp.url);
      const service = new MailService({ repo: new MailRepository(db.database.db), mailer, from: FROM, clock: clock.fn, logger: createLogger('silent'), policy: opts.policy });
      cleanups.push(async () => {
        await service.stop();
        await mailer.close();
      });
      return service;
    };
    const rows = () => db.database.db.selectFrom('mail_messages').selectAll().orderBy('created_at').execute();
    const totalAttempts = async () => (await rows()).reduce((n, r) => n + r.attempts, 0);
    return { db, smtp, clock, process, rows, totalAttempts };
  }

  const msg = (to: string) => ({ kind: 'test', to, subject: `Hello ${to}`, text: 'Hi', html: '<p>Hi</p>' });

  it('a 30-minute outage gives nothing up, probes once per backoff step, and on recovery sends every message exactly once', async () => {
    const { smtp, clock, process, rows, totalAttempts } = await setup();
    const mail = process();
    await smtp.stop();
    const addresses = Array.from({ length: 40 }, (_, i) => `person${i}@example.com`);
    const ids: string[] = [];
    for (const a of addresses) ids.push(await mail.queue(msg(a)));

    // 30 simulated minutes, the loop waking every 5 s as start() does.
    const end = clock.now + 30 * MINUTE;
    while (clock.now < end) {
      await mail.flush();
      clock.advance(5_000);
    }
    const during = await rows();
    expect(during.filter((r) => r.status === 'failed')).toEqual([]);
    expect(during.every((r) => r.status === 'pending')).toBe(true);
    expect(during.filter((r) => r.attempts > 0).every((r) => r.last_error === 'The mail server could not be reached.' && r.error_kind === 'unreachable')).toBe(true);
    // One probe per backoff step (each at least half the step, the jitter's floor) plus the first pass's pool.
    let probes = 0;
    for (let t = 0; t <= 30 * MINUTE; probes++) t += backoffDelay(probes + 1, defaultRetryPolicy, () => 0);
    const tries = await totalAttempts();
    expect(tries).toBeGreaterThan(1);
    expect(tries).toBeLessThanOrEqual(probes + 3);
    const health = await mail.health();
    expect(health).toMatchObject({ failing: true, problem: 'The mail server could not be reached.' });
    expect(health.nextTryAt).toBeGreaterThan(clock.now - 5_000);

    await smtp.resume();
    clock.now = Math.max(clock.now, health.nextTryAt!);
    await mail.flush();
    await waitFor(async () => (await rows()).every((r) => r.status === 'sent'), { timeoutMs: 20_000 });
    expect(smtp.messages.map((m) => m.envelope.to[0]).sort()).toEqual([...addresses].sort());
    expect(smtp.messageIds().sort()).toEqual(ids.map((id) => `<${id}@mail.foyer.example>`).sort());
    expect(await mail.health()).toMatchObject({ failing: false, problem: null, nextTryAt: null });
  });

  it('a 550 for one address fails that message at once, with the reason; the server is not taken for down', async () => {
    const { smtp, process, rows } = await setup();
    const mail = process();
    smtp.rejectRecipient = (a) => (a === 'gone@example.com' ? { code: 550, message: 'Mailbox unavailable' } : null);
    const bad = await mail.queue(msg('gone@example.com'));
    await mail.queue(msg('one@example.com'));
    await mail.queue(msg('two@example.com'));
    await mail.flush();
    expect(await mail.get(bad)).toMatchObject({ status: 'failed', attempts: 1, error_kind: 'rejected', last_error: 'The recipient’s address was refused (550 Mailbox unavailable).' });
    expect((await rows()).filter((r) => r.status === 'sent').map((r) => r.to_address).sort()).toEqual(['one@example.com', 'two@example.com']);
    expect(await mail.health()).toMatchObject({ failing: false, problem: null });
  });

  it('a 4xx for one recipient retries that message on its own backoff and holds nobody else', async () => {
    const { smtp, clock, process } = await setup();
    const mail = process();
    smtp.rejectRecipient = (a) => (a === 'grey@example.com' ? { code: 450, message: 'Greylisted, try again' } : null);
    const grey = await mail.queue(msg('grey@example.com'));
    const other = await mail.queue(msg('other@example.com'));
    await mail.flush();
    expect(await mail.get(grey)).toMatchObject({ status: 'pending', attempts: 1, error_kind: 'recipient_busy' });
    expect((await mail.get(other))!.status).toBe('sent');
    expect((await mail.health()).problem).toBeNull();
    smtp.rejectRecipient = null;
    clock.advance(defaultRetryPolicy.firstDelayMs);
    await mail.flush();
    expect(await mail.get(grey)).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('gives up on a message only after the horizon, naming the last error', async () => {
    const { smtp, clock, process } = await setup({ policy: { giveUpAfterMs: 2 * 60 * MINUTE } });
    const mail = process();
    await smtp.stop();
    const id = await mail.queue(msg('later@example.com'));
    const queuedAt = clock.now;
    while (clock.now < queuedAt + 2 * 60 * MINUTE - 5 * MINUTE) {
      await mail.flush();
      clock.advance(MINUTE);
    }
    expect((await mail.get(id))!.status).toBe('pending');
    while (clock.now <= queuedAt + 2 * 60 * MINUTE + 10 * MINUTE) {
      await mail.flush();
      clock.advance(MINUTE);
    }
    expect(await mail.get(id)).toMatchObject({ status: 'failed', error_kind: 'expired', last_error: 'Not delivered within 2 hours: The mail server could not be reached.' });
  });

  it('a message held by a process that died is sent by another once its lease runs out — once', async () => {
    const { smtp, clock, process } = await setup();
    const dying = process();
    smtp.holdData = true;
    const id = await dying.queue(msg('lease@example.com'));
    void dying.flush();
    await waitFor(() => smtp.heldCount === 1, { timeoutMs: 10_000 });
    // The first process never hears back (its server stalls on DATA): as if it died mid-send.
    smtp.holdData = false;
    const other = process();
    await other.flush();
    expect((await other.get(id))!.status).toBe('sending');
    expect(smtp.messages).toHaveLength(0);

    clock.advance(2 * MINUTE + 1);
    await other.flush();
    expect(await other.get(id)).toMatchObject({ status: 'sent', attempts: 2 });
    expect(smtp.to('lease@example.com')).toHaveLength(1);
    expect(smtp.messageIds()).toEqual([`<${id}@mail.foyer.example>`]);
    // The stalled first process learns nothing it could act on: its late failure cannot undo "sent".
    await smtp.stop();
    await dying.stop();
    expect(await other.get(id)).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('two processes draining one outbox send each message once', async () => {
    const { smtp, process, rows } = await setup();
    const a = process();
    const b = process();
    const addresses = Array.from({ length: 60 }, (_, i) => `both${i}@example.com`);
    const ids: string[] = [];
    for (const to of addresses) ids.push(await a.queue(msg(to)));
    await Promise.all([a.flush(), b.flush(), a.flush(), b.flush()]);
    expect((await rows()).every((r) => r.status === 'sent')).toBe(true);
    expect(smtp.messages.map((m) => m.envelope.to[0]).sort()).toEqual([...addresses].sort());
    expect(smtp.messageIds().sort()).toEqual(ids.map((id) => `<${id}@mail.foyer.example>`).sort());
  });

  it('writes mail in the caller transaction: a rolled-back change sends nothing', async () => {
    const { db, smtp, process } = await setup();
    const mail = process();
    await expect(
      db.database.db.transaction().execute(async (trx) => {
        await mail.queue(msg('rollback@example.com'), trx);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    await mail.flush();
    expect(await mail.list({ to: 'rollback@example.com' })).toEqual([]);
    expect(smtp.connections).toBe(0);
  });
});
