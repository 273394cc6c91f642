import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';

/** Read-only queries for an event's report: the room's people and content, and the invite list. */
export class EventReportRepository {
  constructor(private readonly db: Kysely<DB>) {}

  participants(roomId: string) {
    return this.db.selectFrom('room_participants').select(['participant_key', 'name', 'role', 'first_joined_at', 'last_seen_at']).where('room_id', '=', roomId).orderBy('first_joined_at').execute();
  }

  /** Each person's current invite (replaced links left out), revoked ones included: they were invited. */
  invitees(mediaId: string) {
    return this.db
      .selectFrom('invites')
      .select(['email', 'email_canonical', 'first_name', 'last_name', 'role'])
      .where('media_id', '=', mediaId)
      .where('replaced_by', 'is', null)
      .orderBy('email_canonical')
      .execute();
  }

  /** The public chat and announcements, in the room's order; deleted messages left out. */
  messages(roomId: string) {
    return this.db
      .selectFrom('room_messages')
      .select(['author_name', 'author_role', 'channel', 'body', 'likes', 'created_at'])
      .where('room_id', '=', roomId)
      .where('channel', 'in', ['chat', 'announcement'])
      .where('deleted_at', 'is', null)
      .orderBy('seq')
      .orderBy('created_at')
      .execute();
  }

  questions(roomId: string) {
    return this.db
      .selectFrom('room_questions')
      .select(['author_name', 'anonymous', 'body', 'status', 'upvotes', 'answer_text', 'answered_live_at', 'created_at'])
      .where('room_id', '=', roomId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
  }

  polls(roomId: string) {
    return this.db.selectFrom('room_polls').select(['id', 'question', 'options_json', 'multiple', 'status', 'created_at']).where('room_id', '=', roomId).orderBy('created_at').orderBy('id').execute();
  }

  async pollVotes(pollIds: string[]) {
    if (pollIds.length === 0) return [];
    return this.db.selectFrom('room_poll_votes').select(['poll_id', 'option_id', 'participant_id']).where('poll_id', 'in', pollIds).execute();
  }
}
