import { z } from 'zod';
import { multiLine, singleLine } from './text.js';

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
  lang: singleLine().trim().regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'Use a language tag such as en or pt-BR.'),
  label: singleLine().trim().min(1).max(60),
});

// ---- Quizzes ----------------------------------------------------------------------------------

/**
 * The quiz shapes, built twice: with the text rules for what an owner sends (`quizQuestionInput`), and
 * with plain strings for what is stored and answered back (a response schema checks nothing coming in).
 */
function quizShapes(text: { line: () => z.ZodString; lines: () => z.ZodString }) {
  const questionBase = {
    id: text.line().trim().min(1).max(40),
    /** Where the player stops for it. */
    atSeconds: z.number().min(0).max(24 * 3600),
    prompt: text.lines().trim().min(1, 'Enter the question.').max(1000),
    points: z.number().min(0).max(100).default(1),
  };
  const option = z.object({ id: text.line().trim().min(1).max(40), text: text.line().trim().min(1).max(300) });
  const options = z.array(option).min(2, 'Give at least two choices.').max(10);
  const correctIds = z.array(text.line());
  /** A question as the owner writes it, with the right answer. Open questions are not scored. */
  const question = z.discriminatedUnion('kind', [
    z.object({ ...questionBase, kind: z.literal('single'), options, correctOptionIds: correctIds.length(1, 'Mark exactly one right choice.') }),
    z.object({ ...questionBase, kind: z.literal('multiple'), options, correctOptionIds: correctIds.min(1, 'Mark at least one right choice.').max(10) }),
    z.object({ ...questionBase, kind: z.literal('true_false'), correct: z.boolean() }),
    z.object({ ...questionBase, kind: z.literal('open') }),
  ]);
  /** An answer: chosen option ids (single, multiple), true/false, or text (open). */
  const answer = z.union([
    z.object({ optionIds: z.array(text.line().max(40)).max(10) }),
    z.object({ value: z.boolean() }),
    z.object({ text: text.lines().trim().max(5000) }),
  ]);
  return { option, question, answer };
}
const quizInput = quizShapes({ line: singleLine, lines: multiLine });
const quizStored = quizShapes({ line: () => z.string(), lines: () => z.string() });
const optionSchema = quizStored.option;

export const quizQuestionSchema = quizStored.question;
export const quizQuestionInput = quizInput.question;
export type QuizQuestion = z.infer<typeof quizQuestionSchema>;

export const quizSettingsSchema = z.object({
  /** Attempts each viewer gets; null is unlimited, 1 means no retakes. */
  maxAttempts: z.number().int().min(1).max(100).nullable().default(1),
  /** When the viewer sees the right answers: never, right after answering each question, or at the end. */
  showCorrectAnswers: z.enum(['never', 'after_each', 'at_end']).default('at_end'),
  /** Score, in percent of the scored points, needed to pass. */
  passingScorePercent: z.number().min(0).max(100).default(70),
});
export type QuizSettings = z.infer<typeof quizSettingsSchema>;

export const quizBody = z.object({ settings: quizSettingsSchema, questions: z.array(quizQuestionInput).max(200) });
export type QuizBody = z.infer<typeof quizBody>;

/** An answer: chosen option ids (single, multiple), true/false, or text (open), as stored and shown. */
export const quizAnswerSchema = quizStored.answer;
/** An answer as a viewer sends it. */
export const quizAnswerInput = quizInput.answer;
export type QuizAnswer = z.infer<typeof quizAnswerSchema>;

/** A question as a viewer sees it: no right answer. */
export const viewerQuestionSchema = z.object({
  id: z.string(),
  kind: z.enum(['single', 'multiple', 'true_false', 'open']),
  atSeconds: z.number(),
  prompt: z.string(),
  points: z.number(),
  options: z.array(optionSchema).optional(),
});

/** The right answer of a question, shown as the settings allow. */
export const correctAnswerSchema = z.union([z.object({ optionIds: z.array(z.string()) }), z.object({ value: z.boolean() }), z.null()]);

export const answerResultSchema = z.object({
  questionId: z.string(),
  answer: quizAnswerSchema,
  /** null for open questions (not scored). */
  correct: z.boolean().nullable(),
  points: z.number(),
  correctAnswer: correctAnswerSchema.optional(),
});

export const attemptSchema = z.object({
  id: z.string(),
  number: z.number(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  score: z.number().nullable(),
  maxScore: z.number().nullable(),
  percent: z.number().nullable(),
  passed: z.boolean().nullable(),
  answers: z.array(answerResultSchema),
});
export type AttemptDto = z.infer<typeof attemptSchema>;

export const viewerQuizSchema = z.object({
  settings: quizSettingsSchema,
  questions: z.array(viewerQuestionSchema),
  attempts: z.array(attemptSchema),
  /** null when unlimited. */
  attemptsLeft: z.number().nullable(),
});
export type ViewerQuizDto = z.infer<typeof viewerQuizSchema>;

export const ownerQuizSchema = z.object({ settings: quizSettingsSchema, questions: z.array(quizQuestionSchema) });

export const viewerRefSchema = z.object({
  key: z.string(),
  kind: z.enum(['user', 'guest']),
  name: z.string().nullable(),
  email: z.string().nullable(),
  userId: z.string().nullable(),
  sessionId: z.string().nullable(),
});
export type ViewerRefDto = z.infer<typeof viewerRefSchema>;

export const quizResultsSchema = z.object({
  questions: z.array(quizQuestionSchema),
  viewers: z.array(z.object({ viewer: viewerRefSchema, bestPercent: z.number().nullable(), passed: z.boolean(), attempts: z.array(attemptSchema) })),
});

// ---- Viewing analytics -------------------------------------------------------------------------

export const progressBody = z.object({
  positionSeconds: z.number().min(0).max(48 * 3600),
  /** Stretches played since the last report, [start, end] in seconds of the media. */
  ranges: z.array(z.tuple([z.number().min(0), z.number().min(0)])).max(100).default([]),
});

export const viewingRowSchema = z.object({
  viewer: viewerRefSchema,
  firstViewAt: z.string(),
  lastViewAt: z.string(),
  minutesWatched: z.number(),
  percentSeen: z.number(),
  positionSeconds: z.number(),
});
export const viewingListSchema = z.object({ durationSeconds: z.number().nullable(), items: z.array(viewingRowSchema) });
