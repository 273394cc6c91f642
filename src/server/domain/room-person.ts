/**
 * Who a participant of a live room is: the person, not the browser session. A guest's session
 * rotates on every lobby pass and a person may come in from several devices or accounts; mutes,
 * own messages, likes, votes and the participants list follow this key instead (one row in
 * `room_participants` per room and key).
 *
 * - whoever manages the media (its owner, a site admin) is their account: `u:<user id>`;
 * - whoever is in through an invite is the invited address on this media: `e:<canonical email>`,
 *   whether they came as a guest or logged in (the invited address is the person the owner invited,
 *   so logging out, using another account or another device does not make a new participant);
 * - any other account (access through a rule other than invites) is its account.
 */
export type RoomPersonKey = `u:${string}` | `e:${string}`;

export interface RoomPersonFacts {
  /** The visitor's account, if logged in. */
  userId?: string;
  /** The visitor manages the media (owner or site admin): their account is who they are. */
  manages: boolean;
  /** The invited address (canonical) of the invite grant that lets the visitor in, if any. */
  invitedEmail?: string;
}

/** The person key, or undefined when there is nobody to name (no account and no invite). */
export function roomPersonKey(who: RoomPersonFacts): RoomPersonKey | undefined {
  if (who.manages && who.userId) return `u:${who.userId}`;
  if (who.invitedEmail) return `e:${who.invitedEmail}`;
  if (who.userId) return `u:${who.userId}`;
  return undefined;
}
