import { useState, type FormEvent } from 'react';
import type { LobbyErrorCode } from '../../../contracts/errors.js';
import type { LobbyInfo } from '../../../contracts/invites.js';
import { isApiError, isFieldValidation } from '../../api/client.js';
import { Alert } from '../../ui/Alert.js';
import { Button } from '../../ui/Button.js';
import { TextField } from '../../ui/Field.js';
import { NewLinkForm, NewLinkSent } from './new-link.js';
import { OutcomeView } from './OutcomeView.js';
import { isDeadEnd, outcomes } from './outcomes.js';
import { useEnterLobby } from './useLobby.js';

type Step =
  | { kind: 'email' }
  | { kind: 'code'; message: string }
  | { kind: 'newLink' }
  | { kind: 'newLinkSent'; email: string }
  | { kind: 'outcome'; code: LobbyErrorCode; email?: string };

const CODE_PENDING = 'We already emailed a 6-digit code to the invited address. Enter your email and the code to continue.';

/** The lobby's steps for someone who must prove the invite is theirs: email, then (email_code mode) the code. */
export function LobbyFlow({ info }: { info: LobbyInfo }) {
  const [step, setStep] = useState<Step>(info.codePending ? { kind: 'code', message: CODE_PENDING } : { kind: 'email' });
  const [email, setEmail] = useState('');
  const [code, setCode] = useState('');
  const [errors, setErrors] = useState<{ email?: string; code?: string }>({});
  const enter = useEnterLobby((r) => {
    setCode('');
    setStep({ kind: 'code', message: r.message });
  });

  const send = (withCode: boolean) => {
    const typed = email.trim();
    const found: typeof errors = {};
    if (!typed) found.email = 'Enter the email address this invite was sent to.';
    if (withCode && !/^\d{6}$/.test(code)) found.code = 'Enter the 6 digits from the email.';
    setErrors(found);
    if (found.email || found.code) return;
    enter.mutate(withCode ? { email: typed, code } : { email: typed }, {
      onError: (err) => {
        if (!isApiError(err)) return;
        if (err.code === 'email_mismatch') {
          setErrors({ email: `${outcomes.email_mismatch.title({})}. ${outcomes.email_mismatch.nextStep}` });
          if (step.kind === 'code') setStep({ kind: 'email' });
        } else if (err.code === 'code_invalid') setErrors({ code: `${outcomes.code_invalid.title({})}. ${outcomes.code_invalid.nextStep}` });
        else if (err.code === 'validation_failed') setErrors(err.fieldErrors);
        else if (isDeadEnd(err.code)) setStep({ kind: 'outcome', code: err.code, email: typed });
      },
    });
  };
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    send(step.kind === 'code');
  };
  const alertError = enter.error && isApiError(enter.error) && !['email_mismatch', 'code_invalid'].includes(enter.error.code) && !isFieldValidation(enter.error) && !isDeadEnd(enter.error.code) ? enter.error : null;

  if (step.kind === 'outcome') {
    return (
      <OutcomeView
        code={step.code}
        mediaTitle={info.media.title}
        selfServiceNewLink={info.selfServiceNewLink}
        email={step.email}
        onCode={(c) => setStep({ kind: 'outcome', code: c })}
      />
    );
  }
  if (step.kind === 'newLinkSent') return <NewLinkSent email={step.email} />;
  if (step.kind === 'newLink') {
    return (
      <div className="lobby-step">
        <h2 className="lobby-step-title">Email me a new link</h2>
        <NewLinkForm
          onSent={(to) => setStep({ kind: 'newLinkSent', email: to })}
          onDeadEnd={(err) => setStep({ kind: 'outcome', code: err.code as LobbyErrorCode })}
          onCancel={() => setStep({ kind: 'email' })}
        />
      </div>
    );
  }

  if (info.accountShare) {
    return (
      <div className="lobby-step">
        <h2 className="lobby-step-title">Sign in with {info.accountShare.providerName} to open it</h2>
        <p className="lobby-step-text">
          This was shared with your {info.accountShare.providerName} account. Sign in there with the address it was sent to, and it opens straight away.
        </p>
        <p className="lobby-sso">
          <a className="btn btn-primary btn-block" href={info.accountShare.startUrl}>
            Sign in with {info.accountShare.providerName}
          </a>
        </p>
      </div>
    );
  }

  const codeStep = step.kind === 'code';
  return (
    <div className="lobby-step">
      <h2 className="lobby-step-title">{codeStep ? 'Check your email' : 'Confirm it’s you'}</h2>
      <p className="lobby-step-text">{codeStep ? step.message : 'This link opens only for the person it was sent to.'}</p>
      {!codeStep &&
        info.ssoProviders.map((p) => (
          <p key={p.id} className="lobby-sso">
            <a className="btn btn-secondary btn-block" href={p.startUrl}>
              Sign in with {p.name} to go straight in
            </a>
          </p>
        ))}
      <form className="form-stack" onSubmit={onSubmit} noValidate aria-label={codeStep ? 'Enter the code' : 'Open the invite'}>
        {alertError && (
          <Alert tone={alertError.code === 'rate_limited' ? 'warning' : 'error'} title={alertError.code === 'rate_limited' ? outcomes.rate_limited.title({}) : undefined}>
            {alertError.message}
          </Alert>
        )}
        {(!codeStep || !email || errors.email) && (
          <TextField
            label="Email address this invite was sent to"
            name="email"
            type="email"
            inputMode="email"
            autoComplete="email"
            autoCapitalize="none"
            spellCheck={false}
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            error={errors.email}
            required
            autoFocus={!codeStep}
          />
        )}
        {codeStep && (
          <TextField
            label="6-digit code"
            name="code"
            className="field-code"
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern="[0-9]*"
            value={code}
            // People paste "123 456" or "123-456": keep the digits.
            onChange={(e) => setCode(e.target.value.replace(/\D/g, '').slice(0, 6))}
            error={errors.code}
            hint="The code works for 10 minutes, on this device."
            required
            autoFocus={Boolean(email)}
          />
        )}
        <Button type="submit" variant="primary" className="btn-block" busy={enter.isPending}>
          Continue
        </Button>
      </form>
      <div className="lobby-links">
        {codeStep && (
          <>
            <button type="button" className="link-button" onClick={() => send(false)} disabled={enter.isPending}>
              Send a new code
            </button>
            <button
              type="button"
              className="link-button"
              onClick={() => {
                setErrors({});
                setStep({ kind: 'email' });
              }}
            >
              Use a different email
            </button>
          </>
        )}
        {!codeStep && info.selfServiceNewLink && (
          <button type="button" className="link-button" onClick={() => setStep({ kind: 'newLink' })}>
            Link not working? Email me a new link
          </button>
        )}
      </div>
    </div>
  );
}
