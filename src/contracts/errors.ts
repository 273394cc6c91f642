import { z } from 'zod';
import { errorCodes } from './error-codes.js';

// The codes themselves live in error-codes.ts, without zod, so the web app's first chunk can use them.
export * from './error-codes.js';

export const errorCodeSchema = z.enum(errorCodes);

/** The one wire shape of an error, on HTTP and on sockets. */
export const errorBodySchema = z.object({
  error: z.object({
    code: errorCodeSchema,
    message: z.string(),
    details: z.unknown().optional(),
  }),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;
