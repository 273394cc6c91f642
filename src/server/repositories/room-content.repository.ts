import { sql, type Insertable, type Kysely, type Updateable } from 'kysely';
import type { DB } from '../db/schema.js';
import type { RoomMessage, RoomMessagesTable, RoomPoll, RoomPollsTable, RoomQuestion, RoomQuestionsTable } from '../db/schema-live.js';

/** Current state of what was said in a room: messages, likes, questions, upvotes, polls, votes. */
export class RoomContentRepository {
  constructor(private readonly db: Kysely<DB>) {}

  // ------------------------------------------------------------ messages (chat, backchannel, announcements)

  async insertMessage(row: Insertable<RoomMessagesTable>, db: Kysely<DB> = this.db): Promise<void> {
    await db.insertInto('room_messages').values(row).execute();
  }

  findMessage(roomId: string, id: string, db: Kysely<DB> = this.db): Promise<RoomMessage | undefined> {
    return db.selectFrom('room_messages').selectAll().where('room_id', '=', roomId).where('id', '=', id).executeTakeFirst();
  }

  findMessageByRef(roomId: string, authorId: string, ref: string, db: Kysely<DB> = this.db): Promise<RoomMessage | undefined> {
    return db.selectFrom('room_messages').selectAll().where('room_id', '=', roomId).where('author_id', '=', authorId).where('client_ref', '=', ref).executeTakeFirst();
  }

  /** The newest `limit` live messages of a channel, oldest first. */
  async listMessages(roomId: string, channel: RoomMessage['channel'], limit: number, db: Kysely<DB> = this.db): Promise<RoomMessage[]> {
    const rows = await db
      .selectFrom('room_messages')
      .selectAll()
      .where('room_id', '=', roomId)
      .where('channel', '=', channel)
      .where('deleted_at', 'is', null)
      .orderBy('seq', 'desc')
      .limit(limit)
      .execute();
    return rows.reverse();
  }

  async setMessageSeq(id: string, seq: number, db: Kysely<DB>): Promise<void> {
    await db.updateTable('room_messages').set({ seq }).where('id', '=', id).execute();
  }

  async markMessageDeleted(id: string, by: string, now: number, db: Kysely<DB>): Promise<void> {
    await db.updateTable('room_messages').set({ deleted_at: now, deleted_by: by }).where('id', '=', id).execute();
  }

  /** Adds or removes one person's like; returns the new count, or undefined when nothing changed. */
  async setLike(messageId: string, participantId: string, liked: boolean, db: Kysely<DB>): Promise<number | undefined> {
    let changed: boolean;
    if (liked) {
      const res = await db.insertInto('room_message_likes').values({ message_id: messageId, participant_id: participantId }).onConflict((oc) => oc.doNothing()).executeTakeFirst();
      changed = Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
    } else {
      const res = await db.deleteFrom('room_message_likes').where('message_id', '=', messageId).where('participant_id', '=', participantId).executeTakeFirst();
      changed = Number(res.numDeletedRows) > 0;
    }
    if (!changed) return undefined;
    await db.updateTable('room_messages').set({ likes: sql<number>`likes + ${liked ? 1 : -1}` }).where('id', '=', messageId).execute();
    const row = await db.selectFrom('room_messages').select('likes').where('id', '=', messageId).executeTakeFirstOrThrow();
    return Number(row.likes);
  }

  async likedBy(participantId: string, messageIds: string[], db: Kysely<DB> = this.db): Promise<string[]> {
    if (!messageIds.length) return [];
    const rows = await db.selectFrom('room_message_likes').select('message_id').where('participant_id', '=', participantId).where('message_id', 'in', messageIds).execute();
    return rows.map((r) => r.message_id);
  }

  // ------------------------------------------------------------ questions

  async insertQuestion(row: Insertable<RoomQuestionsTable>, db: Kysely<DB>): Promise<void> {
    await db.insertInto('room_questions').values(row).execute();
  }

  findQuestion(roomId: string, id: string, db: Kysely<DB> = this.db): Promise<RoomQuestion | undefined> {
    return db.selectFrom('room_questions').selectAll().where('room_id', '=', roomId).where('id', '=', id).executeTakeFirst();
  }

  findQuestionByRef(roomId: string, authorId: string, ref: string, db: Kysely<DB> = this.db): Promise<RoomQuestion | undefined> {
    return db.selectFrom('room_questions').selectAll().where('room_id', '=', roomId).where('author_id', '=', authorId).where('client_ref', '=', ref).executeTakeFirst();
  }

  async updateQuestion(id: string, patch: Updateable<RoomQuestionsTable>, db: Kysely<DB>): Promise<void> {
    await db.updateTable('room_questions').set(patch).where('id', '=', id).execute();
  }

