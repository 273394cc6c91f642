import { afterAll, describe, expect, it } from 'vitest';
import { migrations } from '../../src/server/db/migrate.js';
import { createTestDatabase, testDialects, type TestDatabase } from '../factories/database.js';

describe.each(testDialects())('migrations on %s', (dialect) => {
  const opened: TestDatabase[] = [];
  afterAll(async () => {
    await Promise.all(opened.map((d) => d.dispose()));
  });

  it('migrate a second database on the same server while the first one exists', async () => {
    // On PostgreSQL each test database is a schema of one server: the second must get its own migration tables.
    for (let i = 0; i < 2; i++) opened.push(await createTestDatabase(dialect));
    for (const d of opened) {
      const rows = await d.database.db.selectFrom('kysely_migration' as never).select('name' as never).execute();
      expect((rows as Array<{ name: string }>).map((r) => r.name)).toEqual(Object.keys(migrations).sort());
    }
  });
});
