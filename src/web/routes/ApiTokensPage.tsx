import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { apiScopeDescriptions, apiScopes, type ApiScope, type ApiTokenDto } from '../../contracts/api-tokens.js';
import { isApiError } from '../api/client.js';
import { tokensApi, tokensKey } from '../features/tokens/tokensApi.js';
import { Alert } from '../ui/Alert.js';
import { Button } from '../ui/Button.js';
import { ConfirmDialog } from '../ui/ConfirmDialog.js';
import { CopyField } from '../ui/CopyField.js';
import { Dialog } from '../ui/Dialog.js';
import { EmptyState } from '../ui/EmptyState.js';
import { ErrorState } from '../ui/ErrorState.js';
import { SelectField, TextField } from '../ui/Field.js';
import { formatDateTime } from '../ui/format.js';
import { LockIcon, TrashIcon } from '../ui/icons.js';
import { PageTitle } from '../ui/PageTitle.js';
import { LoadingBlock } from '../ui/Spinner.js';

const LIFETIMES: Array<{ value: string; label: string }> = [
  { value: '7', label: '7 days' },
  { value: '30', label: '30 days' },
  { value: '90', label: '90 days' },
  { value: '365', label: '1 year' },
  { value: 'never', label: 'Until revoked' },
];

const stateOf = (t: ApiTokenDto, now: number): 'active' | 'expired' | 'revoked' =>
  t.revokedAt ? 'revoked' : t.expiresAt && Date.parse(t.expiresAt) <= now ? 'expired' : 'active';

