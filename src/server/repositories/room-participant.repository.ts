import type { Insertable, Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { RoomParticipant, RoomPresenceTable } from '../db/schema-live.js';
import { Precompiled } from './compiled.js';

type PresenceRow = Insertable<RoomPresenceTable>;
type PresenceOp = { add: PresenceRow } | { remove: string; now?: number };

/** Rows per multi-row INSERT / ids per DELETE … IN (well under SQLite's and PostgreSQL's parameter limits). */
const PRESENCE_CHUNK = 200;

/** Who is in each room: one participant row per person (name, role, mute) and live presence per socket and process. */
export class RoomParticipantRepository {
  /** Presence writes waiting for the next batch, and who waits for them. */
  private pending: PresenceOp[] = [];
  private waiting: Array<{ resolve: () => void; reject: (err: unknown) => void }> = [];
  private writing = false;
  private scheduled = false;

  constructor(private readonly db: Kysely<DB>) {}

  private readonly upsert = new Precompiled<{ id: string; roomId: string; key: string; name: string; role: string; now: number }, RoomParticipant>((db, p) =>
    db
      .insertInto('room_participants')
      .values({ id: p('id'), room_id: p('roomId'), participant_key: p('key'), name: p('name'), role: p('role'), first_joined_at: p('now'), last_seen_at: p('now'), muted_at: null, muted_by: null })
      .onConflict((oc) => oc.columns(['room_id', 'participant_key']).doUpdateSet({ name: p('name'), role: p('role'), last_seen_at: p('now') }))
      .returningAll(),
  );

  /** One row per person per room, however many tabs or reconnects; name and role follow the latest join. */
  async upsertParticipant(p: { id: string; roomId: string; key: string; name: string; role: string; now: number }): Promise<RoomParticipant> {
    // RETURNING gives the row as it is after the statement: the new one, or the existing one updated
    return (await this.upsert.first(this.db, p))!;
  }

  findParticipant(roomId: string, id: string, db: Kysely<DB> = this.db): Promise<RoomParticipant | undefined> {
    return db.selectFrom('room_participants').selectAll().where('room_id', '=', roomId).where('id', '=', id).executeTakeFirst();
  }

  participants(roomId: string, limit = 2000): Promise<RoomParticipant[]> {
    return this.db.selectFrom('room_participants').selectAll().where('room_id', '=', roomId).orderBy('name').limit(limit).execute();
  }

  async setRole(id: string, role: string): Promise<void> {
    await this.db.updateTable('room_participants').set({ role }).where('id', '=', id).execute();
  }

  async setMuted(roomId: string, id: string, mutedBy: string | null, now: number, db: Kysely<DB> = this.db): Promise<void> {
    await db
      .updateTable('room_participants')
      .set(mutedBy ? { muted_at: now, muted_by: mutedBy } : { muted_at: null, muted_by: null })
      .where('room_id', '=', roomId)
      .where('id', '=', id)
      .execute();
  }

  /**
   * Presence rows are written in batches (group commit): a write waits for the batch being written,
   * then goes with every write that arrived meanwhile, in one transaction and one multi-row statement,
   * in the order they were asked. Alone, a write goes at once. Resolves once the row is committed.
   */
  addPresence(p: { connectionId: string; roomId: string; participantId: string; processId: string; now: number }): Promise<void> {
    return this.presence({ add: { connection_id: p.connectionId, room_id: p.roomId, participant_id: p.participantId, process_id: p.processId, joined_at: p.now } });
  }

  /** The socket left; with `now`, its person was last seen then (the event report's time in the room). */
  removePresence(connectionId: string, now?: number): Promise<void> {
    return this.presence({ remove: connectionId, now });
  }

  private presence(op: PresenceOp): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push(op);
      this.waiting.push({ resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.writing || this.scheduled) return;
    this.scheduled = true;
    // after the current job's other writes have been asked for (the ones of the same tick go together)
    setImmediate(() => {
      this.scheduled = false;
      void this.writeBatch();
    });
  }

  private async writeBatch(): Promise<void> {
    const ops = this.pending;
    const waiting = this.waiting;
    this.pending = [];
    this.waiting = [];
    if (!ops.length) return;
    this.writing = true;
    try {
      await this.db.transaction().execute((trx) => writePresence(trx, ops));
      for (const w of waiting) w.resolve();
    } catch {
      // one bad write must not fail the others: each again on its own, so only its own caller hears
      for (let i = 0; i < ops.length; i++) {
        await writePresence(this.db, [ops[i]!]).then(waiting[i]!.resolve, waiting[i]!.reject);
      }
    } finally {
      this.writing = false;
      if (this.pending.length) this.schedule();
    }
  }

  /** One row per process, however many sockets it holds; a crashed process's rows stop counting when it goes stale. */
  async heartbeat(processId: string, now: number): Promise<void> {
    await this.db
      .insertInto('room_processes')
      .values({ process_id: processId, seen_at: now })
      .onConflict((oc) => oc.column('process_id').doUpdateSet({ seen_at: now }))
      .execute();
  }

  async removeProcess(processId: string): Promise<void> {
    await this.db.deleteFrom('room_presence').where('process_id', '=', processId).execute();
    await this.db.deleteFrom('room_processes').where('process_id', '=', processId).execute();
  }

  /** Forgets processes (and their sockets) silent since `before`. */
  async deleteStale(before: number): Promise<void> {
    const stale = this.db.selectFrom('room_processes').select('process_id').where('seen_at', '<', before);
    await this.db.deleteFrom('room_presence').where('process_id', 'in', stale).execute();
    await this.db.deleteFrom('room_processes').where('seen_at', '<', before).execute();
  }

  /** Open connections per participant now (on live server processes): one person, several devices or tabs. */
  async onlineConnections(roomId: string, freshSince: number): Promise<Map<string, number>> {
    const rows = await this.db
      .selectFrom('room_presence')
      .innerJoin('room_processes', 'room_processes.process_id', 'room_presence.process_id')
      .select((eb) => ['room_presence.participant_id', eb.fn.countAll<number | string>().as('n')])
      .where('room_presence.room_id', '=', roomId)
      .where('room_processes.seen_at', '>=', freshSince)
      .groupBy('room_presence.participant_id')
      .execute();
    return new Map(rows.map((r) => [r.participant_id, Number(r.n)]));
  }
}

/** Applies presence writes in order: each run of adds as multi-row INSERTs, each run of removals as DELETE … IN. */
async function writePresence(db: Kysely<DB>, ops: PresenceOp[]): Promise<void> {
  for (let i = 0; i < ops.length; ) {
    const first = ops[i]!;
    let j = i;
    if ('add' in first) {
      const rows: PresenceRow[] = [];
      while (j < ops.length && 'add' in ops[j]! && rows.length < PRESENCE_CHUNK) rows.push((ops[j++] as { add: PresenceRow }).add);
      await db.insertInto('room_presence').values(rows).execute();
    } else {
      const ids: string[] = [];
      let now: number | undefined;
      while (j < ops.length && 'remove' in ops[j]! && ids.length < PRESENCE_CHUNK) {
        const op = ops[j++] as { remove: string; now?: number };
        ids.push(op.remove);
        if (op.now !== undefined) now = Math.max(now ?? op.now, op.now);
      }
      // the people who left were last seen now (the latest leave of the batch, a few ms apart at most)
      if (now !== undefined) {
        const people = db.selectFrom('room_presence').select('participant_id').where('connection_id', 'in', ids);
        await db.updateTable('room_participants').set({ last_seen_at: now }).where('id', 'in', people).where('last_seen_at', '<', now).execute();
      }
      await db.deleteFrom('room_presence').where('connection_id', 'in', ids).execute();
    }
    i = j;
  }
}
