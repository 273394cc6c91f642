import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { afterFailure, backoffDelay, classifyDeliveryError, defaultRetryPolicy, emailDeliveryOf, isFailing, messageIdFor, type DeliveryHealth } from './mail-delivery.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Errors as nodemailer (pooled SMTP) reports them, copied from real runs against smtp-server. */
const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:2525'), { code: 'ESOCKET', command: 'CONN', originalCode: 'ECONNREFUSED' });
const timedOut = Object.assign(new Error('Connection timeout'), { code: 'ETIMEDOUT', command: 'CONN' });
const dropped = Object.assign(new Error('Connection closed unexpectedly'), { code: 'ECONNECTION' });
const shuttingDown = Object.assign(new Error('Message failed: 421 Server shutting down'), { code: 'EMESSAGE', responseCode: 421, command: 'DATA', permanent: false });
const dataBusy = Object.assign(new Error('Message failed: 451 Local error in processing'), { code: 'EMESSAGE', responseCode: 451, command: 'DATA', permanent: false });
const greylisted = Object.assign(new Error("Can't send mail - all recipients were rejected: 450 Greylisted"), { code: 'EENVELOPE', responseCode: 450, command: 'RCPT TO', permanent: false, rejected: ['a@b.example'] });
const noMailbox = Object.assign(new Error("Can't send mail - all recipients were rejected: 550 Mailbox unavailable"), { code: 'EENVELOPE', responseCode: 550, command: 'RCPT TO', permanent: true, rejected: ['a@b.example'] });
const spam = Object.assign(new Error('Message failed: 554 Spam'), { code: 'EMESSAGE', responseCode: 554, command: 'DATA', permanent: true });
const badLogin = Object.assign(new Error('Invalid login: 535 Authentication failed'), { code: 'EAUTH', responseCode: 535, command: 'AUTH PLAIN', permanent: true });
const senderRefused = Object.assign(new Error('Mail command failed: 530 Must issue a STARTTLS command first'), { code: 'EENVELOPE', responseCode: 530, command: 'MAIL FROM', permanent: true });

const transientErrors = [refused, timedOut, dropped, shuttingDown, dataBusy, greylisted, badLogin, senderRefused, new Error('something odd')];

describe('classifying a failed try', () => {
  it('tells the server being down from one address being refused', () => {
    expect(classifyDeliveryError(refused)).toMatchObject({ kind: 'unreachable', scope: 'server', permanent: false, serverAnswered: false, plain: 'The mail server could not be reached.' });
    expect(classifyDeliveryError(timedOut)).toMatchObject({ kind: 'unreachable', scope: 'server' });
    expect(classifyDeliveryError(dropped)).toMatchObject({ kind: 'unreachable', scope: 'server' });
    expect(classifyDeliveryError(shuttingDown)).toMatchObject({ kind: 'server_busy', scope: 'server', permanent: false, plain: 'The mail server is not accepting mail right now (421 Server shutting down).' });
    expect(classifyDeliveryError(dataBusy)).toMatchObject({ kind: 'server_busy', scope: 'server', permanent: false });
    expect(classifyDeliveryError(greylisted)).toMatchObject({ kind: 'recipient_busy', scope: 'message', permanent: false, serverAnswered: true });
    expect(classifyDeliveryError(noMailbox)).toMatchObject({ kind: 'rejected', scope: 'message', permanent: true, plain: 'The recipient’s address was refused (550 Mailbox unavailable).' });
    expect(classifyDeliveryError(spam)).toMatchObject({ kind: 'rejected', scope: 'message', permanent: true, plain: 'The mail server refused this email (554 Spam).' });
  });

  it('a refused login or sender is the operator’s to fix: every message waits, none fails', () => {
    expect(classifyDeliveryError(badLogin)).toMatchObject({ kind: 'server_refused', scope: 'server', permanent: false });
    expect(classifyDeliveryError(badLogin).plain).toMatch(/login.*535 Authentication failed.*SMTP_URL/);
    expect(classifyDeliveryError(senderRefused)).toMatchObject({ kind: 'server_refused', scope: 'server', permanent: false });
  });

  it('keeps the server’s own words as the detail', () => {
    expect(classifyDeliveryError(noMailbox).detail).toBe("Can't send mail - all recipients were rejected: 550 Mailbox unavailable");
    expect(classifyDeliveryError('plain string').detail).toBe('plain string');
  });
});

describe('backoff', () => {
  it('doubles from the first delay, is capped, and its jitter stays within [d/2, d]', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.double({ min: 0, max: 1, noNaN: true }), (step, r) => {
        const d = Math.min(defaultRetryPolicy.maxDelayMs, defaultRetryPolicy.firstDelayMs * 2 ** (step - 1));
        const delay = backoffDelay(step, defaultRetryPolicy, () => r);
        expect(delay).toBeGreaterThanOrEqual(Math.floor(d / 2));
        expect(delay).toBeLessThanOrEqual(d);
        expect(delay).toBeLessThanOrEqual(5 * MINUTE);
      }),
    );
    expect([1, 2, 3, 4].map((s) => backoffDelay(s, defaultRetryPolicy, () => 1))).toEqual([5_000, 10_000, 20_000, 40_000]);
    expect(backoffDelay(30, defaultRetryPolicy, () => 1)).toBe(5 * MINUTE);
  });
});

