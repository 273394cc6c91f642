import { z } from 'zod';
import { multiLine, secret, singleLine } from './text.js';

/** Request and response shapes shared by the server's routes and the browser. */

export const userSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  emailVerified: z.boolean(),
  isAdmin: z.boolean(),
});
export type UserDto = z.infer<typeof userSchema>;

export const signUpBody = z.object({
  email: singleLine().trim().min(3, 'Enter your email address.').max(254).email('Enter a valid email address.'),
  name: singleLine().trim().min(1, 'Enter your name.').max(120),
  password: secret().min(10, 'Use at least 10 characters.').max(256),
});
export type SignUpBody = z.infer<typeof signUpBody>;

export const logInBody = z.object({
  email: singleLine().trim().min(1, 'Enter your email address.').max(320),
  password: secret().min(1, 'Enter your password.').max(256),
});
export type LogInBody = z.infer<typeof logInBody>;

export const verifyEmailBody = z.object({ token: singleLine().min(1).max(200) });

export const mediaTypes = ['video', 'audio', 'document', 'quiz', 'live'] as const;
export const mediaTypeSchema = z.enum(mediaTypes);
export type MediaTypeDto = z.infer<typeof mediaTypeSchema>;

/** One media item an invite guest's session holds: its own role and its own expiry. */
export const guestMediaSchema = z.object({
  mediaId: z.string(),
  title: z.string(),
  type: mediaTypeSchema,
  role: z.enum(['viewer', 'moderator', 'speaker']),
  /** The guest's page for it (an event's page for live events). */
  url: z.string(),
  /** When this access ends on this device. */
  expiresAt: z.string(),
});
export type GuestMediaDto = z.infer<typeof guestMediaSchema>;

/**
 * What the browser learns about the current visitor. `guest` is set for invite sessions: every media
 * this device was invited to and passed the lobby for ("Shared with you"), oldest first.
 */
export const sessionInfoSchema = z.object({
  user: userSchema.nullable(),
  guest: z.object({ media: z.array(guestMediaSchema).min(1) }).nullable(),
  mail: z.object({ mode: z.enum(['smtp', 'outbox']) }),
});
export type SessionInfo = z.infer<typeof sessionInfoSchema>;

export const mediaSchema = z.object({
  id: z.string(),
  type: mediaTypeSchema,
  title: z.string(),
  description: z.string(),
  /** queued → processing → ready, or failed (video and audio are transcoded; documents are ready at once). */
  status: z.enum(['queued', 'processing', 'ready', 'failed']),
  /** 0..1 while processing. */
  progress: z.number(),
  /** ffmpeg's reason when status is failed. */
  failureReason: z.string().nullable(),
  durationSeconds: z.number().nullable(),
  /** Pages of a document (counted after upload); null for other media or when unknown. */
  pageCount: z.number().nullable(),
  /**
   * In the library list only: a signed URL of the video's poster frame, or a live event's cover image
   * (null without one), and a live event's schedule and phase now (null for other media). Null elsewhere.
   */
  posterUrl: z.string().nullable(),
  event: z.object({ startsAt: z.string(), endsAt: z.string(), timeZone: z.string(), phase: z.enum(['scheduled', 'live', 'ended']) }).nullable(),
  /** The owner turned downloads off: the original is never offered to viewers. */
  blockDownload: z.boolean(),
  mimeType: z.string(),
  sizeBytes: z.number(),
  originalName: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  owner: z.object({ id: z.string(), name: z.string() }),
  /** What the current visitor may do with it. */
  canManage: z.boolean(),
});
export type MediaDto = z.infer<typeof mediaSchema>;

export const mediaListSchema = z.object({ items: z.array(mediaSchema) });

export const mediaPatchBody = z
  .object({
    title: singleLine().trim().min(1, 'Enter a title.').max(200).optional(),
    description: multiLine().trim().max(5000).optional(),
  })
  .refine((v) => v.title !== undefined || v.description !== undefined, { message: 'Nothing to change.' });
export type MediaPatchBody = z.infer<typeof mediaPatchBody>;

export const outboxItemSchema = z.object({
  id: z.string(),
  kind: z.string(),
  to: z.string(),
  subject: z.string(),
  /** pending: waiting for its (next) try; sending: being tried now; sent; failed: given up, with the reason. */
  status: z.enum(['pending', 'sending', 'sent', 'failed']),
  attempts: z.number(),
  /** The last error in plain words. */
  lastError: z.string().nullable(),
  /** The server's own words for it. */
  errorDetail: z.string().nullable(),
  /** A message waiting after a failed try: when it is tried next. */
  nextTryAt: z.string().nullable(),
  createdAt: z.string(),
  sentAt: z.string().nullable(),
  text: z.string(),
  html: z.string(),
});
export type OutboxItemDto = z.infer<typeof outboxItemSchema>;
export const outboxListSchema = z.object({ mode: z.enum(['smtp', 'outbox']), items: z.array(outboxItemSchema) });

/**
 * "Email delivery is failing": shown to an owner on People with access (`waiting`: that media's invitations
 * not sent yet) and to admins on the outbox (`waiting`: every email not sent yet).
 */
export const mailNoticeSchema = z.object({
  failing: z.boolean(),
  waiting: z.number().int(),
  /** When the tries began to fail. */
  since: z.string().nullable(),
  /** When the mail server is tried next. */
  nextTryAt: z.string().nullable(),
  /** The last error, in plain words. */
  problem: z.string().nullable(),
});
export type MailNoticeDto = z.infer<typeof mailNoticeSchema>;

export const okSchema = z.object({ ok: z.literal(true) });
/** An id in a path (`/api/media/:id`). */
export const idText = () => singleLine().min(1).max(100);
export const idParams = z.object({ id: idText() });
