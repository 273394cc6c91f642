import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import path from 'node:path';
import { ensureDir } from '../adapters/storage/local-files.js';
import type { Config } from '../config.js';
import type { DB } from './schema.js';

// bigint (int8) columns hold epoch milliseconds and sizes, all well inside Number's safe range.
pg.types.setTypeParser(20, (v) => Number(v));
// numeric
pg.types.setTypeParser(1700, (v) => Number(v));

export type Dialect = 'sqlite' | 'postgres';

export interface Database {
  db: Kysely<DB>;
  dialect: Dialect;
  destroy(): Promise<void>;
}

export interface DatabaseOptions {
  /** PostgreSQL schema to use (tests run each in its own). */
  pgSchema?: string;
  /** Pool size for PostgreSQL. */
  pgPoolSize?: number;
  /**
   * Told when an idle pooled PostgreSQL connection breaks (the server restarted or went away). Such
   * errors are never thrown: the pool drops that connection and opens a new one on the next query.
   */
  onConnectionError?: (err: Error) => void;
}

export function createDatabase(database: Config['database'], opts: DatabaseOptions = {}): Database {
  if (database.kind === 'sqlite') {
    if (database.file !== ':memory:') ensureDir(path.dirname(database.file));
    const sqlite = new SQLite(database.file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
    return { db, dialect: 'sqlite', destroy: () => db.destroy() };
  }
  const pool = new pg.Pool({
    connectionString: database.url,
    max: opts.pgPoolSize ?? 10,
    // A server that does not answer (a dropped network) fails the request instead of hanging it.
    connectionTimeoutMillis: 5_000,
    ...(opts.pgSchema ? { options: `-c search_path=${opts.pgSchema}` } : {}),
  });
  // Without a listener, an idle connection's error (PostgreSQL restarting) would crash the process.
  pool.on('error', (err) => opts.onConnectionError?.(err));
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: 'postgres', destroy: () => db.destroy() };
}

/**
 * Kysely prepares every query anew; preparing costs more than running a small query in SQLite.
 * Statements are reusable in better-sqlite3, so keep the most recent ones by their SQL text.
 */
function withStatementCache(sqlite: SQLite.Database, size = 256) {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sqlText: string) {
      let stmt = cache.get(sqlText);
      if (stmt) {
        cache.delete(sqlText);
      } else {
        stmt = sqlite.prepare(sqlText);
        if (cache.size >= size) cache.delete(cache.keys().next().value!);
      }
      cache.set(sqlText, stmt);
      return stmt;
    },
  };
}

export async function pingDatabase(db: Kysely<DB>): Promise<void> {
  await sql`select 1`.execute(db);
}
