/**
 * Every error code Foyer can answer with, on HTTP and on sockets.
 * The browser branches on these codes, never on message text.
 */
/** The outcomes an invite link can have (PRODUCT.md, lobby outcomes), listed once for both lists below. */
const inviteOutcomeCodes = [
  'email_mismatch',
  'link_expired',
  'link_used',
  'device_mismatch',
  'invite_revoked',
  'media_deleted',
  'domain_blocked',
  'too_many_attempts',
  'invalid_link',
  'code_required',
  'code_invalid',
  'out_of_scope',
] as const;

export const errorCodes = [
  // generic
  'validation_failed',
  'not_found',
  'unauthenticated',
  'forbidden',
  'csrf_failed',
  'rate_limited',
  'payload_too_large',
  'conflict',
  'internal_error',
  // API tokens (docs/api.md): a bearer token that does not work, one without the route's scope, a browser-only route
  'invalid_token',
  'insufficient_scope',
  'token_not_accepted',
  // accounts
  'email_taken',
  'invalid_credentials',
  'email_not_verified',
  'verification_invalid',
  // SSO (docs/decisions.md, "SSO with OpenID Connect"): the provider cannot be reached or is misconfigured;
  // a sign-in answer that fails its checks (state, nonce, code, audience); an unverified email meeting a local
  // account; no account and none to be made; a link step that expired or does not exist
  'sso_unavailable',
  'sso_refused',
  'sso_unverified_email',
  'sso_no_account',
  'sso_link_invalid',
  // an invite shared with the person's account at an SSO provider, opened without signing in there
  'sso_sign_in_required',
  // media
  'unsupported_media',
  'unsupported_content_type',
  'upload_incomplete',
  'storage_full',
  // the account's storage quota (docs/decisions.md, "Storage quotas")
  'quota_exceeded',
  // signed media URLs (the player asks for fresh ones on signature_expired)
  'signature_invalid',
  'signature_expired',
  // invites and lobby (PRODUCT.md, lobby outcomes)
  ...inviteOutcomeCodes,
  'role_not_allowed',
  'new_link_limit',
  'lifetime_above_maximum',
  // live events and rooms
  'event_not_started',
  'event_ended',
  'muted',
  // live video (docs/live-video.md)
  'stream_busy',
  'live_capacity',
  'stream_unreadable',
  'codec_unsupported',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

/** Codes the lobby and an invite guest's pages can meet; the web app has a message and a next step for each. */
export const lobbyErrorCodes = [
  ...inviteOutcomeCodes,
  'new_link_limit',
  'rate_limited',
  'validation_failed',
] as const satisfies readonly ErrorCode[];
export type LobbyErrorCode = (typeof lobbyErrorCodes)[number];

/**
 * Refusals the web app expects as answers (the lobby's outcomes, a guest outside or at the end of their
 * access, an event not open). A request that prefers it (`Prefer: outcome-in-body`, or `?outcome=body`
 * where a header cannot be sent: a preload) gets them as `200` with the usual error body, the status in
 * `X-Foyer-Status` and `Preference-Applied: outcome-in-body`, so browsers do not log them as failed
 * loads. Without the preference the API answers with the status, as always (docs/api.md).
 */
export const expectedRefusalCodes = [...inviteOutcomeCodes, 'new_link_limit', 'event_not_started', 'event_ended'] as const satisfies readonly ErrorCode[];
export const OUTCOME_IN_BODY = 'outcome-in-body';
export const OUTCOME_STATUS_HEADER = 'X-Foyer-Status';
export const isExpectedRefusal = (code: string): boolean => (expectedRefusalCodes as readonly string[]).includes(code);

/**
 * The code for an HTTP status that came without our error body (a proxy, a plugin, a dropped
 * connection's retry). Server and browser both use this, so they never disagree.
 */
export function codeForStatus(status: number): ErrorCode {
  switch (status) {
    case 400:
      return 'validation_failed';
    case 401:
      return 'unauthenticated';
    case 403:
      return 'forbidden';
    case 404:
      return 'not_found';
    case 409:
      return 'conflict';
    case 413:
      return 'payload_too_large';
    case 415:
      return 'unsupported_content_type';
    case 429:
      return 'rate_limited';
    default:
      return status >= 400 && status < 500 ? 'validation_failed' : 'internal_error';
  }
}