  listQuestions(roomId: string, opts: { statuses: RoomQuestion['status'][]; limit: number }, db: Kysely<DB> = this.db): Promise<RoomQuestion[]> {
    return db.selectFrom('room_questions').selectAll().where('room_id', '=', roomId).where('status', 'in', opts.statuses).orderBy('created_at').orderBy('id').limit(opts.limit).execute();
  }

  questionsBy(roomId: string, authorId: string, statuses: RoomQuestion['status'][], db: Kysely<DB> = this.db): Promise<RoomQuestion[]> {
    return db.selectFrom('room_questions').selectAll().where('room_id', '=', roomId).where('author_id', '=', authorId).where('status', 'in', statuses).orderBy('created_at').execute();
  }

  /** Adds or removes one upvote; returns the new count, or undefined when nothing changed. */
  async setUpvote(questionId: string, participantId: string, upvoted: boolean, db: Kysely<DB>): Promise<number | undefined> {
    let changed: boolean;
    if (upvoted) {
      const res = await db.insertInto('room_question_votes').values({ question_id: questionId, participant_id: participantId }).onConflict((oc) => oc.doNothing()).executeTakeFirst();
      changed = Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
    } else {
      const res = await db.deleteFrom('room_question_votes').where('question_id', '=', questionId).where('participant_id', '=', participantId).executeTakeFirst();
      changed = Number(res.numDeletedRows) > 0;
    }
    if (!changed) return undefined;
    await db.updateTable('room_questions').set({ upvotes: sql<number>`upvotes + ${upvoted ? 1 : -1}` }).where('id', '=', questionId).execute();
    const row = await db.selectFrom('room_questions').select('upvotes').where('id', '=', questionId).executeTakeFirstOrThrow();
    return Number(row.upvotes);
  }

  async upvotedBy(participantId: string, questionIds: string[], db: Kysely<DB> = this.db): Promise<string[]> {
    if (!questionIds.length) return [];
    const rows = await db.selectFrom('room_question_votes').select('question_id').where('participant_id', '=', participantId).where('question_id', 'in', questionIds).execute();
    return rows.map((r) => r.question_id);
  }

  // ------------------------------------------------------------ polls

  async insertPoll(row: Insertable<RoomPollsTable>, db: Kysely<DB>): Promise<void> {
    await db.insertInto('room_polls').values(row).execute();
  }

  findPoll(roomId: string, id: string, db: Kysely<DB> = this.db): Promise<RoomPoll | undefined> {
    return db.selectFrom('room_polls').selectAll().where('room_id', '=', roomId).where('id', '=', id).executeTakeFirst();
  }

  async updatePoll(id: string, patch: Updateable<RoomPollsTable>, db: Kysely<DB>): Promise<void> {
    await db.updateTable('room_polls').set(patch).where('id', '=', id).execute();
  }

  listPolls(roomId: string, limit: number, db: Kysely<DB> = this.db): Promise<RoomPoll[]> {
    return db.selectFrom('room_polls').selectAll().where('room_id', '=', roomId).orderBy('created_at').orderBy('id').limit(limit).execute();
  }

  /** Records one person's answer; false when they had already answered. */
  async vote(pollId: string, participantId: string, optionIds: string[], now: number, db: Kysely<DB>): Promise<boolean> {
    const existing = await db.selectFrom('room_poll_votes').select('option_id').where('poll_id', '=', pollId).where('participant_id', '=', participantId).limit(1).executeTakeFirst();
    if (existing) return false;
    await db
      .insertInto('room_poll_votes')
      .values(optionIds.map((option_id) => ({ poll_id: pollId, participant_id: participantId, option_id, created_at: now })))
      .execute();
    return true;
  }

  async votesBy(participantId: string, pollIds: string[], db: Kysely<DB> = this.db): Promise<Record<string, string[]>> {
    const out: Record<string, string[]> = {};
    if (!pollIds.length) return out;
    const rows = await db.selectFrom('room_poll_votes').select(['poll_id', 'option_id']).where('participant_id', '=', participantId).where('poll_id', 'in', pollIds).execute();
    for (const r of rows) (out[r.poll_id] ??= []).push(r.option_id);
    return out;
  }

  async results(pollId: string, db: Kysely<DB> = this.db): Promise<{ counts: Record<string, number>; voters: number }> {
    const rows = await db
      .selectFrom('room_poll_votes')
      .select((eb) => ['option_id', eb.fn.count<number>('participant_id').as('n')])
      .where('poll_id', '=', pollId)
      .groupBy('option_id')
      .execute();
    const voters = await db
      .selectFrom('room_poll_votes')
      .select((eb) => eb.fn.count<number>('participant_id').distinct().as('n'))
      .where('poll_id', '=', pollId)
      .executeTakeFirst();
    return { counts: Object.fromEntries(rows.map((r) => [r.option_id, Number(r.n)])), voters: Number(voters?.n ?? 0) };
  }
}
