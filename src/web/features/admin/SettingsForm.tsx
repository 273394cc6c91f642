import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import { defaultSiteSettings, type SiteSettings } from '../../../contracts/invites.js';
import { isApiError, isFieldValidation } from '../../api/client.js';
import { endpoints, queryKeys } from '../../api/endpoints.js';
import { Alert } from '../../ui/Alert.js';
import { Button } from '../../ui/Button.js';
import { CheckboxField, RadioGroup, TextAreaField, TextField } from '../../ui/Field.js';
import { useToast } from '../../ui/Toasts.js';
import { changedSettings, describeMinutes, fromForm, settingsErrors, toForm, type SettingsForm as Form } from './settings-form.js';

function Section({ title, description, children }: { title: string; description: string; children: ReactNode }) {
  const id = title.toLowerCase().replace(/\W+/g, '-');
  return (
    <section className="settings-section" aria-labelledby={`settings-${id}`}>
      <div className="settings-section-intro">
        <h2 id={`settings-${id}`} className="settings-section-title">
          {title}
        </h2>
        <p className="muted small">{description}</p>
      </div>
      <div className="settings-section-fields">{children}</div>
    </section>
  );
}

const accountRows: Array<{ type: keyof SiteSettings['accountLobby']; label: string; adjustable: boolean }> = [
  { type: 'localConfirmed', label: 'Local account, email confirmed', adjustable: true },
  { type: 'localUnconfirmed', label: 'Local account, email not confirmed', adjustable: false },
  { type: 'ssoVerified', label: 'SSO, the provider asserted the email as verified', adjustable: true },
  { type: 'ssoUnverified', label: 'SSO, the provider did not assert it', adjustable: false },
  { type: 'guest', label: 'Guest session of another invite', adjustable: false },
];

const Default = ({ children }: { children: ReactNode }) => <span className="setting-default">Default: {children}</span>;

