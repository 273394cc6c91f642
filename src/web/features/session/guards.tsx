import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { AccessRefusedPage } from '../access/AccessRefusedPage.js';
import { EmptyState } from '../../ui/EmptyState.js';
import { ErrorState } from '../../ui/ErrorState.js';
import { LockIcon } from '../../ui/icons.js';
import { LoadingBlock } from '../../ui/Spinner.js';
import { useSession } from './useSession.js';

/**
 * Renders its children for a logged-in account. An invite guest hears that the invites cover their media only;
 * everyone else goes to the login page and comes back after.
 */
export function RequireUser({ children }: { children: ReactNode }) {
  const session = useSession();
  const location = useLocation();
  if (session.isPending) return <LoadingBlock />;
  if (session.isError) return <ErrorState error={session.error} onRetry={() => void session.refetch()} />;
  const guest = session.data.guest;
  if (!session.data.user && guest) {
    return <AccessRefusedPage code="out_of_scope" mediaTitle={guest.media[0]!.title} backTo={guest.media[0]!.url} shared={guest.media} />;
  }
  if (!session.data.user) {
    const next = location.pathname + location.search;
    return <Navigate to={next === '/' ? '/login' : `/login?next=${encodeURIComponent(next)}`} replace />;
  }
  return <>{children}</>;
}

export function RequireAdmin({ children }: { children: ReactNode }) {
  const session = useSession();
  return (
    <RequireUser>
      {session.data?.user?.isAdmin ? (
        children
      ) : (
        <EmptyState icon={<LockIcon size={28} />} title="Admins only">
          This page is for site admins. Ask an admin if you need something from it.
        </EmptyState>
      )}
    </RequireUser>
  );
}

/** Keeps logged-in people away from the login and sign-up forms (also where a successful login lands). */
export function RedirectIfUser({ to = '/', children }: { to?: string; children: ReactNode }) {
  const session = useSession();
  if (session.isPending) return <LoadingBlock />;
  if (session.data?.user) return <Navigate to={to} replace />;
  return <>{children}</>;
}
