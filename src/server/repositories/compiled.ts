import { PostgresAdapter, type CompiledQuery, type Compilable, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';

/**
 * A query built and compiled once, run many times with new parameter values (Kysely builds and
 * compiles every query anew otherwise, which on the lobby's hot path costs more than SQLite running it).
 *
 * Build the query with `p('name')` wherever a parameter goes; `run(db, { name: value })` swaps the
 * values into the compiled statement's parameter list. The SQL text is the same every time, so the
 * SQLite statement cache (db/database.ts) prepares it once too.
 */
export class Precompiled<Params extends Record<string, unknown>, Row> {
  private compiled?: CompiledQuery<Row>;

  constructor(private readonly build: (db: Kysely<DB>, p: <K extends keyof Params>(name: K) => Params[K]) => Compilable<Row>) {}

  private query(db: Kysely<DB>, values: Params): CompiledQuery<Row> {
    // The compiled SQL depends only on the dialect, and one repository (and its transactions) has one.
    const c = (this.compiled ??= this.build(db, (name) => marker(String(name)) as never).compile());
    return { ...c, parameters: c.parameters.map((v) => (v instanceof Marker ? values[v.name] : v)) };
  }

  async all(db: Kysely<DB>, values: Params): Promise<Row[]> {
    return (await db.executeQuery(this.query(db, values))).rows;
  }

  async first(db: Kysely<DB>, values: Params): Promise<Row | undefined> {
    return (await this.all(db, values))[0];
  }

  /** Rows changed by an UPDATE/INSERT/DELETE (without RETURNING). */
  async changed(db: Kysely<DB>, values: Params): Promise<number> {
    return Number((await db.executeQuery(this.query(db, values))).numAffectedRows ?? 0);
  }
}

class Marker {
  constructor(readonly name: string) {}
}
const marker = (name: string) => new Marker(name);

export const isPostgres = (db: Kysely<DB>) => db.getExecutor().adapter instanceof PostgresAdapter;
