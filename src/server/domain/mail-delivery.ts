import type { MailErrorKind } from '../db/schema.js';

/**
 * How Foyer keeps mail through an SMTP outage: what a failed try means, when to try again, when to give up,
 * and what the owner is told. Pure rules; MailService applies them to the outbox (mail_messages) and to
 * the shared delivery state (mail_delivery_state).
 *
 * - An error of the **server** (unreachable, timeout, 421 or another 4xx outside RCPT TO, a refused login or
 *   sender) says nothing about the message: the site's mail is failing. It never counts toward giving up
 *   before the horizon, and it opens the "circuit": from then on only one probe per backoff step is sent,
 *   whatever the number of queued messages, until a probe gets through.
 * - An error of the **message** (the recipient's address refused with 5xx at RCPT TO, the message refused
 *   with 5xx at DATA) fails that message only, at once. A 4xx for one recipient (greylisting, mailbox
 *   busy) retries that message with its own backoff.
 * - Every message gives up only after the horizon (48 h by default) with the last error.
 */

export interface RetryPolicy {
  /** First retry delay; each further failure doubles it, up to `maxDelayMs`. */
  firstDelayMs: number;
  /** The longest wait between two tries (also the longest between two probes of a failing server). */
  maxDelayMs: number;
  /** A message still not sent this long after it was queued is marked failed. */
  giveUpAfterMs: number;
  /** The owner is told mail is failing after this many server failures in a row. */
  failingAfterTries: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  firstDelayMs: 5_000,
  maxDelayMs: 5 * 60_000,
  giveUpAfterMs: 48 * 3600_000,
  failingAfterTries: 3,
};

/** What a failed try met, and what follows from it. */
export interface DeliveryFailure {
  kind: MailErrorKind;
  /** 'server': the mail server is failing for everybody; 'message': only this message is concerned. */
  scope: 'server' | 'message';
  /** Retrying the same message cannot help. */
  permanent: boolean;
  /** The SMTP server answered (so it is up, whatever it said). */
  serverAnswered: boolean;
  /** For the owner and the admin. */
  plain: string;
  /** The server's own words (or the exception's message), for the admin's outbox. */
  detail: string;
}

/** Error codes of an SMTP client (nodemailer's) that mean the mail server could not be used at all. */
const CONNECTION_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ETLS', 'EREQUIRETLS', 'EPROXY', 'ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']);
const LOGIN_CODES = new Set(['EAUTH', 'ENOAUTH', 'EOAUTH2']);

interface ErrorFields {
  message?: unknown;
  code?: unknown;
  responseCode?: unknown;
  command?: unknown;
  permanent?: unknown;
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

/** The server's reply without the client's preamble ("Can't send mail - all recipients were rejected: "). */
const serverWords = (message: string): string => message.replace(/^.*?:\s*(?=[245]\d\d\b)/, '').trim();

/** Reads an error thrown by the Mailer (nodemailer's fields: code, responseCode, command, permanent). */
export function classifyDeliveryError(err: unknown): DeliveryFailure {
  const e: ErrorFields = typeof err === 'object' && err !== null ? (err as ErrorFields) : { message: String(err) };
  const detail = text(e.message) ?? String(err);
  const code = text(e.code);
  const command = text(e.command)?.toUpperCase();
  const responseCode = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const permanent = typeof e.permanent === 'boolean' ? e.permanent : responseCode !== undefined && responseCode >= 500 && responseCode < 600 && responseCode !== 503;
  const words = serverWords(detail);

  if (responseCode === undefined) {
    if (code && LOGIN_CODES.has(code)) {
      return { kind: 'server_refused', scope: 'server', permanent: false, serverAnswered: true, plain: 'The mail server refused Foyer’s login (check SMTP_URL).', detail };
    }
    if (!code || CONNECTION_CODES.has(code) || command === 'CONN') {
      return { kind: 'unreachable', scope: 'server', permanent: false, serverAnswered: false, plain: 'The mail server could not be reached.', detail };
    }
    // Something about composing this one message (an attachment, a limit): it alone waits.
    return { kind: 'other', scope: 'message', permanent: false, serverAnswered: false, plain: 'This email could not be prepared for sending.', detail };
  }
  if (responseCode === 421) {
    return { kind: 'server_busy', scope: 'server', permanent: false, serverAnswered: true, plain: `The mail server is not accepting mail right now (${words}).`, detail };
  }
  if (command === 'RCPT TO') {
    return permanent
      ? { kind: 'rejected', scope: 'message', permanent: true, serverAnswered: true, plain: `The recipient’s address was refused (${words}).`, detail }
      : { kind: 'recipient_busy', scope: 'message', permanent: false, serverAnswered: true, plain: `The recipient’s mail server asked to try again later (${words}).`, detail };
  }
  if (command === 'DATA' && permanent) {
    return { kind: 'rejected', scope: 'message', permanent: true, serverAnswered: true, plain: `The mail server refused this email (${words}).`, detail };
  }
  if (code && LOGIN_CODES.has(code)) {
    return { kind: 'server_refused', scope: 'server', permanent: false, serverAnswered: true, plain: `The mail server refused Foyer’s login (${words}; check SMTP_URL).`, detail };
  }
  if (permanent) {
    // 5xx to the greeting, EHLO or MAIL FROM: the server refuses Foyer itself, for every message. An
    // operator can fix it (sender address, relay permission), so the messages wait instead of failing.
    return { kind: 'server_refused', scope: 'server', permanent: false, serverAnswered: true, plain: `The mail server refused to send for Foyer (${words}; check SMTP_URL and MAIL_FROM).`, detail };
  }
  return { kind: 'server_busy', scope: 'server', permanent: false, serverAnswered: true, plain: `The mail server is not accepting mail right now (${words}).`, detail };
}

/** Kinds that are about the server, not the message: such messages wait for the server, not for their own backoff. */
export const serverErrorKinds: readonly MailErrorKind[] = ['unreachable', 'server_busy', 'server_refused'];

/**
 * The wait before try `step + 1` after `step` failures in a row (step ≥ 1): exponential, capped, with
 * "equal jitter" (half fixed, half random) so that processes and messages spread out instead of waking
 * together. Always within [d/2, d] for d = min(cap, first · 2^(step-1)).
 */
export function backoffDelay(step: number, policy: Pick<RetryPolicy, 'firstDelayMs' | 'maxDelayMs'>, random: () => number = Math.random): number {
  const exp = Math.min(Math.max(step, 1) - 1, 50);
  const d = Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** exp);
  return Math.round(d / 2 + (d / 2) * Math.min(Math.max(random(), 0), 1));
}

