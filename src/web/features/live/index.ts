/**
 * Live events in the web app. Mount `<LiveEventPage eventId>` at the event's address (/events/:id):
 * it shows the event page, opens the room by itself at the start, and leads to the recording after
 * the end. Import `live.css` once in the app's styles.
 */
export { LiveEventPage } from './LiveEventPage.js';
export { LiveRoom } from './LiveRoom.js';
export { useRoom } from './useRoom.js';
