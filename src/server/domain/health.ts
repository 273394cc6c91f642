import type { HealthChecks, HealthResponse } from '../../contracts/health.js';

/** Without these this server cannot serve anyone: a load balancer should send its traffic elsewhere. */
export const essentialDependencies = ['database', 'storage'] as const satisfies ReadonlyArray<keyof HealthChecks>;

/**
 * The server's overall health from its dependencies: `down` (503) only when an essential one is down,
 * `degraded` when any other configured one is, else `ok`. Redis and mail being down is `degraded`:
 * the server still serves (rooms locally, rate limits per process, mail waits in the outbox table).
 */
export function overallHealth(checks: HealthChecks): HealthResponse['status'] {
  if (essentialDependencies.some((name) => checks[name].state === 'down')) return 'down';
  if (Object.values(checks).some((c) => c.state === 'down' || c.state === 'full')) return 'degraded';
  return 'ok';
}
