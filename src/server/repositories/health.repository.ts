import type { Kysely } from 'kysely';
import { pingDatabase } from '../db/database.js';
import type { DB } from '../db/schema.js';

/** Whether the database answers: the health check's one query. */
export class HealthRepository {
  constructor(private readonly db: Kysely<DB>) {}

  ping(): Promise<void> {
    return pingDatabase(this.db);
  }
}
