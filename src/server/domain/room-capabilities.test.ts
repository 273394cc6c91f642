import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  can,
  capabilitiesFor,
  panelsFor,
  roomActions,
  roomCapabilities,
  roomRoles,
  seesStaffStream,
  toRoomRole,
  type RoomAction,
  type RoomRole,
  isMutedAs,
} from './room-capabilities.js';

/**
 * PRODUCT.md's matrix, transcribed row by row (✓ columns: viewer, speaker, moderator, owner).
 * Kept apart from the table under test so a slip in one shows up against the other.
 */
const productMatrix: Array<{ row: string; actions: RoomAction[]; allowed: [boolean, boolean, boolean, boolean] }> = [
  { row: 'watch the stream, see attendee count', actions: ['room.join'], allowed: [true, true, true, true] },
  { row: 'broadcast (webcast from the browser: camera, microphone, screen)', actions: ['stream.broadcast'], allowed: [false, true, false, true] },
  { row: "chat; like own/others' messages; delete own", actions: ['chat.send', 'chat.like', 'chat.delete_own'], allowed: [true, true, true, true] },
  { row: 'ask a question, upvote', actions: ['question.ask', 'question.upvote'], allowed: [true, true, true, true] },
  { row: 'answer polls and other interactions', actions: ['poll.vote'], allowed: [true, true, true, true] },
  { row: 'backchannel', actions: ['backchannel.read', 'backchannel.send'], allowed: [false, true, true, true] },
  { row: 'answer questions in text, mark answered live', actions: ['question.answer', 'question.mark_answered_live'], allowed: [false, true, true, true] },
  { row: 'Q&A moderation', actions: ['question.approve', 'question.dismiss', 'question.pin', 'question.reopen'], allowed: [false, false, true, true] },
  { row: 'chat moderation', actions: ['chat.delete_any', 'person.mute'], allowed: [false, false, true, true] },
  { row: 'polls; announcements', actions: ['poll.launch', 'poll.close', 'poll.show_results', 'announcement.send'], allowed: [false, false, true, true] },
  { row: 'participants list; invite from the room', actions: ['participants.list', 'participants.invite'], allowed: [false, false, true, true] },
];

const cases = productMatrix.flatMap(({ row, actions, allowed }) =>
  actions.flatMap((action) => roomRoles.map((role, i) => ({ row, action, role, expected: allowed[i] }))),
);

describe('room capability table', () => {
  it('covers exactly the actions of the product matrix', () => {
    const fromMatrix = productMatrix.flatMap((r) => r.actions).sort();
    expect(fromMatrix).toEqual([...roomActions].sort());
    expect(Object.keys(roomCapabilities).sort()).toEqual([...roomActions].sort());
  });

  it.each(cases)('$role → $action is $expected ($row)', ({ role, action, expected }) => {
    expect(can(role, action)).toBe(expected);
  });

  it('treats a site admin exactly like the owner', () => {
    for (const action of roomActions) expect(can('admin', action)).toBe(can('owner', action));
    expect(toRoomRole('admin')).toBe('owner');
  });

  it('grants nothing to an unknown, empty or missing role', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.constant(null), fc.constant(undefined)).filter((r) => !(roomRoles as readonly (string | null | undefined)[]).includes(r) && r !== 'admin'),
        fc.constantFrom(...roomActions),
        (role, action) => !can(role, action) && toRoomRole(role) === undefined,
      ),
    );
  });

  it('is monotonic: viewer ⊆ speaker ⊆ moderator ⊆ owner — except broadcasting, which moderators do not (PRODUCT.md)', () => {
    const order: RoomRole[] = ['viewer', 'speaker', 'moderator', 'owner'];
    expect(can('speaker', 'stream.broadcast') && !can('moderator', 'stream.broadcast')).toBe(true);
    fc.assert(
      fc.property(fc.constantFrom(...roomActions.filter((a) => a !== 'stream.broadcast')), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }), (action, a, b) => {
        const [lo, hi] = a <= b ? [order[a], order[b]] : [order[b], order[a]];
        return !can(lo, action) || can(hi, action);
      }),
    );
  });

  it('derives panels from the same table', () => {
    expect(panelsFor('viewer')).toEqual(['chat', 'qa', 'polls']);
    expect(panelsFor('speaker')).toEqual(['chat', 'qa', 'polls', 'backchannel']);
    expect(panelsFor('moderator')).toEqual(['chat', 'qa', 'polls', 'backchannel', 'participants']);
    expect(panelsFor('owner')).toEqual(panelsFor('moderator'));
    expect(panelsFor('nobody')).toEqual([]);
    expect(seesStaffStream('viewer')).toBe(false);
    expect(seesStaffStream('speaker')).toBe(true);
  });

  it('lists each role’s capabilities as the table says', () => {
    fc.assert(
      fc.property(fc.constantFrom(...roomRoles), (role) => {
        const listed = new Set(capabilitiesFor(role));
        return roomActions.every((a) => listed.has(a) === can(role, a));
      }),
    );
  });

  it('holds a stored mute for viewers and speakers only', () => {
    expect(isMutedAs('viewer', 5)).toBe(true);
    expect(isMutedAs('speaker', 5)).toBe(true);
    expect(isMutedAs('moderator', 5)).toBe(false);
    expect(isMutedAs('owner', 5)).toBe(false);
    expect(isMutedAs('viewer', null)).toBe(false);
  });
});
