import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import type { SsoProviderDto } from '../../../contracts/sso.js';
import { isApiError } from '../../api/client.js';
import { endpoints, queryKeys } from '../../api/endpoints.js';
import { Alert } from '../../ui/Alert.js';
import { Button } from '../../ui/Button.js';
import { CopyField } from '../../ui/CopyField.js';
import { CheckboxField, TextAreaField, TextField } from '../../ui/Field.js';
import { LoadingBlock } from '../../ui/Spinner.js';
import { useToast } from '../../ui/Toasts.js';
import { domainLines } from './settings-form.js';

interface Draft {
  id: string;
  name: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
  emailDomains: string;
  createAccounts: boolean;
  requireLobby: boolean;
}

const empty: Draft = { id: '', name: '', issuer: '', clientId: '', clientSecret: '', emailDomains: '', createAccounts: false, requireLobby: false };
const draftOf = (p: SsoProviderDto): Draft => ({ ...p, clientSecret: '', emailDomains: p.emailDomains.join('\n') });

/** SSO providers (OpenID Connect), in the admin's settings page: add, change, remove. */
export function SsoProvidersSection() {
  const list = useQuery({ queryKey: queryKeys.ssoProviders, queryFn: endpoints.ssoProviders });
  const [editing, setEditing] = useState<{ draft: Draft; existing: boolean } | null>(null);
  const qc = useQueryClient();
  const toast = useToast();
  const remove = useMutation({
    mutationFn: endpoints.deleteSsoProvider,
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: queryKeys.ssoProviders });
      toast.show('Provider removed.');
    },
  });

  return (
    <section className="settings-section" aria-labelledby="settings-sso">
      <div className="settings-section-intro">
        <h2 id="settings-sso" className="settings-section-title">
          Sign-in providers (SSO)
        </h2>
        <p className="muted small">
          OpenID Connect providers people may sign in with. Register Foyer at the provider with the redirect URI shown for each (see the operations guide).
        </p>
      </div>
      <div className="settings-section-fields">
        {list.isPending ? (
          <LoadingBlock label="Loading providers…" />
        ) : list.isError ? (
          <Alert tone="error">Could not load the providers.</Alert>
        ) : (
          <ul className="sso-provider-list">
            {list.data.providers.length === 0 && <li className="muted">No providers yet: only Foyer passwords sign in.</li>}
            {list.data.providers.map((p) => (
              <li key={p.id} className="sso-provider" aria-label={p.name}>
                <div className="sso-provider-head">
                  <strong>{p.name}</strong> <span className="muted small">({p.id})</span>
                </div>
                {p.lastError && (
                  <Alert tone="warning" title="The provider failed">
                    {p.lastError.message}
                  </Alert>
                )}
                <p className="small">
                  Issuer {p.issuer} · client {p.clientId} · secret {p.secretHint}
                  <br />
                  Domains: {p.emailDomains.length ? p.emailDomains.join(', ') : 'none'} · {p.createAccounts ? 'creates accounts on first sign-in' : 'existing accounts only'}
                  {p.requireLobby ? ' · its accounts always see the lobby' : ''}
                </p>
                <CopyField label="Redirect URI" value={p.redirectUri} />
                <div className="row-actions">
                  <Button size="sm" onClick={() => setEditing({ draft: draftOf(p), existing: true })}>
                    Change
                  </Button>
                  <Button size="sm" variant="ghost" onClick={() => remove.mutate(p.id)} busy={remove.isPending && remove.variables === p.id}>
                    Remove
                  </Button>
                </div>
              </li>
            ))}
          </ul>
        )}
        {editing ? (
          <ProviderForm key={editing.draft.id} initial={editing.draft} existing={editing.existing} onDone={() => setEditing(null)} />
        ) : (
          <Button onClick={() => setEditing({ draft: empty, existing: false })}>Add a provider</Button>
        )}
      </div>
    </section>
  );
}

function ProviderForm({ initial, existing, onDone }: { initial: Draft; existing: boolean; onDone: () => void }) {
  const [d, setD] = useState(initial);
  const qc = useQueryClient();
  const toast = useToast();
  const save = useMutation({
    mutationFn: () => {
      const body = { name: d.name, issuer: d.issuer, clientId: d.clientId, emailDomains: domainLines(d.emailDomains), createAccounts: d.createAccounts, requireLobby: d.requireLobby, ...(d.clientSecret ? { clientSecret: d.clientSecret } : {}) };
      return existing ? endpoints.updateSsoProvider(d.id, body) : endpoints.createSsoProvider({ id: d.id, ...body });
    },
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: queryKeys.ssoProviders });
      toast.show('Provider saved.');
      onDone();
    },
  });
  const errors = save.error && isApiError(save.error) ? save.error.fieldErrors : {};
  const text = (k: keyof Draft) => (e: { target: { value: string } }) => setD((v) => ({ ...v, [k]: e.target.value }));
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  return (
    <form className="form-stack sso-provider-form" onSubmit={onSubmit} noValidate aria-label={existing ? `Change ${initial.name}` : 'Add a provider'}>
      {save.error && isApiError(save.error) && <Alert tone="error">{save.error.message}</Alert>}
      <TextField label="Short name (part of the redirect URI)" name="id" value={d.id} onChange={text('id')} disabled={existing} error={errors.id} hint="e.g. okta" required />
      <TextField label="Button name" name="name" value={d.name} onChange={text('name')} error={errors.name} hint="People see “Sign in with <name>”." required />
      <TextField label="Issuer URL" name="issuer" value={d.issuer} onChange={text('issuer')} error={errors.issuer} placeholder="https://login.example.com" required />
      <TextField label="Client id" name="clientId" value={d.clientId} onChange={text('clientId')} error={errors.clientId} required />
      <TextField
        label="Client secret"
        name="clientSecret"
        type="password"
        autoComplete="off"
        value={d.clientSecret}
        onChange={text('clientSecret')}
        error={errors.clientSecret}
        hint={existing ? 'Leave empty to keep the stored secret.' : undefined}
        required={!existing}
      />
      <TextAreaField label="Email domains of this provider" name="emailDomains" rows={3} value={d.emailDomains} onChange={text('emailDomains')} error={errors.emailDomains} hint="One per line. Accounts are created only for these; the lobby offers this provider to people invited at them." />
      <CheckboxField label="Create accounts on first sign-in" name="createAccounts" checked={d.createAccounts} onChange={(e) => setD((v) => ({ ...v, createAccounts: e.target.checked }))} />
      <CheckboxField
        label="Its accounts always see the lobby"
        name="requireLobby"
        checked={d.requireLobby}
        onChange={(e) => setD((v) => ({ ...v, requireLobby: e.target.checked }))}
        hint="For a provider whose verified emails you do not trust."
      />
      <div className="row-actions">
        <Button type="submit" variant="primary" busy={save.isPending}>
          Save provider
        </Button>
        <Button onClick={onDone}>Cancel</Button>
      </div>
    </form>
  );
}
