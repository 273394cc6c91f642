import { Link, NavLink, useLocation } from 'react-router';
import { Brand } from '../../ui/Brand.js';
import { UserIcon } from '../../ui/icons.js';
import { useMediaItem } from '../media/useMedia.js';
import { currentGuestMedia, type Guest } from './guest-scope.js';

const roleLabel: Record<string, string> = { viewer: 'Viewer', speaker: 'Speaker', moderator: 'Moderator' };

/**
 * The reduced header an invite guest sees: no library, no navigation beyond the media the invites are
 * for. With more than one, "Shared with you" lists them, each in its own role.
 */
export function GuestHeader({ guest }: { guest: Guest }) {
  const { pathname } = useLocation();
  const current = currentGuestMedia(guest, pathname);
  // Same query as the media page, so it costs nothing extra there.
  const media = useMediaItem(current.mediaId);
  const owner = media.data?.media.owner.name;
  const several = guest.media.length > 1;
  return (
    <>
      <header className="app-header">
        <div className="app-header-inner">
          <Link to={current.url} className="brand-link" aria-label={`Foyer, go to “${current.title}”`}>
            <Brand />
          </Link>
          <Link to={current.url} className="guest-title" title={current.title}>
            {current.title}
          </Link>
          <div className="app-header-end">
            <span className="badge badge-brand guest-badge">
              <UserIcon size={14} /> Guest · {roleLabel[current.role] ?? current.role}
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
          <span className="guest-bar-scope">
            {several ? `Your invites give you access to these ${guest.media.length} items only.` : 'Your invite gives you access to this media only.'}
          </span>
        </p>
        {several && (
          <nav className="guest-shared" aria-label="Shared with you">
            <span className="guest-shared-label">Shared with you</span>
            <ul className="guest-shared-list">
              {guest.media.map((m) => (
                <li key={m.mediaId}>
                  <NavLink to={m.url} className={() => `guest-shared-link ${m.mediaId === current.mediaId ? 'active' : ''}`} aria-current={m.mediaId === current.mediaId ? 'page' : undefined}>
                    {m.title}
                    <span className="guest-shared-role"> · {roleLabel[m.role] ?? m.role}</span>
                  </NavLink>
                </li>
              ))}
            </ul>
          </nav>
        )}
      </div>
    </>
  );
}
