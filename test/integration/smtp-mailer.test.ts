import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmtpMailer } from '../../src/server/adapters/mail/mailer.js';
import { renderEmail } from '../../src/server/services/emails/layout.js';
import { linkIn, SmtpCapture } from '../factories/smtp.js';

// The real SmtpMailer (nodemailer) talking to a real SMTP server; also proves the capture's MIME reading.
describe('SmtpMailer against a real SMTP server', () => {
  let smtp: SmtpCapture;
  let mailer: SmtpMailer;
  beforeAll(async () => {
    smtp = await SmtpCapture.start();
    mailer = new SmtpMailer(smtp.url);
  });
  afterAll(async () => {
    await mailer?.close();
    await smtp?.close();
  });

  it('delivers text, html and an attachment that read back intact, non-ASCII included', async () => {
    const url = `https://media.example.com/i/${'A'.repeat(43)}?x=1&y=2`;
    const body = renderEmail({
      heading: 'Zoë invited you — “Quarterly review”',
      paragraphs: ['Hi Ümit,', 'A very long line that goes on and on '.repeat(6)],
      button: { label: 'Open', url },
    });
    await mailer.deliver({
      from: 'Foyer <no-reply@foyer.localhost>',
      to: 'Ümit <umit@example.com>',
      subject: 'Zoë invited you to “Quarterly review”',
      ...body,
      attachments: [{ filename: 'event.ics', contentType: 'text/calendar', content: 'BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n' }],
    });
    const mail = await smtp.waitFor('umit@example.com');
    expect(mail.subject).toBe('Zoë invited you to “Quarterly review”');
    expect(mail.envelope.to).toEqual(['umit@example.com']);
    expect(mail.text).toBe(body.text);
    expect(mail.html).toBe(body.html);
    expect(linkIn(mail.text, 'https://media.example.com/i/')).toBe(url);
    expect(mail.attachments).toHaveLength(1);
    expect(mail.attachments[0]).toMatchObject({ filename: 'event.ics', contentType: 'text/calendar' });
    expect(mail.attachments[0].content.toString()).toBe('BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n');
  });

  it('surfaces the server refusing a message as a delivery error', async () => {
    smtp.rejectWith = { code: 550, message: 'Mailbox unavailable' };
    try {
      await expect(
        mailer.deliver({ from: 'a@foyer.localhost', to: 'b@example.com', subject: 'x', text: 'x', html: '<p>x</p>' }),
      ).rejects.toThrow(/Mailbox unavailable/);
    } finally {
      smtp.rejectWith = null;
    }
  });
});
