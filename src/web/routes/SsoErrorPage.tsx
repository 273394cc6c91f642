import { Link, useSearchParams } from 'react-router';
import type { SsoErrorReason } from '../../contracts/sso.js';
import { AuthCard } from '../features/auth/AuthCard.js';
import { Alert } from '../ui/Alert.js';

const titles: Record<SsoErrorReason, string> = {
  unavailable: 'The sign-in provider is not available',
  refused: 'This sign-in could not be completed',
  unverified_email: 'Your email is not confirmed by your provider',
  no_account: 'No Foyer account for you',
  domain_not_allowed: 'No Foyer account for this address',
  unknown_provider: 'Unknown sign-in provider',
};

const nextSteps: Record<SsoErrorReason, string> = {
  unavailable: 'Try again in a few minutes, or log in with your Foyer email and password. The site admin has been shown a warning.',
  refused: 'Start again from the sign-in page. If it keeps happening, close other sign-in tabs and try once more.',
  unverified_email: 'Log in with your Foyer password instead, or ask your provider’s admin to confirm your email address. Foyer never joins an account on an unconfirmed email.',
  no_account: 'Ask the site admin to create an account for you, or log in with your Foyer password.',
  domain_not_allowed: 'Use an account of your organisation’s domain, or ask the site admin.',
  unknown_provider: 'The sign-in button may be out of date. Go back to the sign-in page.',
};

/** Where a failed SSO sign-in lands: what happened, in words, and what to do next. */
export function SsoErrorPage() {
  const [params] = useSearchParams();
  const raw = params.get('reason') ?? 'refused';
  const reason: SsoErrorReason = raw in titles ? (raw as SsoErrorReason) : 'refused';
  const message = params.get('message');
  return (
    <AuthCard title={titles[reason]} footer={<Link to="/login">Back to the sign-in page</Link>}>
      <div className="form-stack" data-sso-error={reason}>
        {message && <Alert tone={reason === 'unavailable' ? 'warning' : 'error'}>{message}</Alert>}
        <p>{nextSteps[reason]}</p>
      </div>
    </AuthCard>
  );
}
