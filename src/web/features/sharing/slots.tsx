import { useState } from 'react';
import type { MediaDto } from '../../../contracts/api.js';
import { Button } from '../../ui/Button.js';
import { UserPlusIcon } from '../../ui/icons.js';
import { InviteDialog } from './InviteDialog.js';
import { MediaActivity } from './MediaActivity.js';
import { PeopleWithAccess } from './PeopleWithAccess.js';

/*
 * SHARING SLOTS — where the invite feature plugs into the media page. Both render only for people who may
 * manage the media (owner, admins).
 *   - <InviteButtonSlot>: "Invite people" in the page's action bar (opens the invite dialog);
 *   - <PeopleWithAccessSlot>: the full-width "People with access" panel and the media's activity (audit log).
 */

export function InviteButtonSlot({ media }: { media: MediaDto }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button size="sm" variant="primary" icon={<UserPlusIcon size={16} />} onClick={() => setOpen(true)}>
        Invite people
      </Button>
      <InviteDialog media={media} open={open} onClose={() => setOpen(false)} />
    </>
  );
}

export function PeopleWithAccessSlot({ media }: { media: MediaDto }) {
  return (
    <div className="media-sharing">
      <PeopleWithAccess media={media} />
      <MediaActivity media={media} />
    </div>
  );
}
