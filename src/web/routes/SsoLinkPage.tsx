import { useMutation, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { isApiError } from '../api/client.js';
import { endpoints } from '../api/endpoints.js';
import { AuthCard } from '../features/auth/AuthCard.js';
import { Alert } from '../ui/Alert.js';
import { Button } from '../ui/Button.js';
import { TextField } from '../ui/Field.js';
import { LoadingBlock } from '../ui/Spinner.js';

/**
 * "Link your account": the provider confirmed an email that already has a Foyer account. The person
 * proves that account with its password before the provider's sign-in joins it.
 */
export function SsoLinkPage() {
  const [params] = useSearchParams();
  const link = params.get('link') ?? '';
  const info = useQuery({ queryKey: ['sso-link', link], queryFn: () => endpoints.ssoLinkInfo(link), retry: false });
  const [password, setPassword] = useState('');
  const save = useMutation({
    mutationFn: endpoints.ssoLink,
    // a full load: the session changed under every query
    onSuccess: (res) => window.location.assign(res.returnTo),
  });
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (password) save.mutate({ link, password });
  };
  if (info.isPending) return <LoadingBlock label="Loading…" />;
  if (info.isError) {
    return (
      <AuthCard title="This step has expired" footer={<Link to="/login">Back to the sign-in page</Link>}>
        <p>{isApiError(info.error) ? info.error.message : 'Start again from the sign-in page.'}</p>
      </AuthCard>
    );
  }
  const err = save.error && isApiError(save.error) ? save.error : null;
  return (
    <AuthCard title="Link your account" subtitle={<>{info.data.providerName} signed you in as <strong>{info.data.email}</strong>.</>}>
      <form className="form-stack" onSubmit={onSubmit} noValidate aria-label="Link your account">
        <p>
          There is already a Foyer account with this email. Enter its password once to join your {info.data.providerName} sign-in to it; after that,
          signing in with {info.data.providerName} is enough.
        </p>
        {err && <Alert tone="error">{err.message}</Alert>}
        <TextField label="Foyer password" name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required autoFocus />
        <Button type="submit" variant="primary" className="btn-block" busy={save.isPending}>
          Link and continue
        </Button>
      </form>
    </AuthCard>
  );
}
