import { useQuery } from '@tanstack/react-query';
import { endpoints, queryKeys } from '../../api/endpoints.js';

/** "Sign in with <provider>", one per SSO provider the admin configured; nothing without any. */
export function SsoButtons({ returnTo }: { returnTo?: string }) {
  const buttons = useQuery({ queryKey: queryKeys.ssoButtons(returnTo ?? '/'), queryFn: () => endpoints.ssoButtons(returnTo) });
  const providers = buttons.data?.providers ?? [];
  if (!providers.length) return null;
  return (
    <div className="sso-buttons" role="group" aria-label="Sign in with your organisation">
      {providers.map((p) => (
        // a plain link: the browser goes to Foyer, which sends it on to the provider
        <a key={p.id} className="btn btn-secondary btn-block" href={p.startUrl}>
          Sign in with {p.name}
        </a>
      ))}
      <p className="sso-or muted small">or with your Foyer password</p>
    </div>
  );
}
