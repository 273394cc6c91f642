import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { RoomEventRow, RoomParticipant } from '../db/schema-live.js';

export type StreamName = 'public' | 'staff';

/** Room participants, presence, and the append-only event log with its per-room, per-stream sequence. */
export class RoomLogRepository {
  constructor(private readonly db: Kysely<DB>) {}

  /** One row per person per room, however many tabs or reconnects; name and role follow the latest join. */
  async upsertParticipant(p: { id: string; roomId: string; key: string; name: string; role: string; now: number }): Promise<RoomParticipant> {
    await this.db
      .insertInto('room_participants')
      .values({ id: p.id, room_id: p.roomId, participant_key: p.key, name: p.name, role: p.role, first_joined_at: p.now, last_seen_at: p.now, muted_at: null, muted_by: null })
      .onConflict((oc) => oc.columns(['room_id', 'participant_key']).doUpdateSet({ name: p.name, role: p.role, last_seen_at: p.now }))
      .execute();
    return (await this.db
      .selectFrom('room_participants')
      .selectAll()
      .where('room_id', '=', p.roomId)
      .where('participant_key', '=', p.key)
      .executeTakeFirst())!;
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
   * Appends one event and returns its sequence number. The counter row stays locked until the
   * transaction commits, so sequence numbers become visible in order: seeing N means 1..N are there.
   */
  async append(db: Kysely<DB>, e: { roomId: string; stream: StreamName; kind: string; data: unknown; at: number }): Promise<number> {
    const row = await db
      .insertInto('room_sequences')
      .values({ room_id: e.roomId, stream: e.stream, last_seq: 1 })
      .onConflict((oc) => oc.columns(['room_id', 'stream']).doUpdateSet({ last_seq: sql<number>`room_sequences.last_seq + 1` }))
      .returning('last_seq')
      .executeTakeFirstOrThrow();
    const seq = Number(row.last_seq);
    await db.insertInto('room_events').values({ room_id: e.roomId, stream: e.stream, seq, kind: e.kind, data_json: JSON.stringify(e.data), created_at: e.at }).execute();
    return seq;
  }

  async heads(roomId: string, db: Kysely<DB> = this.db): Promise<Record<StreamName, number>> {
    const rows = await db.selectFrom('room_sequences').select(['stream', 'last_seq']).where('room_id', '=', roomId).execute();
    const out: Record<StreamName, number> = { public: 0, staff: 0 };
    for (const r of rows) out[r.stream] = Number(r.last_seq);
    return out;
  }

  /** Events with afterSeq < seq ≤ untilSeq (or to the end), in order. */
  eventsAfter(roomId: string, stream: StreamName, afterSeq: number, opts: { untilSeq?: number; limit: number }): Promise<RoomEventRow[]> {
    let q = this.db.selectFrom('room_events').selectAll().where('room_id', '=', roomId).where('stream', '=', stream).where('seq', '>', afterSeq);
    if (opts.untilSeq !== undefined) q = q.where('seq', '<=', opts.untilSeq);
    return q.orderBy('seq').limit(opts.limit).execute();
  }

  // ------------------------------------------------------------ presence

  async addPresence(p: { connectionId: string; roomId: string; participantId: string; processId: string; now: number }): Promise<void> {
    await this.db.insertInto('room_presence').values({ connection_id: p.connectionId, room_id: p.roomId, participant_id: p.participantId, process_id: p.processId, joined_at: p.now }).execute();
  }

  async removePresence(connectionId: string): Promise<void> {
    await this.db.deleteFrom('room_presence').where('connection_id', '=', connectionId).execute();
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

  async onlineParticipantIds(roomId: string, freshSince: number): Promise<Set<string>> {
    const rows = await this.db
      .selectFrom('room_presence')
      .innerJoin('room_processes', 'room_processes.process_id', 'room_presence.process_id')
      .select('room_presence.participant_id')
      .distinct()
      .where('room_presence.room_id', '=', roomId)
      .where('room_processes.seen_at', '>=', freshSince)
      .execute();
    return new Set(rows.map((r) => r.participant_id));
  }
}
