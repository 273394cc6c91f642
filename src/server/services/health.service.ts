import { randomUUID } from 'node:crypto';
import type { DependencyCheck, HealthResponse } from '../../contracts/health.js';
import { isStorageFull, type Storage } from '../adapters/storage/storage.js';
import { overallHealth } from '../domain/health.js';
import { healthProbeKey } from '../domain/storage-keys.js';
import { iso } from '../domain/time.js';
import type { HealthRepository } from '../repositories/health.repository.js';
import type { MailService } from './mail.service.js';

/** Redis as this process sees it (its monitor and bus). */
export interface RedisHealth {
  state: 'connecting' | 'up' | 'down';
  lastError?: string;
  /** Epoch ms since which it is down. */
  since?: number;
}

export interface HealthDeps {
  repo: HealthRepository;
  dialect: 'sqlite' | 'postgres';
  storage: Storage;
  mail: MailService;
  /** Redis as seen now; undefined (or answering undefined) when this process runs without Redis. */
  redis?: () => RedisHealth | undefined;
  /** SSO providers as last seen (a warning, never a reason to stop serving: local login keeps working). */
  sso?: () => Promise<DependencyCheck>;
  clock: () => number;
  /** How long the database and storage checks may take before they count as down (default 2 s). */
  timeoutMs?: number;
}

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err)).slice(0, 300);

/**
 * GET /api/health: each dependency with its state, and whether this server can serve. The database
 * answers a `select 1`; storage takes and gives back a small file (so a full or read-only disk
 * shows); Redis and mail are reported as last seen (the Redis connections' own state, the last mail
 * delivery), so a health check never waits on them.
 */
export class HealthService {
  /** Names this process's storage probe, so processes sharing one storage never trip over each other. */
  private readonly probeKey = healthProbeKey(randomUUID());

  constructor(private readonly deps: HealthDeps) {}

  /** The check in progress: concurrent calls (a load balancer and a monitor at once) share it. */
  private inFlight?: Promise<HealthResponse>;

  check(): Promise<HealthResponse> {
    // One storage probe at a time: two at once wrote and removed the same file and reported each other's
    // removal as "storage down".
    this.inFlight ??= this.run().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async run(): Promise<HealthResponse> {
    const [database, storage, mail, sso] = await Promise.all([
      this.probe(() => this.deps.repo.ping()),
      this.probe(() => this.writeProbe()),
      this.mail(),
      (this.deps.sso?.() ?? Promise.resolve<DependencyCheck>({ state: 'not_configured' })).catch((err: unknown): DependencyCheck => ({ state: 'down', message: messageOf(err) })),
    ]);
    const checks: HealthResponse['checks'] = {
      database: { ...database, dialect: this.deps.dialect },
      redis: this.redis(),
      storage,
      mail: { ...mail, mode: this.deps.mail.mode },
      sso,
    };
    return { status: overallHealth(checks), checks };
  }

  private async writeProbe(): Promise<void> {
    await this.deps.storage.put(this.probeKey, Buffer.from(String(this.deps.clock())));
    await this.deps.storage.remove(this.probeKey);
  }

  private async probe(run: () => Promise<void>): Promise<DependencyCheck> {
    const timeoutMs = this.deps.timeoutMs ?? 2_000;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        run(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
      return { state: 'up' };
    } catch (err) {
      // A full disk still serves what it holds: only new media cannot be stored.
      if (isStorageFull(err)) return { state: 'full', message: messageOf(err) };
      return { state: 'down', message: messageOf(err) };
    } finally {
      clearTimeout(timer);
    }
  }

  private redis(): DependencyCheck {
    const r = this.deps.redis?.();
    if (!r) return { state: 'not_configured' };
    if (r.state === 'up') return { state: 'up' };
    return {
      state: 'down',
      message: r.state === 'connecting' ? 'not connected yet' : (r.lastError ?? 'unreachable'),
      ...(r.since !== undefined ? { since: iso(r.since) } : {}),
    };
  }

  /** Mail as last seen: down while the tries in a row since the last accepted one failed because of the server. */
  private async mail(): Promise<DependencyCheck> {
    let m: Awaited<ReturnType<MailService['health']>>;
    try {
      m = await this.deps.mail.health();
    } catch (err) {
      // The delivery state lives in the database: with the database down it is not known.
      return { state: 'down', message: `unknown: ${messageOf(err)}` };
    }
    if (m.since === null) return { state: 'up' };
    return { state: 'down', ...(m.problem ? { message: m.problem } : {}), since: iso(m.since) };
  }
}
