import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';

/**
 * A database handle, inside a transaction or not. Repositories take it as their last argument so
 * one use case can write through several of them atomically; services pass it along, never query it.
 */
export type Tx = Kysely<DB>;

/** Runs a unit of work in one transaction. The only way services reach the database directly. */
export class Transactor {
  constructor(private readonly db: Kysely<DB>) {}

  run<T>(work: (trx: Tx) => Promise<T>, opts: { isolation?: 'repeatable read' } = {}): Promise<T> {
    const builder = this.db.transaction();
    return (opts.isolation ? builder.setIsolationLevel(opts.isolation) : builder).execute(work);
  }
}
