import { randomUUID } from 'node:crypto';
import { Migrator, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest, migrations } from '../../src/server/db/migrate.js';
import { createTestApp, signUp, type TestApp } from '../factories/app.js';
import { testDialects } from '../factories/database.js';
import { invitedGuest, passLobby, sessionIdOf } from '../factories/guests.js';
import { invite } from '../factories/invites.js';
import { createEvent, liveNow } from '../factories/live.js';

/**
 * Migration 20261202010000_room_person on data as the old code left it: participants keyed by session
 * (`s:`) or account (`u:`), a person split over several rows by session rotation. People, invites, grants
 * and sessions come from the real API; the room rows are written as the old code wrote them.
 */
describe.each(testDialects())('room person migration on %s', (dialect) => {
  let t: TestApp;
  let schema: string | undefined;
  beforeAll(async () => {
    t = await createTestApp({ dialect });
    schema = dialect === 'postgres' ? (await t.db.database.db.selectNoFrom((eb) => eb.fn<string>('current_schema').as('s')).executeTakeFirstOrThrow()).s : undefined;
  });
  afterAll(async () => t?.close());

  const db = () => t.db.database.db;
  const migrator = () => new Migrator({ db: db() as unknown as Kysely<Record<string, never>>, provider: { getMigrations: async () => migrations }, ...(schema ? { migrationTableSchema: schema } : {}) });

  it('re-keys participants to people and merges the rows of one person, content, votes and mute included', async () => {
    const owner = await signUp(t, { name: 'Olga Owner' });
    const room = (await createEvent(t, owner.agent, liveNow(t))).event.id;
    const ann = await invitedGuest(t, owner.agent, room, { firstName: 'Ann', lastName: 'Archer' });
    const mod = await invitedGuest(t, owner.agent, room, { role: 'moderator', firstName: 'Mo', lastName: 'Mod' });
    // two different addresses invited under one name: a rotated-away row with that name is nobody's for sure
    const sam1 = await invitedGuest(t, owner.agent, room, { firstName: 'Sam', lastName: 'Same' });
    await invitedGuest(t, owner.agent, room, { firstName: 'Sam', lastName: 'Same' });
    // an account with the invited, verified address: the access is the account's
    const vera = await signUp(t, { name: 'Vera Account' });
    await passLobby(vera.agent, (await invite(t, owner.agent, room, { email: vera.email, firstName: 'Vera', lastName: 'V' })).link, vera.email);

    // back to the schema the old code ran on
    expect((await migrator().migrateTo('20261127030000_live')).error).toBeUndefined();

    const at = t.clock.now;
    const p = (key: string, name: string, role: string, joined: number, seen: number, mute?: { at: number; by: string }) => ({
      id: randomUUID(),
      room_id: room,
      participant_key: key,
      name,
      role,
      first_joined_at: at + joined,
      last_seen_at: at + seen,
      muted_at: mute ? at + mute.at : null,
      muted_by: mute?.by ?? null,
    });
    const pOwner = p(`u:${owner.user.id}`, 'Olga Owner', 'owner', 0, 10);
    const pMod = p(`s:${mod.sessionId}`, 'Mo Mod', 'moderator', 1, 10);
    // Ann joined, was muted, passed the lobby again (her old session's grant moved to the new one) and came back unmuted
    const pAnnOld = p(`s:${randomUUID()}`, 'Ann Archer', 'viewer', 2, 5, { at: 4, by: pMod.id });
    const pAnnNew = p(`s:${ann.sessionId}`, 'Ann Archer', 'speaker', 6, 9);
    const pSamGone = p(`s:${randomUUID()}`, 'Sam Same', 'viewer', 3, 4);
    const pSam = p(`s:${sam1.sessionId}`, 'Sam Same', 'viewer', 3, 4);
    const pVera = p(`u:${vera.user.id}`, 'Vera Account', 'viewer', 3, 4);
    const pNobody = p(`s:${randomUUID()}`, 'Nobody Known', 'viewer', 3, 4);
    await db().insertInto('room_participants').values([pOwner, pMod, pAnnOld, pAnnNew, pSamGone, pSam, pVera, pNobody]).execute();

    const msg = (author: string, body: string, likes: number, ref: string | null, seq: number) => ({
      id: randomUUID(), room_id: room, channel: 'chat' as const, author_id: author, author_name: 'x', author_role: 'viewer', body, likes, client_ref: ref, seq, created_at: at, deleted_at: null, deleted_by: null,
    });
    const modMsg = msg(pMod.id, 'welcome', 2, null, 1);
    const otherMsg = msg(pMod.id, 'second', 1, null, 2);
    const annOldMsg = msg(pAnnOld.id, 'first visit', 0, 'r1', 3);
    const annNewMsg = msg(pAnnNew.id, 'second visit', 0, 'r1', 4);
    const deleted = { ...msg(pMod.id, 'gone', 0, null, 5), deleted_at: at, deleted_by: pAnnNew.id };
    await db().insertInto('room_messages').values([modMsg, otherMsg, annOldMsg, annNewMsg, deleted]).execute();
    // both of Ann's rows liked the welcome; the newer one also liked the second message
    await db().insertInto('room_message_likes').values([
      { message_id: modMsg.id, participant_id: pAnnOld.id },
      { message_id: modMsg.id, participant_id: pAnnNew.id },
      { message_id: otherMsg.id, participant_id: pAnnNew.id },
    ]).execute();
    const question = { id: randomUUID(), room_id: room, author_id: pAnnNew.id, author_name: 'Ann Archer', anonymous: 0, body: 'Slides?', status: 'approved' as const, pinned: 0, upvotes: 2, answer_text: null, answered_by: null, answered_at: null, answered_live_at: null, client_ref: null, rev: 2, created_at: at, updated_at: at };
    await db().insertInto('room_questions').values(question).execute();
    await db().insertInto('room_question_votes').values([{ question_id: question.id, participant_id: pAnnOld.id }, { question_id: question.id, participant_id: pAnnNew.id }]).execute();
    const poll = (q: string) => ({ id: randomUUID(), room_id: room, question: q, options_json: JSON.stringify([{ id: 'o1', text: 'a' }, { id: 'o2', text: 'b' }]), multiple: 0, status: 'open' as const, results_shown: 0, created_by: pMod.id, rev: 0, created_at: at, closed_at: null });
    const bothAnswered = poll('both answered');
    const newerAnswered = poll('newer answered');
    await db().insertInto('room_polls').values([bothAnswered, newerAnswered]).execute();
    await db().insertInto('room_poll_votes').values([
      { poll_id: bothAnswered.id, participant_id: pAnnOld.id, option_id: 'o1', created_at: at },
      { poll_id: bothAnswered.id, participant_id: pAnnNew.id, option_id: 'o2', created_at: at },
      { poll_id: newerAnswered.id, participant_id: pAnnNew.id, option_id: 'o2', created_at: at },
    ]).execute();
    await db().insertInto('room_presence').values({ connection_id: 'proc:1', room_id: room, participant_id: pAnnNew.id, process_id: 'proc', joined_at: at }).execute();

    await migrateToLatest(db(), { schema });

    const rows = new Map((await db().selectFrom('room_participants').selectAll().where('room_id', '=', room).execute()).map((r) => [r.id, r]));
    const keyOf = (id: string) => rows.get(id)?.participant_key;
    expect(keyOf(pOwner.id)).toBe(`u:${owner.user.id}`);
    expect(keyOf(pMod.id)).toBe(`e:${mod.email}`);
    expect(keyOf(pSam.id)).toBe(`e:${sam1.email}`);
    expect(keyOf(pVera.id)).toBe(`e:${vera.email}`);
    expect(keyOf(pSamGone.id)).toBe(pSamGone.participant_key);
    expect(keyOf(pNobody.id)).toBe(pNobody.participant_key);
    // Ann is one person: the oldest row, muted, named and in the role of her latest visit
    expect(rows.has(pAnnNew.id)).toBe(false);
    expect(rows.get(pAnnOld.id)).toMatchObject({ participant_key: `e:${ann.email}`, name: 'Ann Archer', role: 'speaker', first_joined_at: pAnnOld.first_joined_at, last_seen_at: pAnnNew.last_seen_at, muted_at: pAnnOld.muted_at, muted_by: pMod.id });
    expect(rows.size).toBe(7);

    const messages = new Map((await db().selectFrom('room_messages').selectAll().where('room_id', '=', room).execute()).map((m) => [m.id, m]));
    expect(messages.get(annOldMsg.id)).toMatchObject({ author_id: pAnnOld.id, client_ref: 'r1' });
    expect(messages.get(annNewMsg.id)).toMatchObject({ author_id: pAnnOld.id, client_ref: null });
    expect(messages.get(deleted.id)!.deleted_by).toBe(pAnnOld.id);
    expect(messages.get(modMsg.id)!.likes).toBe(1);
    expect(messages.get(otherMsg.id)!.likes).toBe(1);
    const likes = await db().selectFrom('room_message_likes').selectAll().where('message_id', 'in', [modMsg.id, otherMsg.id]).orderBy('message_id').execute();
    expect(likes.map((l) => [l.message_id, l.participant_id]).sort()).toEqual([[modMsg.id, pAnnOld.id], [otherMsg.id, pAnnOld.id]].sort());
    expect(await db().selectFrom('room_questions').select(['author_id', 'upvotes']).where('id', '=', question.id).executeTakeFirst()).toEqual({ author_id: pAnnOld.id, upvotes: 1 });
    expect((await db().selectFrom('room_question_votes').select('participant_id').where('question_id', '=', question.id).execute()).map((v) => v.participant_id)).toEqual([pAnnOld.id]);
    const votes = await db().selectFrom('room_poll_votes').select(['poll_id', 'participant_id', 'option_id']).where('poll_id', 'in', [bothAnswered.id, newerAnswered.id]).execute();
    expect(votes.map((v) => `${v.poll_id === bothAnswered.id ? 'both' : 'newer'}:${v.participant_id === pAnnOld.id ? 'ann' : v.participant_id}:${v.option_id}`).sort()).toEqual(['both:ann:o1', 'newer:ann:o2']);
    expect((await db().selectFrom('room_presence').select('participant_id').where('connection_id', '=', 'proc:1').executeTakeFirstOrThrow()).participant_id).toBe(pAnnOld.id);

    // and the room finds these people by the same keys from now on
    const annIn = await t.services.room.enter((await t.services.auth.visitorForSession(sessionIdOf(ann.agent)))!, room);
    expect(annIn).toMatchObject({ actor: { participantId: pAnnOld.id }, muted: true });
    const veraIn = await t.services.room.enter((await t.services.auth.visitorForSession(sessionIdOf(vera.agent)))!, room);
    expect(veraIn.actor.participantId).toBe(pVera.id);
    const ownerIn = await t.services.room.enter((await t.services.auth.visitorForSession(sessionIdOf(owner.agent)))!, room);
    expect(ownerIn.actor.participantId).toBe(pOwner.id);
  });
});
