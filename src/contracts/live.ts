import { z } from 'zod';

/**
 * Live events and live rooms: REST shapes and every room message, client→server and server→client.
 * Shared by the server (validation at the edge) and the browser.
 */

export const roomRoles = ['viewer', 'speaker', 'moderator', 'owner'] as const;
export type RoomRole = (typeof roomRoles)[number];

export const roomActions = [
  // watch the stream, see the attendee count (being in the room at all)
  'room.join',
  // chat; like own/others' messages; delete own
  'chat.send',
  'chat.like',
  'chat.delete_own',
  // ask a question (≤ 500 chars, optionally anonymous), upvote
  'question.ask',
  'question.upvote',
  // answer polls and other interactions
  'poll.vote',
  // backchannel (private moderator/speaker chat); also the staff view: pending questions, live poll results
  'backchannel.read',
  'backchannel.send',
  // answer questions in text, mark answered live
  'question.answer',
  'question.mark_answered_live',
  // Q&A moderation
  'question.approve',
  'question.dismiss',
  'question.pin',
  'question.reopen',
  // chat moderation
  'chat.delete_any',
  'person.mute',
  // polls and announcements
  'poll.launch',
  'poll.close',
  'poll.show_results',
  'announcement.send',
  // participants
  'participants.list',
  'participants.invite',
] as const;
export type RoomAction = (typeof roomActions)[number];

export const roomPanels = ['chat', 'qa', 'polls', 'backchannel', 'participants'] as const;
export type RoomPanel = (typeof roomPanels)[number];
