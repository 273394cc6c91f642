import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import type { UserDto } from '../../../contracts/api.js';
import { endpoints } from '../../api/endpoints.js';
import { EmailAddress } from '../../ui/EmailAddress.js';
import { initials } from '../../ui/format.js';
import { ActivityIcon, ChevronDownIcon, InboxIcon, LockIcon, LogOutIcon, SettingsIcon } from '../../ui/icons.js';

/** Avatar button opening a small panel: who you are, admin links, log out. */
export function UserMenu({ user }: { user: UserDto }) {
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const location = useLocation();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const logOut = useMutation({
    mutationFn: endpoints.logOut,
    onSuccess: async (res) => {
      qc.clear();
      // after an SSO sign-in: end the provider's session too, where it offers that
      if (res.redirect) window.location.assign(res.redirect);
      else await navigate('/login');
    },
  });

  useEffect(() => setOpen(false), [location.pathname]);
  useEffect(() => {
    if (!open) return;
    const onDown = (e: PointerEvent) => {
      if (!root.current?.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        setOpen(false);
        button.current?.focus();
      }
    };
    document.addEventListener('pointerdown', onDown);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('pointerdown', onDown);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  return (
    <div className="user-menu" ref={root}>
      <button
        ref={button}
        type="button"
        className="user-menu-button"
        aria-expanded={open}
        aria-controls={panelId}
        aria-label={`Account menu for ${user.name}`}
        onClick={() => setOpen((o) => !o)}
      >
        <span className="avatar" aria-hidden="true">
          {initials(user.name)}
        </span>
        <span className="user-menu-name">{user.name}</span>
        <ChevronDownIcon size={16} className="user-menu-chevron" />
      </button>
      {open && (
        <div className="user-menu-panel" id={panelId}>
          <div className="user-menu-who">
            <p className="user-menu-who-name">{user.name}</p>
            <p className="user-menu-who-email">
              <EmailAddress value={user.email} />
            </p>
            {user.isAdmin && <span className="badge badge-brand">Site admin</span>}
          </div>
          <ul className="user-menu-list">
            {user.isAdmin && (
              <>
                <li>
                  <Link to="/admin/settings" className="user-menu-item">
                    <SettingsIcon size={18} /> Site settings
                  </Link>
                </li>
                <li>
                  <Link to="/admin/audit" className="user-menu-item">
                    <ActivityIcon size={18} /> Audit log
                  </Link>
                </li>
                <li>
                  <Link to="/admin/outbox" className="user-menu-item">
                    <InboxIcon size={18} /> Email outbox
                  </Link>
                </li>
              </>
            )}
            <li>
              <Link to="/account/tokens" className="user-menu-item">
                <LockIcon size={18} /> API tokens
              </Link>
            </li>
            <li>
              <button type="button" className="user-menu-item" onClick={() => logOut.mutate()} disabled={logOut.isPending}>
                <LogOutIcon size={18} /> {logOut.isPending ? 'Logging out…' : 'Log out'}
              </button>
            </li>
          </ul>
        </div>
      )}
    </div>
  );
}
