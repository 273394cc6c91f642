import { useState, type FormEvent } from 'react';
import { lobbyNewLinkBody } from '../../../contracts/invites.js';
import { isApiError, type ApiError } from '../../api/client.js';
import { Alert } from '../../ui/Alert.js';
import { Button } from '../../ui/Button.js';
import { EmailAddress } from '../../ui/EmailAddress.js';
import { TextField } from '../../ui/Field.js';
import { fieldErrorsOf } from '../auth/validation.js';
import { isDeadEnd, outcomes } from './outcomes.js';
import { useRequestNewLink } from './useLobby.js';

/** The confirmation after "email me a new link". */
export function NewLinkSent({ email }: { email: string }) {
  return (
    <Alert tone="success" title="A new link is on its way">
      <p>
        We sent it to <EmailAddress value={email} />, the address this invite was sent to. Open it from that email on the device you want to use.
      </p>
      <p>The link you opened before no longer works.</p>
    </Alert>
  );
}

/**
 * "Email me a new link": the person types their address; only the invited address gets the link (the server
 * says when it does not match). With `email` known (they already typed it), one click sends it.
 */
export function NewLinkForm({
  email: knownEmail,
  onSent,
  onDeadEnd,
  onCancel,
}: {
  email?: string;
  onSent: (email: string) => void;
  /** The invite cannot be renewed (revoked, deleted, blocked). */
  onDeadEnd: (err: ApiError) => void;
  onCancel?: () => void;
}) {
  const [email, setEmail] = useState(knownEmail ?? '');
  const [fieldError, setFieldError] = useState<string>();
  const send = useRequestNewLink();

  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    const errors = fieldErrorsOf(lobbyNewLinkBody, { email: email.trim() });
    setFieldError(errors.email);
    if (errors.email) return;
    send.mutate(email.trim(), {
      onSuccess: () => onSent(email.trim()),
      onError: (err) => {
        if (!isApiError(err)) return;
        if (err.code === 'email_mismatch') setFieldError(`${outcomes.email_mismatch.title({})}. ${outcomes.email_mismatch.nextStep}`);
        else if (err.code === 'validation_failed') setFieldError(err.fieldErrors.email ?? err.message);
        else if (isDeadEnd(err.code) && !outcomes[err.code].offersNewLink) onDeadEnd(err);
      },
    });
  };
  const otherError = send.error && isApiError(send.error) && !['email_mismatch', 'validation_failed'].includes(send.error.code) ? send.error : null;

  if (knownEmail) {
    return (
      <div className="lobby-newlink-quick">
        {otherError && <Alert tone={otherError.code === 'rate_limited' ? 'warning' : 'error'}>{otherError.message}</Alert>}
        {fieldError && <Alert tone="error">{fieldError}</Alert>}
        <Button variant="primary" className="btn-block" busy={send.isPending} onClick={() => submit()}>
          Email me a new link
        </Button>
      </div>
    );
  }

  return (
    <form className="form-stack" onSubmit={submit} noValidate aria-label="Email me a new link">
      <p className="lobby-step-text">We’ll send a fresh link to the address this invite was sent to. The link you opened stops working.</p>
      {otherError && <Alert tone={otherError.code === 'rate_limited' ? 'warning' : 'error'}>{otherError.message}</Alert>}
      <TextField
        label="The email address this invite was sent to"
        name="email"
        type="email"
        inputMode="email"
        autoComplete="email"
        autoCapitalize="none"
        spellCheck={false}
        value={email}
        onChange={(e) => setEmail(e.target.value)}
        error={fieldError}
        required
        autoFocus
      />
      <Button type="submit" variant="primary" className="btn-block" busy={send.isPending}>
        Send me a new link
      </Button>
      {onCancel && (
        <Button variant="ghost" className="btn-block" onClick={onCancel} disabled={send.isPending}>
          Back
        </Button>
      )}
    </form>
  );
}
