import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { RoomEventRow } from '../db/schema-live.js';
import { Precompiled } from './compiled.js';

export type StreamName = 'public' | 'staff';

/** The append-only event log of each room, with its per-room, per-stream sequence. */
export class RoomLogRepository {
  constructor(private readonly db: Kysely<DB>) {}

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

  // read by every joiner: built and compiled once
  private readonly headsOf = new Precompiled<{ roomId: string }, { stream: StreamName; last_seq: number | string }>((db, p) =>
    db.selectFrom('room_sequences').select(['stream', 'last_seq']).where('room_id', '=', p('roomId')),
  );

  async heads(roomId: string, db: Kysely<DB> = this.db): Promise<Record<StreamName, number>> {
    const rows = await this.headsOf.all(db, { roomId });
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
}
