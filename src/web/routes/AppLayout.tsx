import { Link, NavLink, Outlet, useLocation } from 'react-router';
import { AccessRefusedPage } from '../features/access/AccessRefusedPage.js';
import { GuestHeader } from '../features/access/GuestHeader.js';
import { useAccessRefusal } from '../features/access/refusal-store.js';
import { ResendVerificationButton } from '../features/auth/ResendVerificationButton.js';
import { UserMenu } from '../features/session/UserMenu.js';
import { useSession } from '../features/session/useSession.js';
import { Brand } from '../ui/Brand.js';
import { ButtonLink } from '../ui/Button.js';
import { EmailAddress } from '../ui/EmailAddress.js';
import { ActivityIcon, InboxIcon, LibraryIcon, MailIcon, SettingsIcon } from '../ui/icons.js';

/**
 * The app shell: header with brand, navigation and account menu; the page below.
 * Invite guests get a reduced shell (their media only: "Shared with you", no library). A refused request anywhere on the
 * page (out of scope, invite revoked, media deleted) replaces the page with its message.
 */
export function AppLayout() {
  const session = useSession();
  const user = session.data?.user ?? null;
  const guest = user ? null : (session.data?.guest ?? null);
  const location = useLocation();
  const refusal = useAccessRefusal(location.key);
  const { pathname } = location;
  // A media page is part of the library.
  const libraryActive = pathname === '/' || pathname.startsWith('/media/') || pathname.startsWith('/events/');

  const page = refusal ? (
    <AccessRefusedPage
      code={refusal.code}
      mediaTitle={refusal.mediaTitle ?? (refusal.code === 'out_of_scope' ? guest?.media[0]?.title : undefined)}
      backTo={refusal.url ?? guest?.media[0]?.url}
      isUser={Boolean(user)}
      shared={guest?.media}
    />
  ) : (
    <Outlet />
  );

  return (
    <div className="app-shell">
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      {guest ? (
        <GuestHeader guest={guest} />
      ) : (
        <header className="app-header">
          <div className="app-header-inner">
            <Link to="/" className="brand-link" aria-label="Foyer, go to library">
              <Brand />
            </Link>
            {user && (
              <nav className="app-nav" aria-label="Main">
                <NavLink to="/" end className={() => `app-nav-link ${libraryActive ? 'active' : ''}`}>
                  <LibraryIcon size={18} className="app-nav-icon" />
                  Library
                </NavLink>
                {user.isAdmin && (
                  <>
                    <NavLink to="/admin/settings" className="app-nav-link app-nav-admin">
                      <SettingsIcon size={18} className="app-nav-icon" />
                      Settings
                    </NavLink>
                    <NavLink to="/admin/audit" className="app-nav-link app-nav-admin">
                      <ActivityIcon size={18} className="app-nav-icon" />
                      Audit log
                    </NavLink>
                    <NavLink to="/admin/outbox" className="app-nav-link app-nav-admin">
                      <InboxIcon size={18} className="app-nav-icon" />
                      Outbox
                    </NavLink>
                  </>
                )}
              </nav>
            )}
            <div className="app-header-end">
              {user ? (
                <UserMenu user={user} />
              ) : (
                !session.isPending && (
                  <>
                    <ButtonLink to="/login" variant="ghost" size="sm">
                      Log in
                    </ButtonLink>
                    <ButtonLink to="/signup" variant="primary" size="sm">
                      Sign up
                    </ButtonLink>
                  </>
                )
              )}
            </div>
          </div>
        </header>
      )}
      {user && !user.emailVerified && (
        <div className="verify-banner" role="region" aria-label="Email confirmation">
          <div className="verify-banner-inner">
            <div className="verify-banner-message">
              <MailIcon size={20} className="verify-banner-icon" />
              <p className="verify-banner-text">
                <strong>Confirm your email.</strong> We sent a link to <EmailAddress value={user.email} />. Open it to finish setting up your account.
              </p>
            </div>
            <ResendVerificationButton size="sm" />
          </div>
        </div>
      )}
      <main id="main" className="app-main" tabIndex={-1}>
        {page}
      </main>
    </div>
  );
}
