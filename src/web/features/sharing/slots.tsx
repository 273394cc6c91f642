import type { MediaDto } from '../../../contracts/api.js';
import { LockIcon } from '../../ui/icons.js';

/*
 * SHARING SLOTS — where the invite feature plugs into the media page.
 *
 * The media page renders these two components and nothing else about sharing. The invites
 * issue replaces their bodies:
 *   - <InviteButtonSlot>: the "Invite people" button in the page's action bar (opens the invite dialog);
 *   - <PeopleWithAccessSlot>: the "People with access" panel in the sidebar (status, resend, revoke…).
 * Both receive the media; both render only for people who may manage it.
 */

export function InviteButtonSlot(_props: { media: MediaDto }) {
  return null;
}

export function PeopleWithAccessSlot({ media }: { media: MediaDto }) {
  return (
    <section className="panel" aria-labelledby={`access-${media.id}`} data-slot="people-with-access">
      <h2 id={`access-${media.id}`} className="panel-title">
        People with access
      </h2>
      <div className="access-private">
        <span className="access-private-icon">
          <LockIcon size={18} />
        </span>
        <div>
          <p className="access-private-title">Private</p>
          <p className="muted small">Only its owner, {media.owner.name}, and site admins can open it.</p>
        </div>
      </div>
    </section>
  );
}
