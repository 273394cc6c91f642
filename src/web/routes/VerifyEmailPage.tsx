import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import type { UserDto } from '../../contracts/api.js';
import { isApiError } from '../api/client.js';
import { endpoints } from '../api/endpoints.js';
import { AuthCard } from '../features/auth/AuthCard.js';
import { ResendVerificationButton } from '../features/auth/ResendVerificationButton.js';
import { useSession, useSetSessionUser } from '../features/session/useSession.js';
import { Alert } from '../ui/Alert.js';
import { ButtonLink } from '../ui/Button.js';
import { LoadingBlock } from '../ui/Spinner.js';

// A token can be used once; remember each attempt so a re-render (or StrictMode's double effect) reuses it.
const attempts = new Map<string, Promise<{ user: UserDto }>>();
const verifyOnce = (token: string) => {
  let p = attempts.get(token);
  if (!p) {
    p = endpoints.verifyEmail(token);
    attempts.set(token, p);
  }
  return p;
};

type State = { kind: 'pending' } | { kind: 'verified'; user: UserDto } | { kind: 'failed'; message: string; invalid: boolean };

export function VerifyEmailPage() {
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const session = useSession();
  const setUser = useSetSessionUser();
  const [state, setState] = useState<State>(token ? { kind: 'pending' } : { kind: 'failed', message: 'This address has no confirmation token.', invalid: true });

  useEffect(() => {
    if (!token) return;
    let live = true;
    verifyOnce(token).then(
      ({ user }) => {
        if (!live) return;
        setState({ kind: 'verified', user });
        // Only refresh the cached account when it is the one that got verified.
        if (session.data?.user?.id === user.id) setUser(user);
      },
      (err) => {
        if (!live) return;
        const invalid = isApiError(err) && err.code === 'verification_invalid';
        setState({ kind: 'failed', invalid, message: isApiError(err) ? err.message : 'Something went wrong.' });
      },
    );
    return () => {
      live = false;
    };
  }, [token, session.data?.user?.id, setUser]);

  if (state.kind === 'pending') {
    return (
      <AuthCard title="Confirming your email">
        <LoadingBlock label="Checking your link…" />
      </AuthCard>
    );
  }
  if (state.kind === 'verified') {
    const loggedIn = Boolean(session.data?.user);
    return (
      <AuthCard title="Email confirmed">
        <Alert tone="success" title="Thanks, your email address is confirmed.">
          {state.user.email} is now verified. Invites sent to this address open straight away when you are logged in.
        </Alert>
        <div className="auth-actions">
          {loggedIn ? (
            <ButtonLink to="/" variant="primary" className="btn-block">
              Go to your library
            </ButtonLink>
          ) : (
            <ButtonLink to="/login" variant="primary" className="btn-block">
              Log in
            </ButtonLink>
          )}
        </div>
      </AuthCard>
    );
  }
  const canResend = Boolean(session.data?.user && !session.data.user.emailVerified);
  return (
    <AuthCard title={state.invalid ? 'This link does not work' : 'Could not confirm your email'}>
      <Alert tone="error">{state.message}</Alert>
      <p className="muted auth-note">
        {canResend ? 'Links work once and expire after 48 hours. Send yourself a fresh one:' : 'Links work once and expire after 48 hours. Log in to send yourself a new one.'}
      </p>
      <div className="auth-actions">
        {canResend ? (
          <ResendVerificationButton variant="primary" className="btn-block" />
        ) : (
          <ButtonLink to={session.data?.user ? '/' : '/login'} variant="primary" className="btn-block">
            {session.data?.user ? 'Go to your library' : 'Log in'}
          </ButtonLink>
        )}
        <Link to="/" className="auth-secondary-link">
          Back to Foyer
        </Link>
      </div>
    </AuthCard>
  );
}
