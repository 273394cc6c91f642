import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createDatabase, type Database } from '../../src/server/db/database.js';
import { migrateToLatest } from '../../src/server/db/migrate.js';

export type TestDialect = 'sqlite' | 'postgres';

/** SQLite always; PostgreSQL too when TEST_DATABASE_URL is set. Use with describe.each. */
export const testDialects = (): TestDialect[] => (process.env.TEST_DATABASE_URL ? ['sqlite', 'postgres'] : ['sqlite']);

export interface TestDatabase {
  database: Database;
  dataDir: string;
  dispose(): Promise<void>;
}

/** A fresh, migrated database: a SQLite file in a temp folder, or a new PostgreSQL schema dropped afterwards. */
export async function createTestDatabase(dialect: TestDialect, opts: { pgPoolSize?: number } = {}): Promise<TestDatabase> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'foyer-test-'));
  if (dialect === 'sqlite') {
    const database = createDatabase({ kind: 'sqlite', file: path.join(dataDir, 'foyer.sqlite') });
    await migrateToLatest(database.db);
    return {
      database,
      dataDir,
      async dispose() {
        await database.destroy();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_DATABASE_URL is not set');
  const schema = `foyer_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const database = createDatabase({ kind: 'postgres', url }, { pgSchema: schema, pgPoolSize: opts.pgPoolSize });
  await migrateToLatest(database.db, { schema });
  return {
    database,
    dataDir,
    async dispose() {
      await database.destroy();
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`drop schema if exists ${schema} cascade`);
      await c.end();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
