import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { RoomParticipantRepository } from '../../src/server/repositories/room-participant.repository.js';
import { testDialects } from '../factories/database.js';
import { createTestRuntime, type TestRuntime } from '../factories/runtime.js';

/**
 * Presence rows (who is online, per socket) are written in batches: thousands of sockets joining at
 * a webinar's start commit together instead of one transaction each. Against a real database.
 */
describe.each(testDialects())('room presence writes on %s', (dialect) => {
  let rt: TestRuntime;
  let repo: RoomParticipantRepository;
  const room = `presence-room-${dialect}`;
  const rows = async () =>
    (await rt.database.db.selectFrom('room_presence').select(['connection_id', 'participant_id']).where('room_id', '=', room).orderBy('connection_id').execute()).map((r) => r.connection_id);

  beforeAll(async () => {
    rt = await createTestRuntime({ dialect });
    repo = new RoomParticipantRepository(rt.database.db);
  });
  afterAll(async () => {
    await rt?.close();
  });

  const add = (id: string) => repo.addPresence({ connectionId: id, roomId: room, participantId: `p-${id}`, processId: 'proc-1', now: 1 });

  it('writes 300 concurrent joins in a few transactions, each resolved once its row is committed', async () => {
    const transactions = vi.spyOn(rt.database.db, 'transaction');
    try {
      const ids = Array.from({ length: 300 }, (_, i) => `c${String(i).padStart(3, '0')}`);
      await Promise.all(ids.map(add));
      expect(await rows()).toEqual(ids);
      // the first goes alone, the rest wait for it and go together
      expect(transactions.mock.calls.length).toBeGreaterThanOrEqual(1);
      expect(transactions.mock.calls.length).toBeLessThanOrEqual(3);
      await Promise.all(ids.map((id) => repo.removePresence(id)));
      expect(await rows()).toEqual([]);
    } finally {
      transactions.mockRestore();
    }
  });

  it('keeps the order asked: a socket that joins and leaves within one batch leaves no row; leave-then-join keeps one', async () => {
    await Promise.all([add('a1'), repo.removePresence('a1'), repo.removePresence('b1'), add('b1'), add('c1')]);
    expect(await rows()).toEqual(['b1', 'c1']);
    await Promise.all([repo.removePresence('b1'), repo.removePresence('c1')]);
  });

  it('a write that fails (the same socket twice) fails alone; the others of its batch are written', async () => {
    await add('dup');
    const results = await Promise.allSettled([add('x1'), add('dup'), add('x2')]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(await rows()).toEqual(['dup', 'x1', 'x2']);
  });
});