/** Account → API tokens: make, see and revoke personal tokens for integrations (docs/api.md). */
export function ApiTokensPage() {
  const qc = useQueryClient();
  const tokens = useQuery({ queryKey: tokensKey, queryFn: tokensApi.list });
  const [creating, setCreating] = useState(false);
  const [made, setMade] = useState<{ token: ApiTokenDto; secret: string } | null>(null);
  const [revoking, setRevoking] = useState<ApiTokenDto | null>(null);
  const revoke = useMutation({
    mutationFn: (id: string) => tokensApi.revoke(id),
    onSuccess: async () => {
      setRevoking(null);
      await qc.invalidateQueries({ queryKey: tokensKey });
    },
  });
  const list = tokens.data?.tokens ?? [];
  const now = Date.now();

  return (
    <div className="page page-tokens">
      <PageTitle>API tokens</PageTitle>
      <div className="page-header">
        <div>
          <h1>API tokens</h1>
          <p className="muted">
            Tokens let another system (an LMS, a CRM, an events tool) use Foyer’s API as you: send <code>Authorization: Bearer fy_…</code>. Each token can do only what its scopes allow, and stops when it expires or you revoke it.
          </p>
        </div>
        <Button variant="primary" onClick={() => setCreating(true)}>
          Create token
        </Button>
      </div>
      {made && (
        <Alert tone="success" title={`Token “${made.token.name}” created`} className="token-made">
          <p>Copy it now: it is shown only this once. Foyer keeps only a fingerprint of it.</p>
          <CopyField value={made.secret} label={`API token ${made.token.name}`} />
          <Button size="sm" onClick={() => setMade(null)}>
            Done
          </Button>
        </Alert>
      )}
      {tokens.isPending ? (
        <LoadingBlock label="Loading tokens…" />
      ) : tokens.isError ? (
        <ErrorState error={tokens.error} onRetry={() => void tokens.refetch()} />
      ) : list.length === 0 ? (
        <EmptyState icon={<LockIcon size={28} />} title="No API tokens yet" action={<Button onClick={() => setCreating(true)}>Create token</Button>}>
          Create one for each system that should use your media, events and invites by API.
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table table-audit table-tokens">
            <caption className="visually-hidden">Your API tokens</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Token</th>
                <th scope="col">Scopes</th>
                <th scope="col">Expires</th>
                <th scope="col">Last used</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.map((t) => {
                const state = stateOf(t, now);
                return (
                  <tr key={t.id} data-state={state}>
                    <td data-label="Name" className="cell-primary">
                      {t.name}
                      {state !== 'active' && <span className={`badge ${state === 'revoked' ? 'badge-danger' : 'badge-warning'}`}>{state === 'revoked' ? 'Revoked' : 'Expired'}</span>}
                    </td>
                    <td data-label="Token">
                      <code>{t.hint}</code>
                    </td>
                    <td data-label="Scopes">{t.scopes.join(', ')}</td>
                    <td data-label="Expires" className="nowrap">
                      {t.revokedAt ? `Revoked ${formatDateTime(t.revokedAt)}` : t.expiresAt ? formatDateTime(t.expiresAt) : 'Never'}
                    </td>
                    <td data-label="Last used" className="nowrap">
                      {t.lastUsedAt ? formatDateTime(t.lastUsedAt) : 'Never'}
                    </td>
                    <td className="cell-actions">
                      {state === 'active' && (
                        <Button size="sm" variant="danger" icon={<TrashIcon size={16} />} onClick={() => setRevoking(t)} aria-label={`Revoke ${t.name}`}>
                          Revoke
                        </Button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <CreateTokenDialog
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={async (result) => {
          setCreating(false);
          setMade(result);
          await qc.invalidateQueries({ queryKey: tokensKey });
        }}
      />
      <ConfirmDialog
        open={revoking !== null}
        title={`Revoke “${revoking?.name ?? ''}”?`}
        description="Every system using this token loses access at once. This cannot be undone; you can create a new token."
        confirmLabel="Revoke token"
        busy={revoke.isPending}
        error={revoke.error}
        onConfirm={() => revoking && revoke.mutate(revoking.id)}
        onCancel={() => {
          revoke.reset();
          setRevoking(null);
        }}
      />
    </div>
  );
}

function CreateTokenDialog({ open, onClose, onCreated }: { open: boolean; onClose: () => void; onCreated: (r: { token: ApiTokenDto; secret: string }) => void }) {
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<ApiScope[]>(['media:read']);
  const [lifetime, setLifetime] = useState('90');
  const create = useMutation({
    mutationFn: () => tokensApi.create({ name: name.trim(), scopes, expiresInDays: lifetime === 'never' ? null : Number(lifetime) }),
    onSuccess: (r) => {
      setName('');
      setScopes(['media:read']);
      setLifetime('90');
      create.reset();
      onCreated(r);
    },
  });
  const details = isApiError(create.error) ? ((create.error.details ?? {}) as Record<string, string>) : {};
  const nameError = details.name;
  const scopeError = Object.entries(details).find(([k]) => k.startsWith('scopes'))?.[1];
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <Dialog
      open={open}
      onClose={onClose}
      title="Create API token"
      description="Name it after the system that will use it, and give it only the scopes it needs."
      dismissible={!create.isPending}
      footer={
        <>
          <Button onClick={onClose} disabled={create.isPending}>
            Cancel
          </Button>
          <Button variant="primary" type="submit" form="create-token" busy={create.isPending}>
            Create token
          </Button>
        </>
      }
    >
      <form id="create-token" onSubmit={onSubmit} noValidate>
        <TextField label="Name" value={name} onChange={(e) => setName(e.target.value)} error={nameError} placeholder="e.g. Moodle import" maxLength={100} />
        <fieldset className="field token-scopes" aria-invalid={scopeError ? true : undefined}>
          <legend className="field-label">Scopes</legend>
          {apiScopes.map((s) => (
            <label key={s} className="check-field">
              <input type="checkbox" className="checkbox" checked={scopes.includes(s)} onChange={(e) => setScopes((cur) => (e.target.checked ? [...cur, s] : cur.filter((x) => x !== s)))} />
              <span>
                <code>{s}</code> — {apiScopeDescriptions[s]}
              </span>
            </label>
          ))}
          {scopeError && <p className="field-error">{scopeError}</p>}
        </fieldset>
        <SelectField label="Expires after" value={lifetime} onChange={(e) => setLifetime(e.target.value)}>
          {LIFETIMES.map((l) => (
            <option key={l.value} value={l.value}>
              {l.label}
            </option>
          ))}
        </SelectField>
        {create.isError && !nameError && !scopeError && <Alert tone="error">{create.error.message}</Alert>}
      </form>
    </Dialog>
  );
}
