import { Migrator, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest, migrations } from '../../src/server/db/migrate.js';
import { createTestDatabase, testDialects, type TestDatabase } from '../factories/database.js';

describe.each(testDialects())('migrations on %s', (dialect) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(dialect);
  });
  afterAll(async () => t?.dispose());

  let schema: string | undefined;
  // Only this test's own schema: other test files (or a crashed run's leftovers) have schemas on the same server.
  const tables = async () =>
    (await t.database.db.introspection.getTables())
      .filter((x) => schema === undefined || x.schema === schema)
      .map((x) => x.name)
      .filter((n) => !n.startsWith('kysely_'));

  it('run up, all the way down, and up again', async () => {
    schema = t.database.dialect === 'postgres' ? (await t.database.db.selectNoFrom((eb) => eb.fn<string>('current_schema').as('s')).executeTakeFirstOrThrow()).s : undefined;
    expect(await tables()).toEqual(expect.arrayContaining(['users', 'sessions', 'media', 'mail_messages', 'invites', 'grants', 'audit_log', 'site_settings']));
    const migrator = new Migrator({ db: t.database.db as unknown as Kysely<Record<string, never>>, provider: { getMigrations: async () => migrations }, ...(schema ? { migrationTableSchema: schema } : {}) });
    for (let i = 0; i < Object.keys(migrations).length; i++) {
      const { error } = await migrator.migrateDown();
      expect(error).toBeUndefined();
    }
    expect(await tables()).toEqual([]);
    await migrateToLatest(t.database.db, { schema });
    expect((await tables()).length).toBeGreaterThanOrEqual(8);
  });
});
