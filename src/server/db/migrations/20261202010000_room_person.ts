import { sql, type Kysely } from 'kysely';

/**
 * Room participants become people instead of sessions (hardening item 7; domain/room-person.ts).
 *
 * Before: one `room_participants` row per `s:<session id>` (guests) or `u:<user id>` (accounts), so every
 * lobby pass (which rotates the session) made a new, unmuted participant. After: `e:<invited address>`
 * for whoever is in through an invite, `u:<user id>` for owners and site admins. This carries the rows over:
 *
 * - `s:<session>` → the address of the grant that session holds on the room's media; a session that no
 *   longer holds one (rotated away, its grant moved to the newer session) → the one address of this
 *   media whose invites carry the participant's name (a guest's room name is the invite's name), when
 *   exactly one does; otherwise the row stays as it is.
 * - `u:<user>` → unchanged for the media's owner and site admins; otherwise the address of the grant the
 *   account (or one of its sessions) holds on the media, if any.
 * - rows that now name the same person are merged into the oldest: its id stays; messages, questions,
 *   polls, likes, upvotes, votes, deletions, mutes and presence of the others move to it. A like or an
 *   upvote both rows gave counts once; a poll both answered keeps the surviving row's answer. The merged
 *   person is muted when any of the rows was (the latest mute); name and role come from the latest visit.
 *
 * The event log (`room_events`) is history and keeps the ids it was sent with.
 */
interface Participant {
  id: string;
  room_id: string;
  participant_key: string;
  name: string;
  role: string;
  first_joined_at: number;
  last_seen_at: number;
  muted_at: number | null;
  muted_by: string | null;
}

interface GrantRow {
  email_canonical: string;
  session_id: string | null;
  user_id: string | null;
  created_at: number;
  revoked_at: number | null;
  id: string;
}

const displayName = (i: { first_name: string; last_name: string; email: string }) => {
  const name = `${i.first_name} ${i.last_name}`.trim() || i.email.split('@')[0];
  return name.trim().slice(0, 120);
};

/** Live grants first, then the account's own, then the oldest: the order the room uses at entry. */
const preferred = (userId?: string) => (a: GrantRow, b: GrantRow) =>
  Number(a.revoked_at !== null) - Number(b.revoked_at !== null) ||
  Number(!(userId && a.user_id === userId)) - Number(!(userId && b.user_id === userId)) ||
  Number(a.created_at) - Number(b.created_at) ||
  a.id.localeCompare(b.id);

export async function up(db: Kysely<any>): Promise<void> {
  if (db.isTransaction) return carryOver(db);
  await db.transaction().execute((trx) => carryOver(trx));
}

/** A data migration that cannot be undone (merged people do not split again); going down leaves the rows as they are. */
export async function down(): Promise<void> {}

