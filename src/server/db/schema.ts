import type { Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { PipelineTables } from './schema-pipeline.js';
import type { LiveTables } from './schema-live.js';

/** Times are stored as milliseconds since the epoch (bigint) and booleans as 0/1, the same on SQLite and PostgreSQL. */
export interface UsersTable {
  id: string;
  email: string;
  email_canonical: string;
  name: string;
  password_hash: string;
  email_verified_at: number | null;
  is_admin: number;
  created_at: number;
  /** Storage quota in bytes (migration 20261207020000): null the site default, -1 no limit. */
  quota_bytes: Generated<number | null>;
}

export interface SessionsTable {
  id: string;
  user_id: string | null;
  kind: 'user' | 'guest';
  device_id: string | null;
  created_at: number;
  expires_at: number;
  last_seen_at: number;
  /** The identity this session signed in with (migration 20261206000000); null for a password sign-in or a guest. */
  identity_id: string | null;
}

export interface EmailTokensTable {
  id: string;
  user_id: string;
  purpose: 'verify_email';
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

export interface MailMessagesTable {
  id: string;
  kind: string;
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string;
  attachments_json: string | null;
  /** pending: waiting for its next try; sending: claimed by a process until `lease_until`; sent; failed (for good). */
  status: 'pending' | 'sending' | 'sent' | 'failed';
  attempts: number;
  /** The last failure in plain words (what the owner and the admin read). */
  last_error: string | null;
  next_attempt_at: number;
  created_at: number;
  sent_at: number | null;
  /** Mail outage (migration 20261202020000): the claim's end, the last try, what the last error was. */
  lease_until: Generated<number | null>;
  last_attempt_at: Generated<number | null>;
  error_kind: Generated<MailErrorKind | null>;
  /** The server's own words for the last error (or the exception's message). */
  error_detail: Generated<string | null>;
  /** The invite whose link this message carries (invite and new-link emails). */
  invite_id: Generated<string | null>;
}

/** What a failed try met (domain/mail-delivery.ts classifies errors into these). */
/** `withdrawn`: never sent, because the link it carried was replaced or revoked while it waited. */
export type MailErrorKind = 'unreachable' | 'server_busy' | 'server_refused' | 'recipient_busy' | 'rejected' | 'other' | 'expired' | 'withdrawn';

/** One row ('smtp') shared by every process: is the mail server failing, and when may the next probe run. */
export interface MailDeliveryStateTable {
  key: string;
  consecutive_failures: number;
  failing_since: number | null;
  last_failure_at: number | null;
  /** While failing: no try before this (epoch ms). */
  next_probe_at: number;
  last_error: string | null;
  last_error_kind: MailErrorKind | null;
}

export type MediaType = 'video' | 'audio' | 'document' | 'quiz' | 'live';

export interface MediaTable {
  id: string;
  owner_id: string;
  type: MediaType;
  title: string;
  description: string;
  status: 'queued' | 'processing' | 'ready' | 'failed';
  mime_type: string;
  size_bytes: number;
  storage_key: string | null;
  original_name: string;
  created_at: number;
  updated_at: number;
  deleted_at: number | null;
  /** Pipeline (migration 20261127020000): percent done while processing, ffmpeg's reason on failure, outputs. */
  processing_progress: Generated<number>;
  failure_reason: Generated<string | null>;
  duration_seconds: Generated<number | null>;
  width: Generated<number | null>;
  height: Generated<number | null>;
  /** Storage folder of the HLS output, set only once it is complete. */
  hls_key: Generated<string | null>;
  poster_key: Generated<string | null>;
  thumbnails_json: Generated<string | null>;
  block_download: Generated<number>;
  /** Documents (migration 20261204000000): pages, counted once after upload. */
  page_count: Generated<number | null>;
}

export interface RateLimitsTable {
  key: string;
  count: number;
  reset_at: number;
}

export type InviteRole = 'viewer' | 'moderator' | 'speaker';

export interface SiteSettingsTable {
  key: string;
  value_json: string;
  updated_at: number;
  updated_by: string | null;
}

export interface InvitesTable {
  id: string;
  media_id: string;
  email: string;
  email_canonical: string;
  first_name: string;
  last_name: string;
  role: InviteRole;
  message: string;
  token_hash: string;
  created_by: string | null;
  created_at: number;
  expires_at: number;
  duration_minutes: number;
  /** -1: unlimited until expiry. */
  max_uses: number;
  uses: number;
  bind_device: number;
  device_hash: string | null;
  max_attempts: number;
  attempts: number;
  code_hash: string | null;
  code_expires_at: number | null;
  code_device_hash: string | null;
  sent_by_email: number;
  opened_at: number | null;
  first_redeemed_at: number | null;
  last_access_at: number | null;
  revoked_at: number | null;
  replaced_by: string | null;
  replaced_at: number | null;
  /** Shared with the account of this SSO provider (migration 20261207010000): only its verified sign-in opens it. */
  sso_provider_id: Generated<string | null>;
}

export interface GrantsTable {
  id: string;
  media_id: string;
  invite_id: string;
  email_canonical: string;
  role: InviteRole;
  session_id: string | null;
  user_id: string | null;
  created_at: number;
  last_access_at: number;
  revoked_at: number | null;
  /**
   * Guest grants (held by a session): when this media's access ends on the device, each grant on its
   * own (migration 20261202000000). Null for an account's grants, which last as long as the invite allows.
   */
  expires_at: Generated<number | null>;
}

export interface AuditLogTable {
  id: string;
  at: number;
  action: string;
  actor_kind: 'user' | 'guest' | 'system';
  actor_id: string | null;
  actor_label: string;
  media_id: string | null;
  invite_id: string | null;
  details_json: string | null;
}

/** Personal API tokens (migration 20261205000000); `scopes` is a JSON array of ApiScope. */
export interface ApiTokensTable {
  id: string;
  user_id: string;
  name: string;
  token_hash: string;
  last4: string;
  scopes: string;
  created_at: number;
  expires_at: number | null;
  last_used_at: number | null;
  revoked_at: number | null;
}

/** SSO (migration 20261206000000). `email_domains` is a JSON array of canonical domains; booleans are 0/1. */
export interface SsoProvidersTable {
  id: string;
  name: string;
  issuer: string;
  client_id: string;
  client_secret: string;
  email_domains: string;
  create_accounts: number;
  require_lobby: number;
  created_at: number;
  updated_at: number;
  last_ok_at: number | null;
  last_error: string | null;
  last_error_at: number | null;
}

export interface UserIdentitiesTable {
  id: string;
  user_id: string;
  provider_id: string;
  issuer: string;
  subject: string;
  email: string;
  email_verified: number;
  created_at: number;
  last_login_at: number;
}

export interface SsoLoginsTable {
  id: string;
  provider_id: string;
  device_hash: string;
  nonce: string;
  code_verifier: string;
  return_to: string;
  created_at: number;
  expires_at: number;
}

export interface SsoLinksTable {
  id: string;
  user_id: string;
  provider_id: string;
  issuer: string;
  subject: string;
  email: string;
  device_hash: string;
  return_to: string;
  attempts: number;
  created_at: number;
  expires_at: number;
}

export interface DB extends PipelineTables, LiveTables {
  sso_providers: SsoProvidersTable;
  user_identities: UserIdentitiesTable;
  sso_logins: SsoLoginsTable;
  sso_links: SsoLinksTable;
  api_tokens: ApiTokensTable;
  site_settings: SiteSettingsTable;
  invites: InvitesTable;
  grants: GrantsTable;
  audit_log: AuditLogTable;
  users: UsersTable;
  sessions: SessionsTable;
  email_tokens: EmailTokensTable;
  mail_messages: MailMessagesTable;
  mail_delivery_state: MailDeliveryStateTable;
  media: MediaTable;
}

export type User = Selectable<UsersTable>;
export type ApiTokenRow = Selectable<ApiTokensTable>;
export type SsoProviderRow = Selectable<SsoProvidersTable>;
export type UserIdentity = Selectable<UserIdentitiesTable>;
export type SsoLogin = Selectable<SsoLoginsTable>;
export type SsoLink = Selectable<SsoLinksTable>;
export type NewUser = Insertable<UsersTable>;
export type Session = Selectable<SessionsTable>;
export type Media = Selectable<MediaTable>;
export type MediaUpdate = Updateable<MediaTable>;
export type MailMessage = Selectable<MailMessagesTable>;
export type MailDeliveryState = Selectable<MailDeliveryStateTable>;
export type Invite = Selectable<InvitesTable>;
export type Grant = Selectable<GrantsTable>;
export type AuditEntry = Selectable<AuditLogTable>;
export type { Generated };
