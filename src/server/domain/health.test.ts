import { describe, expect, it } from 'vitest';
import type { HealthChecks } from '../../contracts/health.js';
import { overallHealth } from './health.js';

const allUp = (): HealthChecks => ({
  database: { state: 'up', dialect: 'sqlite' },
  redis: { state: 'up' },
  storage: { state: 'up' },
  mail: { state: 'up', mode: 'smtp' },
  sso: { state: 'not_configured' },
});

describe('overall health', () => {
  it('is ok when everything configured is up, whatever is not configured', () => {
    expect(overallHealth(allUp())).toBe('ok');
    expect(overallHealth({ ...allUp(), redis: { state: 'not_configured' } })).toBe('ok');
    // a failing SSO provider is a warning: local login keeps working
    expect(overallHealth({ ...allUp(), sso: { state: 'down', message: 'Okta (okta): fetch failed' } })).toBe('degraded');
  });

  it('is degraded, not down, when Redis or mail is down', () => {
    expect(overallHealth({ ...allUp(), redis: { state: 'down' } })).toBe('degraded');
    expect(overallHealth({ ...allUp(), mail: { state: 'down', mode: 'smtp' } })).toBe('degraded');
  });

  it('is down when the database or the storage is down, even with the rest up or down', () => {
    expect(overallHealth({ ...allUp(), database: { state: 'down', dialect: 'postgres' } })).toBe('down');
    expect(overallHealth({ ...allUp(), storage: { state: 'down' } })).toBe('down');
    expect(overallHealth({ ...allUp(), storage: { state: 'down' }, redis: { state: 'down' } })).toBe('down');
  });
});