describe('the retry policy', () => {
  const error = fc.constantFrom(...transientErrors);

  it('never gives up on transient errors during a 30-minute outage (nor anywhere before the 48 h horizon)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(error, fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 10 * MINUTE })), { minLength: 1, maxLength: 400 }),
        fc.constantFrom(30 * MINUTE, 47 * HOUR),
        (tries, outage) => {
          const createdAt = 1_000_000;
          let now = createdAt;
          let attempts = 0;
          for (const [err, r, lateBy] of tries) {
            if (now - createdAt >= outage) break;
            attempts++;
            const failure = classifyDeliveryError(err);
            const decision = afterFailure({ createdAt, attempts }, failure, { now, policy: defaultRetryPolicy, serverRetryAt: now + backoffDelay(attempts, defaultRetryPolicy, () => r), random: () => r });
            expect(decision.action).toBe('retry');
            if (decision.action !== 'retry') return;
            expect(decision.at).toBeGreaterThanOrEqual(now);
            expect(decision.at - now).toBeLessThanOrEqual(defaultRetryPolicy.maxDelayMs);
            // The loop wakes up some time after the retry is due.
            now = decision.at + lateBy;
          }
        },
      ),
    );
  });

  it('gives up at once on a permanent rejection of the address or the message, whenever it comes', () => {
    fc.assert(
      fc.property(fc.constantFrom(noMailbox, spam), fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 0, max: 47 * HOUR }), (err, attempts, age) => {
        const decision = afterFailure({ createdAt: 0, attempts }, classifyDeliveryError(err), { now: age, policy: defaultRetryPolicy });
        expect(decision).toMatchObject({ action: 'give_up', kind: 'rejected' });
      }),
    );
  });

  it('gives up on transient errors once the horizon is reached, naming the last error; the last retry falls on it', () => {
    const f = classifyDeliveryError(refused);
    expect(afterFailure({ createdAt: 0, attempts: 500 }, f, { now: 48 * HOUR, policy: defaultRetryPolicy })).toEqual({
      action: 'give_up',
      kind: 'expired',
      reason: 'Not delivered within 48 hours: The mail server could not be reached.',
    });
    expect(afterFailure({ createdAt: 0, attempts: 500 }, f, { now: 48 * HOUR - 1000, policy: defaultRetryPolicy, serverRetryAt: 48 * HOUR + 4 * MINUTE })).toEqual({ action: 'retry', at: 48 * HOUR });
  });

  it('a server error waits for the next probe of the server; a recipient error for its own backoff', () => {
    const now = 10 * MINUTE;
    expect(afterFailure({ createdAt: 0, attempts: 1 }, classifyDeliveryError(refused), { now, policy: defaultRetryPolicy, serverRetryAt: now + 77_000 })).toEqual({ action: 'retry', at: now + 77_000 });
    expect(afterFailure({ createdAt: 0, attempts: 3 }, classifyDeliveryError(greylisted), { now, policy: defaultRetryPolicy, serverRetryAt: now + 77_000, random: () => 1 })).toEqual({ action: 'retry', at: now + 20_000 });
  });
});

describe('what the owner sees', () => {
  const healthy: DeliveryHealth = { consecutiveFailures: 0, failingSince: null, nextProbeAt: 0, lastError: null };
  const down: DeliveryHealth = { consecutiveFailures: 4, failingSince: 1000, nextProbeAt: 90_000, lastError: 'The mail server could not be reached.' };
  const row = { status: 'pending' as const, attempts: 0, last_error: null, error_kind: null, next_attempt_at: 0, last_attempt_at: null, sent_at: null };

  it('sending, retrying (next try and the error), sent, failed (the reason)', () => {
    expect(emailDeliveryOf(row, down)).toMatchObject({ status: 'sending', nextTryAt: null, problem: null });
    expect(emailDeliveryOf({ ...row, status: 'sending', attempts: 3, last_error: 'x', error_kind: 'unreachable' }, down).status).toBe('sending');
    const waiting = { ...row, attempts: 2, last_error: 'The mail server could not be reached.', error_kind: 'unreachable' as const, next_attempt_at: 30_000, last_attempt_at: 20_000 };
    // Waiting for a failing server: due at the server's next probe.
    expect(emailDeliveryOf(waiting, down)).toEqual({ status: 'retrying', attempts: 2, lastTryAt: 20_000, nextTryAt: 90_000, problem: 'The mail server could not be reached.', sentAt: null });
    expect(emailDeliveryOf({ ...waiting, error_kind: 'recipient_busy' }, down).nextTryAt).toBe(30_000);
    expect(emailDeliveryOf(waiting, healthy).nextTryAt).toBe(30_000);
    expect(emailDeliveryOf({ ...row, status: 'sent', attempts: 5, sent_at: 99 }, down)).toMatchObject({ status: 'sent', sentAt: 99, problem: null });
    expect(emailDeliveryOf({ ...row, status: 'failed', attempts: 1, last_error: 'The recipient’s address was refused (550 No).' }, healthy)).toMatchObject({ status: 'failed', problem: 'The recipient’s address was refused (550 No).' });
  });

  it('mail is "failing" after the configured number of server failures in a row', () => {
    expect(isFailing({ ...down, consecutiveFailures: 2 }, defaultRetryPolicy)).toBe(false);
    expect(isFailing({ ...down, consecutiveFailures: 3 }, defaultRetryPolicy)).toBe(true);
    expect(isFailing(healthy, { failingAfterTries: 1 })).toBe(false);
  });

  it('each outbox row has one Message-ID, on the sender’s domain', () => {
    expect(messageIdFor('0b6f', 'Foyer <no-reply@media.example.com>', 'fallback.example')).toBe('<0b6f@media.example.com>');
    expect(messageIdFor('0b6f', 'no-reply@media.example.com', 'fallback.example')).toBe('<0b6f@media.example.com>');
    expect(messageIdFor('0b6f', 'Foyer', 'fallback.example')).toBe('<0b6f@fallback.example>');
  });
});
