import { useQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { endpoints, queryKeys } from '../api/endpoints.js';
import type { SsoErrorReason } from '../../contracts/sso.js';
import { AuthCard } from '../features/auth/AuthCard.js';
import { Alert } from '../ui/Alert.js';

const titles: Record<SsoErrorReason, (provider: string) => string> = {
  unavailable: (p) => `${p} is not available`,
  refused: () => 'This sign-in could not be completed',
  unverified_email: (p) => `${p} did not confirm your email`,
  no_account: () => 'No Foyer account for you',
  domain_not_allowed: () => 'No Foyer account for this address',
  unknown_provider: () => 'Unknown sign-in provider',
};

const explanations: Record<SsoErrorReason, (provider: string) => string> = {
  unavailable: (p) => `${p} could not be reached or is not set up correctly.`,
  refused: (p) => `The answer from ${p} did not pass Foyer’s checks, was already used, or was started in another browser.`,
  unverified_email: (p) => `There is a Foyer account with your email address, but ${p} did not confirm that the address is yours, so your sign-in cannot be joined to that account.`,
  no_account: (p) => `There is no Foyer account for you, and ${p} sign-ins do not create one.`,
  domain_not_allowed: (p) => `${p} creates Foyer accounts only for its own email domains, and yours is not one of them.`,
  unknown_provider: () => 'This site has no such sign-in provider.',
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
  const id = params.get('provider') ?? '';
  const buttons = useQuery({ queryKey: queryKeys.ssoButtons('/'), queryFn: () => endpoints.ssoButtons() });
  const provider = buttons.data?.providers.find((p) => p.id === id)?.name ?? 'Your sign-in provider';
  return (
    <AuthCard title={titles[reason](provider)} footer={<Link to="/login">Back to the sign-in page</Link>}>
      <div className="form-stack" data-sso-error={reason}>
        <Alert tone={reason === 'unavailable' ? 'warning' : 'error'}>{explanations[reason](provider)}</Alert>
        <p>{nextSteps[reason]}</p>
      </div>
    </AuthCard>
  );
}