async function carryOver(db: Kysely<any>): Promise<void> {
  const rows = (await db.selectFrom('room_participants').selectAll().execute()) as Participant[];
  if (!rows.length) return;
  const admins = new Set(((await db.selectFrom('users').select('id').where('is_admin', '=', 1).execute()) as Array<{ id: string }>).map((u) => u.id));

  const target = new Map<string, string>();
  const byRoom = new Map<string, Participant[]>();
  for (const r of rows) byRoom.set(r.room_id, [...(byRoom.get(r.room_id) ?? []), r]);
  for (const [roomId, people] of byRoom) {
    const media = (await db.selectFrom('media').select('owner_id').where('id', '=', roomId).executeTakeFirst()) as { owner_id: string } | undefined;
    const grants = (await db.selectFrom('grants').select(['id', 'email_canonical', 'session_id', 'user_id', 'created_at', 'revoked_at']).where('media_id', '=', roomId).execute()) as GrantRow[];
    const invites = (await db.selectFrom('invites').select(['email', 'email_canonical', 'first_name', 'last_name']).where('media_id', '=', roomId).execute()) as Array<{
      email: string;
      email_canonical: string;
      first_name: string;
      last_name: string;
    }>;
    const addressesByName = new Map<string, Set<string>>();
    for (const i of invites) {
      const n = displayName(i);
      addressesByName.set(n, (addressesByName.get(n) ?? new Set()).add(i.email_canonical));
    }
    for (const p of people) {
      const rest = p.participant_key.slice(2);
      let email: string | undefined;
      if (p.participant_key.startsWith('s:')) {
        email = grants.filter((g) => g.session_id === rest).sort(preferred())[0]?.email_canonical;
        if (!email) {
          const named = addressesByName.get(p.name);
          if (named?.size === 1) email = [...named][0];
        }
      } else if (p.participant_key.startsWith('u:') && media?.owner_id !== rest && !admins.has(rest)) {
        const sessions = new Set(((await db.selectFrom('sessions').select('id').where('user_id', '=', rest).execute()) as Array<{ id: string }>).map((s) => s.id));
        email = grants.filter((g) => g.user_id === rest || (g.session_id !== null && sessions.has(g.session_id))).sort(preferred(rest))[0]?.email_canonical;
      }
      if (email) target.set(p.id, `e:${email}`);
    }
  }

  // the people: rows that now share a room and key, the oldest first
  const groups = new Map<string, Participant[]>();
  for (const r of rows) {
    const key = target.get(r.id);
    if (!key) continue;
    const k = `${r.room_id}\n${key}`;
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  for (const g of groups.values()) g.sort((a, b) => Number(a.first_joined_at) - Number(b.first_joined_at) || a.id.localeCompare(b.id));

  // 1. each person's standing, from all their rows (before any reference moves, so every muted_by is moved below)
  for (const [survivor, ...others] of groups.values()) {
    if (!others.length) continue;
    const all = [survivor, ...others];
    const latest = [...all].sort((a, b) => Number(b.last_seen_at) - Number(a.last_seen_at))[0];
    const mute = all.filter((p) => p.muted_at !== null).sort((a, b) => Number(b.muted_at) - Number(a.muted_at))[0];
    await db
      .updateTable('room_participants')
      .set({
        name: latest.name,
        role: latest.role,
        first_joined_at: Math.min(...all.map((p) => Number(p.first_joined_at))),
        last_seen_at: Math.max(...all.map((p) => Number(p.last_seen_at))),
        muted_at: mute ? mute.muted_at : null,
        muted_by: mute ? mute.muted_by : null,
      })
      .where('id', '=', survivor.id)
      .execute();
  }
  // 2. everything the other rows did now belongs to the person
  for (const [survivor, ...others] of groups.values()) {
    for (const other of others) await mergeInto(db, survivor, other.id);
  }
  // 3. the person key
  for (const [key, [survivor]] of groups) {
    await db.updateTable('room_participants').set({ participant_key: key.split('\n')[1] }).where('id', '=', survivor.id).execute();
  }
}

async function mergeInto(db: Kysely<any>, survivor: Participant, from: string): Promise<void> {
  const to = survivor.id;
  const alsoBy = (table: string, column: string, key: string) => db.selectFrom(table).select(column).where(key, '=', to);

  // likes and upvotes both rows gave count once
  await db
    .updateTable('room_messages')
    .set({ likes: sql`likes - 1` })
    .where('id', 'in', db.selectFrom('room_message_likes').select('message_id').where('participant_id', '=', from).where('message_id', 'in', alsoBy('room_message_likes', 'message_id', 'participant_id')))
    .execute();
  await db.deleteFrom('room_message_likes').where('participant_id', '=', from).where('message_id', 'in', alsoBy('room_message_likes', 'message_id', 'participant_id')).execute();
  await db.updateTable('room_message_likes').set({ participant_id: to }).where('participant_id', '=', from).execute();

  await db
    .updateTable('room_questions')
    .set({ upvotes: sql`upvotes - 1` })
    .where('id', 'in', db.selectFrom('room_question_votes').select('question_id').where('participant_id', '=', from).where('question_id', 'in', alsoBy('room_question_votes', 'question_id', 'participant_id')))
    .execute();
  await db.deleteFrom('room_question_votes').where('participant_id', '=', from).where('question_id', 'in', alsoBy('room_question_votes', 'question_id', 'participant_id')).execute();
  await db.updateTable('room_question_votes').set({ participant_id: to }).where('participant_id', '=', from).execute();

  // a poll is answered once: the surviving row's answer stands
  await db.deleteFrom('room_poll_votes').where('participant_id', '=', from).where('poll_id', 'in', alsoBy('room_poll_votes', 'poll_id', 'participant_id')).execute();
  await db.updateTable('room_poll_votes').set({ participant_id: to }).where('participant_id', '=', from).execute();

  // own messages and questions (a client ref is unique per author: a clash, vanishingly unlikely, drops the ref)
  for (const table of ['room_messages', 'room_questions']) {
    await db
      .updateTable(table)
      .set({ client_ref: null })
      .where('author_id', '=', from)
      .where('client_ref', 'in', db.selectFrom(table).select('client_ref').where('author_id', '=', to).where('room_id', '=', survivor.room_id).where('client_ref', 'is not', null))
      .execute();
    await db.updateTable(table).set({ author_id: to }).where('author_id', '=', from).execute();
  }
  await db.updateTable('room_messages').set({ deleted_by: to }).where('deleted_by', '=', from).execute();
  await db.updateTable('room_polls').set({ created_by: to }).where('created_by', '=', from).execute();
  await db.updateTable('room_participants').set({ muted_by: to }).where('muted_by', '=', from).execute();
  await db.updateTable('room_presence').set({ participant_id: to }).where('participant_id', '=', from).execute();
  await db.deleteFrom('room_participants').where('id', '=', from).execute();
}
