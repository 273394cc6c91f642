import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import * as foundation from './migrations/20261127000000_foundation.js';
import * as invites from './migrations/20261127010000_invites.js';
import * as pipeline from './migrations/20261127020000_pipeline.js';
import * as live from './migrations/20261127030000_live.js';
import * as guestScope from './migrations/20261202000000_guest_scope.js';
import * as roomPerson from './migrations/20261202010000_room_person.js';
import * as mailOutage from './migrations/20261202020000_mail_outage.js';
import * as streamKey from './migrations/20261203000000_stream_key.js';
import * as liveStreams from './migrations/20261203010000_live_streams.js';
import * as pageCount from './migrations/20261204000000_page_count.js';
import * as eventCover from './migrations/20261204010000_event_cover.js';
import * as apiTokens from './migrations/20261205000000_api_tokens.js';
import * as sso from './migrations/20261206000000_sso.js';
import * as accountShares from './migrations/20261207010000_account_shares.js';
import * as quotas from './migrations/20261207020000_quotas.js';

/**
 * Migrations are listed here rather than read from a folder, so the same list works from
 * TypeScript sources (tests, tsx) and from the compiled build. Names sort by timestamp.
 */
export const migrations: Record<string, Migration> = {
  '20261127000000_foundation': foundation,
  '20261127010000_invites': invites,
  '20261127020000_pipeline': pipeline,
  '20261127030000_live': live,
  '20261202000000_guest_scope': guestScope,
  '20261202010000_room_person': roomPerson,
  '20261202020000_mail_outage': mailOutage,
  '20261203000000_stream_key': streamKey,
  '20261203010000_live_streams': liveStreams,
  '20261204000000_page_count': pageCount,
  '20261204010000_event_cover': eventCover,
  '20261205000000_api_tokens': apiTokens,
  '20261206000000_sso': sso,
  '20261207010000_account_shares': accountShares,
  '20261207020000_quotas': quotas,
};

class StaticProvider implements MigrationProvider {
  async getMigrations() {
    return migrations;
  }
}

/**
 * `schema`: the PostgreSQL schema the database lives in, when not the default. Kysely looks for its own
 * bookkeeping tables in every schema unless told which one, and would skip creating them when another schema
 * on the same server already has them.
 */
export async function migrateToLatest(db: Kysely<any>, opts: { schema?: string } = {}): Promise<void> {
  const migrator = new Migrator({ db, provider: new StaticProvider(), ...(opts.schema ? { migrationTableSchema: opts.schema } : {}) });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`Database migration failed${failed ? ` at ${failed.migrationName}` : ''}: ${String(error)}`, {
      cause: error,
    });
  }
}
