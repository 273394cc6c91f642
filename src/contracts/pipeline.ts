import { z } from 'zod';

/** Shapes of the media pipeline's API (playback, captions, quizzes, viewing), shared with the browser. */

export const captionSchema = z.object({ id: z.string(), lang: z.string(), label: z.string(), url: z.string() });
export type CaptionDto = z.infer<typeof captionSchema>;

/**
 * What a player needs, with short-lived signed URLs. Ask again before `refreshInSeconds` passes
 * (or on a signature_expired error) to keep playing; each ask re-checks access.
 */
export const playbackSchema = z.object({
  mediaId: z.string(),
  type: z.enum(['video', 'audio', 'document', 'quiz', 'live']),
  status: z.enum(['queued', 'processing', 'ready', 'failed']),
  progress: z.number(),
  failureReason: z.string().nullable(),
  durationSeconds: z.number().nullable(),
  /** HLS master playlist (video, audio, quiz) once ready. */
  hlsUrl: z.string().nullable(),
  posterUrl: z.string().nullable(),
  /** Seek previews: replace {n} with the 4-digit, 1-based number of the picture at second (n-1)*everySeconds. */
  thumbnails: z.object({ urlTemplate: z.string(), everySeconds: z.number(), width: z.number(), count: z.number() }).nullable(),
  captions: z.array(captionSchema),
  /** The uploaded file, inline (documents; originals only for those who may download). */
  fileUrl: z.string().nullable(),
  /** The uploaded file as an attachment; null when the owner blocked downloads. */
  downloadUrl: z.string().nullable(),
  blockDownload: z.boolean(),
  expiresAt: z.string(),
  refreshInSeconds: z.number(),
  /** Where this viewer stopped last time. */
  resumeAtSeconds: z.number().nullable(),
});
export type PlaybackDto = z.infer<typeof playbackSchema>;

export const blockDownloadBody = z.object({ blockDownload: z.boolean() });

export const captionQuery = z.object({
  lang: z.string().trim().regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'Use a language tag such as en or pt-BR.'),
  label: z.string().trim().min(1).max(60),
});