/** Every site setting with its meaning and default. Saves only what changed. */
export function SettingsForm({ settings }: { settings: SiteSettings }) {
  const [form, setForm] = useState<Form>(() => toForm(settings));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const qc = useQueryClient();
  const toast = useToast();
  const save = useMutation({
    mutationFn: endpoints.updateSettings,
    onSuccess: (res) => {
      qc.setQueryData(queryKeys.settings, res);
      setForm(toForm(res.settings));
      toast.show('Settings saved.');
    },
    onError: (err) => setErrors(isApiError(err) ? settingsErrors(err.fieldErrors) : {}),
  });

  const set = <K extends keyof Form>(k: K, v: Form[K]) => setForm((f) => ({ ...f, [k]: v }));
  const text = (k: keyof Form) => (e: { target: { value: string } }) => set(k, e.target.value as never);
  const changes = (() => {
    const found = settingsErrors(form);
    return Object.keys(found).length ? null : changedSettings(settings, fromForm(form));
  })();
  const dirty = JSON.stringify(form) !== JSON.stringify(toForm(settings));

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const found = settingsErrors(form);
    setErrors(found);
    if (Object.keys(found).length) {
      document.querySelector<HTMLElement>('.settings-form [aria-invalid=true]')?.focus();
      return;
    }
    const patch = changedSettings(settings, fromForm(form));
    if (Object.keys(patch).length === 0) return;
    save.mutate(patch);
  };
  const formError = save.error && isApiError(save.error) && !isFieldValidation(save.error) ? save.error : null;
  const minutes = describeMinutes(form.linkDurationMinutes);

  return (
    <form className="settings-form" onSubmit={onSubmit} noValidate aria-label="Site settings">
      {formError && <Alert tone="error">{formError.message}</Alert>}
      {save.isError && isFieldValidation(save.error) && (
        <Alert tone="error" title="Some settings are not valid">
          {save.error.message} The fields are marked below.
        </Alert>
      )}

      <Section title="Invite links" description="How long each link lasts and how often it works. Fixed into each invite when it is created: a change never lengthens links already sent.">
        <TextField
          label="Link duration (minutes)"
          name="linkDurationMinutes"
          inputMode="numeric"
          value={form.linkDurationMinutes}
          onChange={text('linkDurationMinutes')}
          error={errors.linkDurationMinutes}
          hint={
            <>
              Minutes a link stays valid after it is created{minutes && ` (${minutes})`}. <Default>1440 (24 hours)</Default>
            </>
          }
        />
        <RadioGroup
          legend="Link reusability"
          name="reuse"
          value={form.reuse}
          onChange={(v) => set('reuse', v)}
          error={errors.uses}
          hint={<>How many times a link can be used to pass the lobby. <Default>single use</Default></>}
          options={[
            { value: 'single', label: 'Single use' },
            {
              value: 'several',
              label: 'A number of uses',
              extra:
                form.reuse === 'several' ? (
                  <input className="input input-inline" inputMode="numeric" aria-label="Number of uses" value={form.uses} onChange={text('uses')} aria-invalid={errors.uses ? true : undefined} />
                ) : undefined,
            },
            { value: 'unlimited', label: 'Unlimited until it expires' },
          ]}
        />
        <TextField
          label="Longest link owners may choose (days)"
          name="maxLinkDurationDays"
          inputMode="decimal"
          value={form.maxLinkDurationDays}
          onChange={text('maxLinkDurationDays')}
          error={errors.maxLinkDurationDays}
          hint={<>The “Invite people” dialog offers any duration up to this, per invite. <Default>30 days</Default></>}
        />
        <RadioGroup
          legend="Most uses owners may choose"
          name="maxReuse"
          value={form.maxReuse}
          onChange={(v) => set('maxReuse', v)}
          error={errors.maxUses}
          hint={<>The most uses one invite’s link may get in the “Invite people” dialog. <Default>any, unlimited included</Default></>}
          options={[
            { value: 'any', label: 'Any number, unlimited included' },
            {
              value: 'limit',
              label: 'At most',
              extra:
                form.maxReuse === 'limit' ? (
                  <input className="input input-inline" inputMode="numeric" aria-label="Most uses" value={form.maxUses} onChange={text('maxUses')} aria-invalid={errors.maxUses ? true : undefined} />
                ) : undefined,
            },
          ]}
        />
        <CheckboxField
          label="Bind each link to the first device"
          name="bindToDevice"
          checked={form.bindToDevice}
          onChange={(e) => set('bindToDevice', e.target.checked)}
          hint={<>The first device that passes the lobby is the only one the link works on. <Default>on</Default></>}
        />
      </Section>

      <Section title="Email domains" description="Which addresses may be invited. A domain covers its subdomains: blocking example.com also blocks mail.example.com.">
        <TextAreaField
          label="Blocked email domains"
          name="blockedEmailDomains"
          rows={4}
          spellCheck={false}
          value={form.blockedEmailDomains}
          onChange={text('blockedEmailDomains')}
          error={errors.blockedEmailDomains}
          placeholder={'competitor.example\npersonal-mail.example'}
          hint={<>One domain per line. Invites to these domains are refused, and links already sent to them stop working. <Default>none</Default></>}
        />
        <TextAreaField
          label="Allowed email domains"
          name="allowedEmailDomains"
          rows={4}
          spellCheck={false}
          value={form.allowedEmailDomains}
          onChange={text('allowedEmailDomains')}
          error={errors.allowedEmailDomains}
          placeholder="partner.example"
          hint={<>One domain per line. When set, only these domains may be invited. <Default>empty: any domain</Default></>}
        />
      </Section>

      <Section title="Lobby" description="What the invited person must do before the link lets them in.">
        <RadioGroup
          legend="Lobby verification"
          name="lobbyVerification"
          value={form.lobbyVerification}
          onChange={(v) => set('lobbyVerification', v)}
          hint={<><Default>email</Default></>}
          options={[
            { value: 'email', label: 'Email', hint: 'They type the email address the invite was sent to.' },
            { value: 'email_code', label: 'Email and a code', hint: 'Then a 6-digit code, valid 10 minutes, is mailed to that address and must be typed.' },
          ]}
        />
        <TextField
          label="Lobby attempts"
          name="lobbyAttempts"
          inputMode="numeric"
          value={form.lobbyAttempts}
          onChange={text('lobbyAttempts')}
          error={errors.lobbyAttempts}
          hint={<>Wrong emails or codes allowed per link before it locks. <Default>5</Default></>}
        />
        <CheckboxField
          label="Offer “Email me a new link” in the lobby"
          name="selfServiceNewLink"
          checked={form.selfServiceNewLink}
          onChange={(e) => set('selfServiceNewLink', e.target.checked)}
          hint={<>The new link goes only to the invited address, the old one stops working, and the owner sees it in the activity. <Default>on</Default></>}
        />
      </Section>

      <Section
        title="Account types and the lobby"
        description="A logged-in person whose email is the invited one goes straight in or sees the lobby, by how their email is known. An email nobody confirmed always sees the lobby."
      >
        <table className="account-lobby-table">
          <thead>
            <tr>
              <th scope="col">Account</th>
              <th scope="col">With a matching invite</th>
              <th scope="col">Default</th>
            </tr>
          </thead>
          <tbody>
            {accountRows.map((row) => (
              <tr key={row.type}>
                <th scope="row">{row.label}</th>
                <td>
                  {row.adjustable ? (
                    <CheckboxField
                      label="Require the lobby"
                      name={`accountLobby.${row.type}`}
                      checked={form.accountLobby[row.type] === 'lobby'}
                      onChange={(e) => set('accountLobby', { ...form.accountLobby, [row.type]: e.target.checked ? 'lobby' : 'straight_in' })}
                    />
                  ) : (
                    'Lobby, always'
                  )}
                </td>
                <td>{defaultSiteSettings.accountLobby[row.type] === 'lobby' ? 'lobby' : 'straight in'}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <RadioGroup
          legend="Invites to SSO domains"
          name="ssoDomainInvites"
          value={form.ssoDomainInvites}
          onChange={(v) => set('ssoDomainInvites', v)}
          hint={<>Addresses of a sign-in provider’s email domains (Sign-in providers, below). <Default>share with their account</Default></>}
          options={[
            { value: 'account', label: 'Share with their account', hint: 'The email says “Sign in with <provider> to open it”; the link alone opens nothing. Providers whose accounts always see the lobby get a link instead.' },
            { value: 'link', label: 'Send a link', hint: 'As to anyone; the lobby offers “Sign in with <provider> to go straight in”.' },
            { value: 'refuse', label: 'Refuse, naming the provider', hint: 'People of that organisation sign in with its provider instead of getting links.' },
          ]}
        />
      </Section>

      <Section title="People and events" description="Who may invite, and where links lead after a live event.">
        <RadioGroup
          legend="Who may invite people"
          name="whoMayInvite"
          value={form.whoMayInvite}
          onChange={(v) => set('whoMayInvite', v)}
          hint={<><Default>media owners and admins</Default></>}
          options={[
            { value: 'owners_and_admins', label: 'Media owners and admins' },
            { value: 'admins_only', label: 'Admins only' },
          ]}
        />
        <CheckboxField
          label="Ended events go to the recording"
          name="endedEventsGoToRecording"
          checked={form.endedEventsGoToRecording}
          onChange={(e) => set('endedEventsGoToRecording', e.target.checked)}
          hint={<>After a live event ends, its invite links lead to the recording, when there is one. <Default>on</Default></>}
        />
      </Section>

      <Section title="Storage" description="How much each account may store: the files it uploads and its events’ recordings. Renditions the site makes are not counted. An admin can give one account its own limit on the users page.">
        <RadioGroup
          legend="Storage per account"
          name="quota"
          value={form.quota}
          onChange={(v) => set('quota', v)}
          hint={<><Default>no limit</Default></>}
          options={[
            { value: 'none', label: 'No limit' },
            { value: 'limit', label: 'Limit each account', hint: 'Uploads that do not fit are refused; nothing stored is removed.' },
          ]}
        />
        {form.quota === 'limit' && (
          <TextField label="Storage per account (GB)" name="quotaGb" inputMode="decimal" value={form.quotaGb} onChange={text('quotaGb')} error={errors.quotaGb} />
        )}
      </Section>

      <div className={`settings-actions ${dirty ? 'settings-actions-dirty' : ''}`}>
        <Button type="submit" variant="primary" busy={save.isPending} disabled={!dirty}>
          Save settings
        </Button>
        <Button
          onClick={() => {
            setForm(toForm(settings));
            setErrors({});
            save.reset();
          }}
          disabled={!dirty || save.isPending}
        >
          Discard changes
        </Button>
        <Button variant="ghost" onClick={() => setForm(toForm(defaultSiteSettings))} disabled={save.isPending}>
          Fill in the defaults
        </Button>
        <span className="muted small settings-dirty" role="status">
          {dirty ? (changes && Object.keys(changes).length === 0 ? '' : 'Unsaved changes') : ''}
        </span>
      </div>
    </form>
  );
}