export type RetryDecision = { action: 'retry'; at: number } | { action: 'give_up'; reason: string; kind: MailErrorKind };

/**
 * After a failed try of one message: try again (when), or give up (why). `serverRetryAt` is when the
 * failing server will next be probed (for server errors the message waits for that, not for its own
 * backoff). Transient errors never give up before `giveUpAfterMs` from queueing; permanent ones at once.
 */
export function afterFailure(
  message: { createdAt: number; attempts: number },
  failure: DeliveryFailure,
  opts: { now: number; policy: RetryPolicy; serverRetryAt?: number; random?: () => number },
): RetryDecision {
  if (failure.permanent) return { action: 'give_up', reason: failure.plain, kind: failure.kind };
  const deadline = message.createdAt + opts.policy.giveUpAfterMs;
  if (opts.now >= deadline) {
    return { action: 'give_up', reason: `Not delivered within ${describeSpan(opts.policy.giveUpAfterMs)}: ${failure.plain}`, kind: 'expired' };
  }
  const at = failure.scope === 'server' && opts.serverRetryAt !== undefined ? opts.serverRetryAt : opts.now + backoffDelay(message.attempts, opts.policy, opts.random);
  // The last try falls on the deadline, so the horizon is kept even when the backoff would jump past it.
  return { action: 'retry', at: Math.min(at, deadline) };
}

const describeSpan = (ms: number): string => {
  const hours = ms / 3600_000;
  if (hours >= 1 && Number.isInteger(hours)) return `${hours} hour${hours === 1 ? '' : 's'}`;
  const minutes = Math.round(ms / 60_000);
  if (minutes >= 1) return `${minutes} minute${minutes === 1 ? '' : 's'}`;
  return `${Math.round(ms / 1000)} seconds`;
};

/** The shared state of delivery: failures in a row, since when, and the next probe. */
export interface DeliveryHealth {
  consecutiveFailures: number;
  failingSince: number | null;
  nextProbeAt: number;
  lastError: string | null;
}

/** True when the owner should see "Email delivery is failing". */
export const isFailing = (h: DeliveryHealth, policy: Pick<RetryPolicy, 'failingAfterTries'>): boolean => h.consecutiveFailures >= policy.failingAfterTries;

/** How the email of one invite stands, for People with access. */
export type EmailDeliveryStatus = 'sending' | 'retrying' | 'sent' | 'failed';

export interface EmailDelivery {
  status: EmailDeliveryStatus;
  attempts: number;
  lastTryAt: number | null;
  /** retrying: when the next try is due. */
  nextTryAt: number | null;
  /** retrying: the last error; failed: why it was given up. Plain words. */
  problem: string | null;
  sentAt: number | null;
}

/**
 * One message as the owner sees it: *sending* (queued, not tried yet, or being tried now), *retrying*
 * (the last try failed; next try at …, with the error), *sent*, *failed* (for good, with the reason).
 * A message waiting for a failing server is due at the server's next probe, whichever is later.
 */
export function emailDeliveryOf(
  m: { status: 'pending' | 'sending' | 'sent' | 'failed'; attempts: number; last_error: string | null; error_kind: MailErrorKind | null; next_attempt_at: number; last_attempt_at: number | null; sent_at: number | null },
  health: DeliveryHealth,
): EmailDelivery {
  const base = { attempts: m.attempts, lastTryAt: m.last_attempt_at, sentAt: m.sent_at };
  if (m.status === 'sent') return { ...base, status: 'sent', nextTryAt: null, problem: null };
  if (m.status === 'failed') return { ...base, status: 'failed', nextTryAt: null, problem: m.last_error ?? 'The email could not be delivered.' };
  if (m.status === 'sending' || m.attempts === 0 || m.last_error === null) return { ...base, status: 'sending', nextTryAt: null, problem: null };
  const waitsForServer = m.error_kind !== null && serverErrorKinds.includes(m.error_kind) && health.consecutiveFailures > 0;
  return { ...base, status: 'retrying', nextTryAt: waitsForServer ? Math.max(m.next_attempt_at, health.nextProbeAt) : m.next_attempt_at, problem: m.last_error };
}

/** A stable Message-ID for one outbox row, so a receiver can tell a repeated delivery from a new email. */
export function messageIdFor(rowId: string, from: string, fallbackHost: string): string {
  const domain = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from.trim())?.[1] ?? fallbackHost;
  return `<${rowId}@${domain}>`;
}
