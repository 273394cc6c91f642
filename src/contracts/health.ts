import { z } from 'zod';

/** One dependency as this server sees it right now (`full`: media storage has no room for new files). */
export const dependencyStates = ['up', 'down', 'full', 'not_configured'] as const;
export type DependencyState = (typeof dependencyStates)[number];

/**
 * - `ok`: every configured dependency is up.
 * - `degraded`: this server serves, but something it can do without is down (Redis: rooms reach only
 *   this server's sockets and rate limits count per process; mail: messages wait in the outbox table;
 *   storage full: everything stored plays, new uploads are refused with `storage_full`).
 * - `down`: this server cannot serve (database unreachable, media storage not writable); answered with 503.
 */
export const healthStatuses = ['ok', 'degraded', 'down'] as const;

export const dependencyCheckSchema = z.object({
  state: z.enum(dependencyStates),
  /** Why it is down (the last error), in the dependency's own words. */
  message: z.string().optional(),
  /** Since when it is down, when this server knows. */
  since: z.string().optional(),
});
export type DependencyCheck = z.infer<typeof dependencyCheckSchema>;

/** `GET /api/health`: 200 while this server can serve (`ok` or `degraded`), 503 when it cannot (`down`). */
export const healthResponseSchema = z.object({
  status: z.enum(healthStatuses),
  checks: z.object({
    database: dependencyCheckSchema.extend({ dialect: z.enum(['sqlite', 'postgres']) }),
    redis: dependencyCheckSchema,
    storage: dependencyCheckSchema,
    mail: dependencyCheckSchema.extend({ mode: z.enum(['smtp', 'outbox']) }),
    /** SSO providers: `down` names each provider whose last sign-in or discovery failed (docs/operations.md). */
    sso: dependencyCheckSchema,
  }),
});
export type HealthResponse = z.infer<typeof healthResponseSchema>;
export type HealthChecks = HealthResponse['checks'];
