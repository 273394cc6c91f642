/**
 * Who may do what in a live room: the one table the gateway consults on every action,
 * with the role the person holds at that moment (PRODUCT.md, "Live rooms").
 */

import { roomActions, roomPanels, roomRoles, type RoomAction, type RoomPanel, type RoomRole } from '../../contracts/live.js';

export { roomActions, roomPanels, roomRoles, type RoomAction, type RoomPanel, type RoomRole };

const everyone = ['viewer', 'speaker', 'moderator', 'owner'] as const;
const staff = ['speaker', 'moderator', 'owner'] as const;
const moderators = ['moderator', 'owner'] as const;

/** The capability table. `satisfies` makes a missing action a compile error. */
export const roomCapabilities = {
  'room.join': everyone,
  'stream.broadcast': ['speaker', 'owner'],
  'chat.send': everyone,
  'chat.like': everyone,
  'chat.delete_own': everyone,
  'question.ask': everyone,
  'question.upvote': everyone,
  'poll.vote': everyone,
  'backchannel.read': staff,
  'backchannel.send': staff,
  'question.answer': staff,
  'question.mark_answered_live': staff,
  'question.approve': moderators,
  'question.dismiss': moderators,
  'question.pin': moderators,
  'question.reopen': moderators,
  'chat.delete_any': moderators,
  'person.mute': moderators,
  'poll.launch': moderators,
  'poll.close': moderators,
  'poll.show_results': moderators,
  'announcement.send': moderators,
  'participants.list': moderators,
  'participants.invite': moderators,
} as const satisfies Record<RoomAction, readonly RoomRole[]>;

/**
 * The room role for a role from AccessService.view: a site admin acts as the owner;
 * anything else unknown (a plain media 'viewer' of another type included) maps as named, or to nothing.
 */
export function toRoomRole(role: string | null | undefined): RoomRole | undefined {
  if (role === 'admin') return 'owner';
  return (roomRoles as readonly string[]).includes(role ?? '') ? (role as RoomRole) : undefined;
}

export function can(role: RoomRole | string | null | undefined, action: RoomAction): boolean {
  const r = toRoomRole(role);
  if (!r) return false;
  return (roomCapabilities[action] as readonly RoomRole[]).includes(r);
}

/** A panel shows when the role may use the action that opens it. */
const panelAction: Record<RoomPanel, RoomAction> = {
  chat: 'chat.send',
  qa: 'question.ask',
  polls: 'poll.vote',
  backchannel: 'backchannel.read',
  participants: 'participants.list',
};

export const panelsFor = (role: RoomRole | string | null | undefined): RoomPanel[] => roomPanels.filter((p) => can(role, panelAction[p]));

export const capabilitiesFor = (role: RoomRole | string | null | undefined): RoomAction[] => roomActions.filter((a) => can(role, a));

/** Whether a role sees the staff stream (backchannel, pending questions, live poll results). */
export const seesStaffStream = (role: RoomRole | string | null | undefined): boolean => can(role, 'backchannel.read');

/**
 * Whether a stored mute holds for someone in this role. Moderators and owners cannot be muted; a
 * person muted as a viewer or speaker and later made a moderator is not held by it (it holds again
 * should the role go back down: the mute stays with the person).
 */
export const isMutedAs = (role: RoomRole | string | null | undefined, mutedAt: number | null | undefined): boolean =>
  mutedAt !== null && mutedAt !== undefined && !can(role, 'person.mute');
