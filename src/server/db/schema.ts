import type { Generated, Insertable, Selectable, Updateable } from 'kysely';
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
}

export interface SessionsTable {
  id: string;
  user_id: string | null;
  kind: 'user' | 'guest';
  device_id: string | null;
  created_at: number;
  expires_at: number;
  last_seen_at: number;
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
  status: 'pending' | 'sent' | 'failed';
  attempts: number;
  last_error: string | null;
  next_attempt_at: number;
  created_at: number;
  sent_at: number | null;
}

export type MediaType = 'video' | 'audio' | 'document' | 'quiz' | 'live';

export interface MediaTable {
  id: string;
  owner_id: string;
  type: MediaType;
  title: string;
  description: string;
  status: 'ready' | 'processing' | 'failed';
  mime_type: string;
  size_bytes: number;
  storage_key: string | null;
  original_name: string;
  created_at: number;
  updated_at: number;
  deleted_at: number | null;
}

export interface RateLimitsTable {
  key: string;
  count: number;
  reset_at: number;
}

export interface DB extends LiveTables {
  users: UsersTable;
  sessions: SessionsTable;
  email_tokens: EmailTokensTable;
  mail_messages: MailMessagesTable;
  media: MediaTable;
}

export type User = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type Session = Selectable<SessionsTable>;
export type Media = Selectable<MediaTable>;
export type MediaUpdate = Updateable<MediaTable>;
export type MailMessage = Selectable<MailMessagesTable>;
export type { Generated };
