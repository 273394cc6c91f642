import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import * as foundation from './migrations/20261127000000_foundation.js';
import * as pipeline from './migrations/20261127020000_pipeline.js';

/**
 * Migrations are listed here rather than read from a folder, so the same list works from
 * TypeScript sources (tests, tsx) and from the compiled build. Names sort by timestamp.
 */
export const migrations: Record<string, Migration> = {
  '20261127000000_foundation': foundation,
  '20261127020000_pipeline': pipeline,
};

class StaticProvider implements MigrationProvider {
  async getMigrations() {
    return migrations;
  }
}

/**
 * `schema`: the PostgreSQL schema that holds Kysely's own migration tables. Without it Kysely looks
 * for them in every schema of the database, so another schema's tables (parallel test runs) fool it.
 */
export async function migrateToLatest(db: Kysely<any>, opts: { schema?: string } = {}): Promise<void> {
  const migrator = new Migrator({ db, provider: new StaticProvider(), migrationTableSchema: opts.schema });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`Database migration failed${failed ? ` at ${failed.migrationName}` : ''}: ${String(error)}`, {
      cause: error,
    });
  }
}
