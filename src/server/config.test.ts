import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const dataDir = () => mkdtempSync(path.join(tmpdir(), 'foyer-config-'));

describe('loadConfig', () => {
  it('has working embedded defaults and keeps a generated session secret', () => {
    const dir = dataDir();
    const c = loadConfig({ DATA_DIR: dir });
    expect(c).toMatchObject({ port: 3000, publicUrl: 'http://localhost:3000', secureCookies: false, database: { kind: 'sqlite', file: path.join(dir, 'foyer.sqlite') } });
    expect(c.redisUrl).toBeUndefined();
    expect(c.smtpUrl).toBeUndefined();
    expect(c.sessionSecret.length).toBeGreaterThanOrEqual(32);
    expect(readFileSync(path.join(dir, 'session-secret'), 'utf8').trim()).toBe(c.sessionSecret);
    expect(loadConfig({ DATA_DIR: dir }).sessionSecret).toBe(c.sessionSecret);
  });

  it('reads PostgreSQL, Redis, SMTP and https settings', () => {
    const c = loadConfig({
      DATA_DIR: dataDir(),
      DATABASE_URL: 'postgres://u:p@db:5432/foyer',
      REDIS_URL: 'redis://cache:6379',
      SMTP_URL: 'smtp://mail:587',
      PUBLIC_URL: 'https://media.example.com/',
      UPLOAD_LIMIT_MB: '10',
    });
    expect(c.database).toEqual({ kind: 'postgres', url: 'postgres://u:p@db:5432/foyer' });
    expect(c.publicUrl).toBe('https://media.example.com');
    expect(c.secureCookies).toBe(true);
    expect(c.uploadLimitBytes).toBe(10 * 1024 * 1024);
  });

  it('refuses bad values, naming each variable and why', () => {
    const bad = { DATA_DIR: dataDir(), PORT: 'eighty', PUBLIC_URL: 'ftp://x', DATABASE_URL: 'mysql://x', SESSION_SECRET: 'short', LOG_LEVEL: 'loud' };
    let err: unknown;
    try {
      loadConfig(bad);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems.join('\n');
    for (const v of ['PORT="eighty"', 'PUBLIC_URL="ftp://x"', 'DATABASE_URL="mysql://x"', 'SESSION_SECRET="short"', 'LOG_LEVEL="loud"']) expect(problems).toContain(v);
    expect(problems).toMatch(/at least 32 characters/);
    expect((err as Error).message).toMatch(/^Foyer cannot start/);
  });

  it('redirects to presigned URLs only with object storage, and says so', () => {
    expect(loadConfig({ DATA_DIR: dataDir() }).mediaDelivery).toBe('proxy');
    expect(loadConfig({ DATA_DIR: dataDir(), STORAGE_URL: 's3://media-bucket?region=eu-west-1', MEDIA_DELIVERY: 'redirect' }).mediaDelivery).toBe('redirect');
    expect(() => loadConfig({ DATA_DIR: dataDir(), MEDIA_DELIVERY: 'redirect' })).toThrow(/MEDIA_DELIVERY="redirect": needs object storage/);
    expect(() => loadConfig({ DATA_DIR: dataDir(), MEDIA_DELIVERY: 'cdn' })).toThrow(/MEDIA_DELIVERY="cdn"/);
  });
});
