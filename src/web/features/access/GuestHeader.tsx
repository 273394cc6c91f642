import { Link } from 'react-router';
import type { SessionInfo } from '../../../contracts/api.js';
import { Brand } from '../../ui/Brand.js';
import { UserIcon } from '../../ui/icons.js';
import { useMediaItem } from '../media/useMedia.js';

type Guest = NonNullable<SessionInfo['guest']>;

const roleLabel: Record<string, string> = { viewer: 'Viewer', speaker: 'Speaker', moderator: 'Moderator' };

/** The reduced header an invite guest sees: no library, no navigation; only the media the invite is for. */
export function GuestHeader({ guest }: { guest: Guest }) {
  // Same query as the media page, so it costs nothing extra there.
  const media = useMediaItem(guest.mediaId);
  const owner = media.data?.media.owner.name;
  const home = media.data?.media.type === 'live' ? `/events/${guest.mediaId}` : `/media/${guest.mediaId}`;
  return (
    <>
      <header className="app-header">
        <div className="app-header-inner">
          <Link to={home} className="brand-link" aria-label={`Foyer, go to “${guest.mediaTitle}”`}>
            <Brand />
          </Link>
          <Link to={home} className="guest-title" title={guest.mediaTitle}>
            {guest.mediaTitle}
          </Link>
          <div className="app-header-end">
            <span className="badge badge-brand guest-badge">
              <UserIcon size={14} /> Guest · {roleLabel[guest.role] ?? guest.role}
            </span>
          </div>
        </div>
      </header>
      <div className="guest-bar" role="region" aria-label="Guest access">
        <p className="guest-bar-inner">
          {owner ? (
            <>
              You’re viewing as a guest invited by <strong>{owner}</strong>.
            </>
          ) : (
            'You’re viewing as a guest.'
          )}{' '}
          <span className="guest-bar-scope">Your invite gives you access to this media only.</span>
        </p>
      </div>
    </>
  );
}
