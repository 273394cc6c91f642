import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { logInBody } from '../../contracts/api.js';
import { isApiError, isFieldValidation } from '../api/client.js';
import { endpoints } from '../api/endpoints.js';
import { AuthCard } from '../features/auth/AuthCard.js';
import { fieldErrorsOf, safeNext } from '../features/auth/validation.js';
import { RedirectIfUser } from '../features/session/guards.js';
import { SsoButtons } from '../features/sso/SsoButtons.js';
import { useSetSessionUser } from '../features/session/useSession.js';
import { Alert } from '../ui/Alert.js';
import { Button } from '../ui/Button.js';
import { TextField } from '../ui/Field.js';

export function LoginPage() {
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const setUser = useSetSessionUser();
  const [values, setValues] = useState({ email: '', password: '' });
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const logIn = useMutation({
    mutationFn: endpoints.logIn,
    onSuccess: ({ user }) => setUser(user),
    onError: (err) => setFieldErrors(isApiError(err) ? err.fieldErrors : {}),
  });

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const errors = fieldErrorsOf(logInBody, values);
    setFieldErrors(errors);
    if (Object.keys(errors).length === 0) logIn.mutate(values);
  };
  const set = (key: keyof typeof values) => (e: { target: { value: string } }) => setValues((v) => ({ ...v, [key]: e.target.value }));
  const err = logIn.error && isApiError(logIn.error) && !isFieldValidation(logIn.error) ? logIn.error : null;

  return (
    <RedirectIfUser to={next}>
      <AuthCard
        title="Log in to Foyer"
        subtitle="Welcome back."
        footer={
          <>
            New here? <Link to="/signup">Create an account</Link>
          </>
        }
      >
        <SsoButtons returnTo={next} />
        <form className="form-stack" onSubmit={onSubmit} noValidate>
          {err &&
            (err.code === 'rate_limited' ? (
              <Alert tone="warning" title="Too many attempts">
                {err.message}
              </Alert>
            ) : (
              <Alert tone="error">{err.message}</Alert>
            ))}
          <TextField label="Email" name="email" type="email" autoComplete="email" value={values.email} onChange={set('email')} error={fieldErrors.email} required />
          <TextField
            label="Password"
            name="password"
            type="password"
            autoComplete="current-password"
            value={values.password}
            onChange={set('password')}
            error={fieldErrors.password}
            required
          />
          <Button type="submit" variant="primary" className="btn-block" busy={logIn.isPending}>
            Log in
          </Button>
        </form>
      </AuthCard>
    </RedirectIfUser>
  );
}
