import { codeForStatus, type ErrorBody, type ErrorCode } from '../contracts/errors.js';

export type { ErrorCode };

/** HTTP status for each error code: the one place where codes meet HTTP. */
export const httpStatusOf: Record<ErrorCode, number> = {
  validation_failed: 400,
  not_found: 404,
  unauthenticated: 401,
  forbidden: 403,
  csrf_failed: 403,
  rate_limited: 429,
  payload_too_large: 413,
  conflict: 409,
  internal_error: 500,
  invalid_token: 401,
  insufficient_scope: 403,
  token_not_accepted: 403,
  email_taken: 409,
  invalid_credentials: 401,
  email_not_verified: 403,
  verification_invalid: 400,
  unsupported_media: 415,
  unsupported_content_type: 415,
  upload_incomplete: 400,
  storage_full: 507,
  quota_exceeded: 413,
  signature_invalid: 403,
  signature_expired: 403,
  email_mismatch: 403,
  link_expired: 410,
  link_used: 410,
  device_mismatch: 403,
  invite_revoked: 410,
  media_deleted: 410,
  domain_blocked: 403,
  too_many_attempts: 429,
  invalid_link: 404,
  code_required: 403,
  code_invalid: 403,
  out_of_scope: 403,
  role_not_allowed: 400,
  lifetime_above_maximum: 400,
  new_link_limit: 429,
  event_not_started: 403,
  event_ended: 410,
  muted: 403,
  stream_busy: 409,
  live_capacity: 503,
  stream_unreadable: 422,
  codec_unsupported: 415,
  sso_unavailable: 502,
  sso_refused: 400,
  sso_unverified_email: 403,
  sso_no_account: 403,
  sso_link_invalid: 400,
  sso_sign_in_required: 403,
};

