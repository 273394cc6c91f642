import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { RoomParticipant } from '../db/schema-live.js';

/** Who is in each room: one participant row per person (name, role, mute) and live presence per socket and process. */
export class RoomParticipantRepository {
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

  async addPresence(p: { connectionId: string; roomId: string; participantId: string; processId: string; now: number }): Promise<void> {
    await this.db.insertInto('room_presence').values({ connection_id: p.connectionId, room_id: p.roomId, participant_id: p.participantId, process_id: p.processId, joined_at: p.now }).execute();
  }

  /** The socket left: its person was last seen now (the event report's time in the room). */
  async removePresence(connectionId: string, now?: number): Promise<void> {
    if (now !== undefined) {
      const person = this.db.selectFrom('room_presence').select('participant_id').where('connection_id', '=', connectionId);
      await this.db.updateTable('room_participants').set({ last_seen_at: now }).where('id', 'in', person).where('last_seen_at', '<', now).execute();
    }
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
