import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { signUpBody } from '../../contracts/api.js';
import { isApiError, isFieldValidation } from '../api/client.js';
import { endpoints } from '../api/endpoints.js';
import { AuthCard } from '../features/auth/AuthCard.js';
import { fieldErrorsOf } from '../features/auth/validation.js';
import { RedirectIfUser } from '../features/session/guards.js';
import { useSetSessionUser } from '../features/session/useSession.js';
import { Alert } from '../ui/Alert.js';
import { Button } from '../ui/Button.js';
import { TextField } from '../ui/Field.js';

export function SignUpPage() {
  const setUser = useSetSessionUser();
  const [values, setValues] = useState({ email: '', name: '', password: '' });
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const signUp = useMutation({
    mutationFn: endpoints.signUp,
    // The session query flips to the new account, and RedirectIfUser sends them to the library.
    onSuccess: ({ user }) => setUser(user),
    onError: (err) => {
      if (!isApiError(err)) return;
      if (err.code === 'email_taken') setFieldErrors({ email: err.message });
      else setFieldErrors(err.fieldErrors);
    },
  });

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const errors = fieldErrorsOf(signUpBody, values);
    setFieldErrors(errors);
    if (Object.keys(errors).length === 0) signUp.mutate(values);
  };
  const set = (key: keyof typeof values) => (e: { target: { value: string } }) => setValues((v) => ({ ...v, [key]: e.target.value }));
  const formError = signUp.error && isApiError(signUp.error) && signUp.error.code !== 'email_taken' && !isFieldValidation(signUp.error) ? signUp.error : null;

  return (
    <RedirectIfUser>
      <AuthCard
        title="Create your account"
        subtitle="Upload media and share it with exactly the people you choose."
        footer={
          <>
            Already have an account? <Link to="/login">Log in</Link>
          </>
        }
      >
        <form className="form-stack" onSubmit={onSubmit} noValidate>
          {formError && <Alert tone="error">{formError.message}</Alert>}
          <TextField label="Name" name="name" autoComplete="name" value={values.name} onChange={set('name')} error={fieldErrors.name} required />
          <TextField
            label="Email"
            name="email"
            type="email"
            autoComplete="email"
            value={values.email}
            onChange={set('email')}
            error={fieldErrors.email}
            required
          />
          <TextField
            label="Password"
            name="password"
            type="password"
            autoComplete="new-password"
            value={values.password}
            onChange={set('password')}
            error={fieldErrors.password}
            hint="At least 10 characters."
            required
          />
          <Button type="submit" variant="primary" className="btn-block" busy={signUp.isPending}>
            Create account
          </Button>
        </form>
      </AuthCard>
    </RedirectIfUser>
  );
}
