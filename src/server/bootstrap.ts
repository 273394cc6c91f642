import { Redis } from 'ioredis';
import { loadConfig, type Config } from './config.js';
import { createDatabase, type Database } from './db/database.js';
import { migrateToLatest } from './db/migrate.js';

export interface Runtime {
  config: Config;
  database: Database;
  redis?: Redis;
  close(): Promise<void>;
}

/** Config, database (migrated) and Redis, shared by the server, the worker and the CLI. */
export async function openRuntime(env: NodeJS.ProcessEnv = process.env): Promise<Runtime> {
  const config = loadConfig(env);
  const database = createDatabase(config.database);
  await migrateToLatest(database.db);
  const redis = config.redisUrl ? new Redis(config.redisUrl, { maxRetriesPerRequest: 2, connectTimeout: 5_000, lazyConnect: false }) : undefined;
  return {
    config,
    database,
    redis,
    async close() {
      redis?.disconnect();
      await database.destroy();
    },
  };
}
