import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { healthResponseSchema } from '../../src/contracts/health.js';
import { SmtpMailer } from '../../src/server/adapters/mail/mailer.js';
import { WallClock, createTestApp, signUp, type TestApp } from '../factories/app.js';
import { testDialects } from '../factories/database.js';
import { SmtpCapture } from '../factories/smtp.js';
import { waitFor } from '../factories/wait.js';

async function health(t: TestApp) {
  const res = await t.app.inject({ method: 'GET', url: '/api/health' });
  return { statusCode: res.statusCode, body: healthResponseSchema.parse(res.json()) };
}

describe.each(testDialects())('GET /api/health on %s', (dialect) => {
  let t: TestApp | undefined;
  let smtp: SmtpCapture | undefined;
  afterEach(async () => {
    await t?.app.close();
    await t?.db.dispose().catch(() => undefined);
    await smtp?.close();
    t = undefined;
    smtp = undefined;
  });

  it('stays ok when many checks arrive at once (a load balancer and monitors): their storage probes do not collide', async () => {
    t = await createTestApp({ dialect });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const port = (t.app.server.address() as { port: number }).port;
    const statuses = await Promise.all(Array.from({ length: 64 }, () => fetch(`http://127.0.0.1:${port}/api/health`).then((r) => r.status)));
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
  });

  it('answers 503 "down" when the database does not answer', async () => {
    t = await createTestApp({ dialect });
    expect((await health(t)).statusCode).toBe(200);
    await t.db.database.destroy();
    const res = await health(t);
    expect(res.statusCode).toBe(503);
    expect(res.body.status).toBe('down');
    expect(res.body.checks.database).toMatchObject({ state: 'down', dialect });
    expect(res.body.checks.database.message).toBeTruthy();
    expect(res.body.checks.storage.state).toBe('up');
  });

  it('answers 503 "down" when media storage cannot be written', async () => {
    t = await createTestApp({ dialect });
    expect((await health(t)).body.checks.storage.state).toBe('up');
    // a file where the check's folder would go: the disk refuses the write, as a read-only or broken mount would
    const probeDir = path.join(t.config.mediaDir, '.health');
    rmSync(probeDir, { recursive: true, force: true });
    writeFileSync(probeDir, 'in the way');
    const res = await health(t);
    expect(res.statusCode).toBe(503);
    expect(res.body.status).toBe('down');
    expect(res.body.checks.storage.state).toBe('down');
    expect(res.body.checks.database.state).toBe('up');
  });

  it('stays 200 but "degraded" while the mail server turns mail away, and is ok once a message goes through', async () => {
    smtp = await SmtpCapture.start();
    // The real clock and short retries: after a failure the outbox probes the server again within a second.
    t = await createTestApp({ dialect, mailer: new SmtpMailer(smtp.url), clock: new WallClock(), env: { SMTP_URL: smtp.url, MAIL_RETRY_FIRST_SECONDS: '0.2', MAIL_RETRY_MAX_SECONDS: '1' } });
    t.services.mail.start(100);
    expect((await health(t)).body).toMatchObject({ status: 'ok', checks: { mail: { state: 'up', mode: 'smtp' } } });

    smtp.rejectWith = { code: 421, message: 'Service not available, try again later' };
    await signUp(t, { verify: false });
    const down = await waitFor(async () => {
      const h = await health(t!);
      return h.body.checks.mail.state === 'down' ? h : undefined;
    }, { what: 'the failed delivery to show' });
    expect(down.statusCode).toBe(200);
    expect(down.body.status).toBe('degraded');
    expect(down.body.checks.mail.message).toMatch(/Service not available/);

    smtp.rejectWith = null;
    const { email } = await signUp(t, { verify: false });
    await smtp.waitFor(email);
    const up = await waitFor(async () => {
      const h = await health(t!);
      return h.body.checks.mail.state === 'up' ? h : undefined;
    }, { what: 'the delivery to show' });
    expect(up.body.status).toBe('ok');
  });
});
