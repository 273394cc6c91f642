/**
 * What the media page shows only to people who manage the media (owner, admins): one chunk, loaded
 * when such a page renders, never for an invite guest (routes/MediaPage.tsx).
 */
export { DeleteMediaDialog } from './DeleteMediaDialog.js';
export { EditMediaForm } from './EditMediaForm.js';
export { OwnerTools } from './OwnerTools.js';
export { QuizEditor } from '../quiz/QuizEditor.js';
export { QuizResults } from '../quiz/QuizResults.js';
export { InviteButtonSlot, PeopleWithAccessSlot } from '../sharing/slots.js';
