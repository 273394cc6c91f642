import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Mailer, OutgoingMail } from '../../src/server/adapters/mail/mailer.js';
import { createLogger } from '../../src/server/logger.js';
import { MailRepository } from '../../src/server/repositories/mail.repository.js';
import { MailService } from '../../src/server/services/mail.service.js';
import { TestClock } from '../factories/app.js';
import { createTestDatabase, testDialects, type TestDatabase } from '../factories/database.js';

/** A mailer that fails a set number of times before it delivers. */
class FlakyMailer implements Mailer {
  readonly kind = 'smtp' as const;
  delivered: OutgoingMail[] = [];
  calls = 0;
  constructor(private failures: number) {}
  async deliver(mail: OutgoingMail) {
    this.calls++;
    if (this.failures-- > 0) throw new Error('421 try again later');
    this.delivered.push(mail);
  }
}

describe.each(testDialects())('mail delivery on %s', (dialect) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(dialect);
  });
  afterAll(async () => t?.dispose());

  const service = (mailer: Mailer, clock: TestClock) => new MailService({ repo: new MailRepository(t.database.db), mailer, from: 'Foyer <f@x.example>', clock: clock.fn, logger: createLogger('silent') });
  const msg = (to: string) => ({ kind: 'test', to, subject: 'Hello', text: 'Hi', html: '<p>Hi</p>' });

  it('retries with backoff and delivers', async () => {
    const clock = new TestClock();
    const mailer = new FlakyMailer(2);
    const mail = service(mailer, clock);
    const id = await mail.send(msg('retry@example.com'));
    await mail.flush();
    expect((await mail.get(id))).toMatchObject({ status: 'pending', attempts: 1, last_error: '421 try again later' });
    clock.advance(5_000);
    await mail.flush();
    expect((await mail.get(id))!.attempts).toBe(2);
    clock.advance(10_000);
    await mail.flush();
    expect(await mail.get(id)).toMatchObject({ status: 'sent', attempts: 3, last_error: null });
    expect(mailer.delivered.map((m) => m.to)).toEqual(['retry@example.com']);
  });

  it('marks a message failed, with the reason, after the last attempt — never silently lost', async () => {
    const clock = new TestClock();
    const mailer = new FlakyMailer(100);
    const mail = service(mailer, clock);
    const id = await mail.send(msg('broken@example.com'));
    for (let i = 0; i < 6; i++) {
      await mail.flush();
      clock.advance(10 * 60_000);
    }
    expect(await mail.get(id)).toMatchObject({ status: 'failed', attempts: 5, last_error: '421 try again later' });
    expect((await mail.list({ to: 'broken@example.com' }))[0].status).toBe('failed');
  });

  it('writes mail in the caller transaction: a rolled-back change sends nothing', async () => {
    const clock = new TestClock();
    const mailer = new FlakyMailer(0);
    const mail = service(mailer, clock);
    await expect(
      t.database.db.transaction().execute(async (trx) => {
        await mail.queue(msg('rollback@example.com'), trx);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    await mail.flush();
    expect(await mail.list({ to: 'rollback@example.com' })).toEqual([]);
    expect(mailer.calls).toBe(0);
  });
});