/** Default human message per code; services may pass a more specific one. */
export const defaultMessageOf: Record<ErrorCode, string> = {
  validation_failed: 'Some fields are not valid.',
  not_found: 'Not found.',
  unauthenticated: 'Please log in.',
  forbidden: 'You are not allowed to do that.',
  csrf_failed: 'The request could not be verified. Reload the page and try again.',
  rate_limited: 'Too many attempts. Please wait a moment and try again.',
  payload_too_large: 'The request is too large.',
  conflict: 'That conflicts with the current state.',
  internal_error: 'Something went wrong on our side. Please try again.',
  invalid_token: 'This API token does not work.',
  insufficient_scope: 'This API token does not have the scope this request needs.',
  token_not_accepted: 'This address is for the browser only; API tokens are not accepted here.',
  email_taken: 'An account with this email already exists. Log in instead.',
  invalid_credentials: 'Email or password is incorrect.',
  email_not_verified: 'Please verify your email address first.',
  verification_invalid: 'This verification link is invalid or has expired.',
  unsupported_media: 'This file is not a supported video, audio file or PDF document.',
  unsupported_content_type: 'This content type is not accepted here. Send JSON (Content-Type: application/json).',
  upload_incomplete: 'The upload did not complete. Nothing was saved.',
  quota_exceeded: 'This file does not fit in your storage. Nothing was saved; delete media you no longer need, or ask an administrator for more space.',
  storage_full: 'The server has no room for this file right now. Nothing was saved; try again later, or tell the site admin that media storage is full.',
  signature_invalid: 'This media address is not valid.',
  signature_expired: 'This media address has expired. Reload the player to continue.',
  email_mismatch: 'Enter the same email address that received the invite.',
  link_expired: 'This link has expired. Ask the media owner for a new link.',
  link_used: 'This link has already been used. Ask the media owner for a new link.',
  device_mismatch:
    'Invite links work on one device only. To use another device, ask the media owner for a new link.',
  invite_revoked: 'The media owner removed this invite. The link no longer works.',
  media_deleted: 'This media was deleted. The link no longer works.',
  domain_blocked:
    'Invites to your email domain are blocked on this site. Contact the media owner to use a different email.',
  too_many_attempts: 'Too many wrong attempts. Ask the media owner for a new link.',
  invalid_link: 'This link is not valid. Check that you copied the whole link.',
  code_required: 'Enter the 6-digit code we emailed to you.',
  code_invalid: 'That code is not right or has expired.',
  out_of_scope: 'Your invite gives you access only to the media you were invited to.',
  new_link_limit: 'New links were already sent to the invited address several times in the last hour. Check that inbox, or try again later.',
  role_not_allowed: 'That role is not available for this media.',
  lifetime_above_maximum: 'That link lasts longer, or can be used more often, than this site allows.',
  event_not_started: 'The event has not started yet. The room opens at the start time.',
  event_ended: 'This event has ended.',
  muted: 'A moderator has muted you in this room.',
  stream_busy: 'Someone else is broadcasting in this event right now.',
  live_capacity: 'This server is already running as many live broadcasts as it is set up for. Try again later, or ask the site admin.',
  stream_unreadable: 'The broadcast data could not be read.',
  codec_unsupported: 'This video format cannot be broadcast.',
  sso_unavailable: 'The sign-in provider could not be reached or is not set up correctly. Try again later, or sign in with your password.',
  sso_refused: 'This sign-in could not be completed. Start again from the sign-in page.',
  sso_unverified_email: 'Your sign-in provider did not confirm your email address, so it cannot be joined to the Foyer account with that address.',
  sso_no_account: 'There is no Foyer account for you, and this provider does not create accounts.',
  sso_link_invalid: 'This step has expired. Start again from the sign-in page.',
  sso_sign_in_required: 'This was shared with your organisation account. Sign in with your organisation to open it.',
};

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details?: unknown;
  readonly status: number;
  /** Fastify and its plugins read statusCode. */
  get statusCode(): number {
    return this.status;
  }

  constructor(code: ErrorCode, opts: { message?: string; details?: unknown; cause?: unknown; status?: number } = {}) {
    super(opts.message ?? defaultMessageOf[code], { cause: opts.cause });
    this.code = code;
    this.details = opts.details;
    // Only AppError.from passes a status: a plugin's own 4xx (405, 406…) keeps it, with the nearest code.
    this.status = opts.status ?? httpStatusOf[code];
  }

  /** The one wire shape, on HTTP and on sockets. Internal errors never carry their cause's text. */
  toWire(): ErrorBody {
    return { error: { code: this.code, message: this.message, ...(this.details !== undefined ? { details: this.details } : {}) } };
  }

  /**
   * Anything thrown, as an AppError: an AppError as it is; an error carrying an HTTP status (a
   * Fastify or plugin error) by the shared status -> code list, keeping its message for 4xx;
   * everything else `internal_error` with a generic message (the cause stays for the log).
   */
  static from(err: unknown): AppError {
    if (err instanceof AppError) return err;
    const status = (err as { statusCode?: unknown } | null)?.statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      const code = codeForStatus(status);
      const message = err instanceof Error && err.message ? err.message : defaultMessageOf[code];
      return new AppError(code, { message, cause: err, status });
    }
    return new AppError('internal_error', { cause: err });
  }
}

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;

/** One problem a schema found: where (`['people', 0, 'email']`) and what. */
export interface FieldIssue {
  path: ReadonlyArray<PropertyKey>;
  message: string;
}

/**
 * `validation_failed` for what a schema refused, on HTTP and on room sockets alike: `details` maps
 * each field's path (`people.0.email`; `root` for the value as a whole) to its first problem.
 */
export function validationFailed(issues: ReadonlyArray<FieldIssue>, root: string): AppError {
  const details = new Map<string, string>();
  for (const issue of issues) {
    const field = issue.path.map(String).join('.') || root;
    if (!details.has(field)) details.set(field, issue.message);
  }
  return new AppError('validation_failed', { message: `Some fields are not valid: ${[...details.keys()].join(', ')}.`, details: Object.fromEntries(details) });
}
