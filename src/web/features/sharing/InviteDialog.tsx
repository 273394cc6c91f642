import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { MediaDto } from '../../../contracts/api.js';
import type { InviteRoleDto } from '../../../contracts/invites.js';
import { endpoints, queryKeys } from '../../api/endpoints.js';
import { isApiError } from '../../api/client.js';
import { Alert } from '../../ui/Alert.js';
import { Button } from '../../ui/Button.js';
import { Dialog } from '../../ui/Dialog.js';
import { CheckboxField, SelectField, TextAreaField } from '../../ui/Field.js';
import { SendIcon } from '../../ui/icons.js';
import { useTabsBase } from '../../ui/Tabs.js';
import { InviteResults } from './InviteResults.js';
import { LinkLifetimeFields } from './LinkLifetimeFields.js';
import { lifetimeForm, readLifetime, type LifetimeForm } from './link-lifetime.js';
import { roleHelp, roleLabel, rolesFor } from './labels.js';
import { dedupe } from './parse-people.js';
import { emptyRecipients, peopleOf, RecipientsInput, recipientsErrors, toFix, type RecipientErrors, type Recipients } from './RecipientsInput.js';
import { CHUNK_SIZE, sendInChunks, type SendOutcome, type SendProgress } from './send-invites.js';
import { useRefreshSharing } from './useInvites.js';

type Phase = { kind: 'compose' } | { kind: 'sending'; progress: SendProgress } | { kind: 'done'; outcome: SendOutcome; sendEmail: boolean };

const DUPLICATE_MESSAGE = 'This address appears more than once in the list.';

/** "Invite people": one person, a pasted list or a CSV; a role, a message, and email or links to copy. */
export function InviteDialog({ media, open, onClose }: { media: MediaDto; open: boolean; onClose: () => void }) {
  const roles = rolesFor(media.type);
  const [recipients, setRecipients] = useState<Recipients>(emptyRecipients);
  const [role, setRole] = useState<InviteRoleDto>('viewer');
  const [message, setMessage] = useState('');
  const [sendEmail, setSendEmail] = useState(true);
  const [errors, setErrors] = useState<RecipientErrors>({});
  /** A request that failed before anyone was invited: shown above the form, which keeps everything typed. */
  const [sendError, setSendError] = useState<string | null>(null);
  const [phase, setPhase] = useState<Phase>({ kind: 'compose' });
  const [busy, setBusy] = useState(false);
  const [stopping, setStopping] = useState(false);
  const stop = useRef(false);
  const base = useTabsBase();
  const refresh = useRefreshSharing(media.id);
  const limits = useQuery({ queryKey: queryKeys.inviteLimits(media.id), queryFn: () => endpoints.inviteLimits(media.id), enabled: open, staleTime: 30_000 });
  const [lifetime, setLifetime] = useState<LifetimeForm | null>(null);
  const [lifetimeErrors, setLifetimeErrors] = useState<{ duration?: string; uses?: string }>({});
  // The site's default, once known; kept as the person edits it (and across "Invite more people").
  useEffect(() => {
    if (limits.data && lifetime === null) setLifetime(lifetimeForm(limits.data));
  }, [limits.data, lifetime]);

  const reset = () => {
    setRecipients((r) => ({ ...emptyRecipients, mode: r.mode }));
    setErrors({});
    setSendError(null);
    setPhase({ kind: 'compose' });
  };
  /** Back to the form with the addresses the server found malformed, marked; names, role and message stay. */
  const fixInvalid = (outcome: SendOutcome) => {
    const fix = toFix(recipients, outcome.refused);
    setRecipients(fix.recipients);
    setErrors(fix.errors);
    setSendError(null);
    setPhase({ kind: 'compose' });
  };
  const close = () => {
    if (phase.kind === 'sending') return;
    onClose();
    // The links shown once must not come back the next time the dialog opens.
    reset();
    setMessage('');
    setSendEmail(true);
    setLifetime(null);
    setLifetimeErrors({});
  };

  const people = peopleOf(recipients);
  const { unique, repeats } = dedupe(people);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const found = recipientsErrors(recipients);
    setErrors(found);
    setSendError(null);
    // This invite's link: sent only when it differs from the site's default (which the server applies).
    const chosen = lifetime && limits.data ? readLifetime(lifetime, limits.data) : null;
    setLifetimeErrors(chosen?.errors ?? {});
    if (found.email || found.list || chosen?.errors.duration || chosen?.errors.uses) return;
    const override = {
      ...(chosen && chosen.minutes !== limits.data!.linkDurationMinutes ? { linkDurationMinutes: chosen.minutes } : {}),
      ...(chosen && chosen.uses !== limits.data!.linkReusability ? { linkReusability: chosen.uses } : {}),
    };
    stop.current = false;
    setStopping(false);
    setBusy(true);
    const many = unique.length > CHUNK_SIZE;
    if (many) setPhase({ kind: 'sending', progress: { done: 0, total: unique.length, created: 0, refused: 0 } });
    const outcome = await sendInChunks({
      people: unique,
      send: (chunk) => endpoints.createInvites(media.id, { people: chunk, role, message, sendEmail, ...override }),
      onProgress: (progress) => many && setPhase({ kind: 'sending', progress }),
      shouldStop: () => stop.current,
    });
    outcome.refused.push(...repeats.map((p) => ({ email: p.email, reason: 'duplicate' as const, message: DUPLICATE_MESSAGE })));
    setBusy(false);
    if (outcome.created.length === 0 && !outcome.stopped) {
      // Nobody was invited because of what was typed (or the request failed): stay on the form, keep it all.
      if (outcome.error !== undefined && outcome.refused.length === 0) {
        setPhase({ kind: 'compose' });
        if (isApiError(outcome.error) && outcome.error.code === 'lifetime_above_maximum') {
          // The site's maximum changed while the dialog was open: mark the fields, learn the new limits.
          const f = outcome.error.fieldErrors;
          setLifetimeErrors({ duration: f.linkDurationMinutes, uses: f.linkReusability });
          void limits.refetch();
        }
        setSendError(isApiError(outcome.error) ? outcome.error.message : 'Something went wrong. Nothing was sent; try again.');
        return;
      }
      if (outcome.error === undefined && outcome.refused.length > 0 && outcome.refused.every((r) => r.reason === 'malformed')) {
        fixInvalid(outcome);
        return;
      }
    }
    setPhase({ kind: 'done', outcome, sendEmail });
    void refresh();
  };

  const n = unique.length;
  const submitLabel =
    recipients.mode === 'one' || n <= 1 ? (sendEmail ? 'Send invite' : 'Create link')
    : sendEmail ? `Send ${n.toLocaleString()} invites`
    : `Create ${n.toLocaleString()} links`;

  return (
    <Dialog
      open={open}
      onClose={close}
      size="lg"
      title="Invite people"
      description={
        <>
          Each person gets a personal link to “{media.title}”, and nothing else on the site.
        </>
      }
      dismissible={phase.kind !== 'sending'}
      footer={
        phase.kind === 'compose' ? (
          <>
            <Button onClick={close} disabled={busy}>
              Cancel
            </Button>
            <Button type="submit" form={`${base}-form`} variant="primary" icon={<SendIcon size={16} />} busy={busy}>
              {submitLabel}
            </Button>
          </>
        ) : phase.kind === 'sending' ? (
          <Button
            onClick={() => {
              stop.current = true;
              setStopping(true);
            }}
            busy={stopping}
          >
            {stopping ? 'Stopping after this batch…' : 'Stop after this batch'}
          </Button>
        ) : (
          <>
            {phase.outcome.refused.some((r) => r.reason === 'malformed') && (
              <Button onClick={() => fixInvalid(phase.outcome)}>Fix the invalid addresses</Button>
            )}
            <Button onClick={reset}>Invite more people</Button>
            <Button variant="primary" onClick={close}>
              Done
            </Button>
          </>
        )
      }
    >
      {phase.kind === 'compose' && (
        <form id={`${base}-form`} className="form-stack invite-form" onSubmit={(e) => void submit(e)} noValidate aria-label="Invite people">
          {sendError && (
            <Alert tone="error" title="Nobody was invited">
              {sendError} Everything you typed is still here.
            </Alert>
          )}
          <RecipientsInput base={base} value={recipients} onChange={setRecipients} errors={errors} />
          <SelectField
            label="Role"
            name="role"
            value={role}
            onChange={(e) => setRole(e.target.value as InviteRoleDto)}
            disabled={roles.length === 1}
            hint={roles.length === 1 ? 'Video, audio, document and quiz invites give the viewer role: they can view the media.' : roleHelp[role]}
          >
            {roles.map((r) => (
              <option key={r} value={r}>
                {roleLabel[r]}
              </option>
            ))}
          </SelectField>
          {lifetime && limits.data && <LinkLifetimeFields value={lifetime} onChange={setLifetime} limits={limits.data} errors={lifetimeErrors} />}
          <TextAreaField
            label="Personal message"
            name="message"
            rows={3}
            maxLength={2000}
            value={message}
            onChange={(e) => setMessage(e.target.value)}
            hint={sendEmail ? 'Optional. Added to the invite email.' : 'Optional. Kept with the invite; sent if you resend the link by email later.'}
          />
          <CheckboxField
            label="Send link by email"
            name="sendEmail"
            checked={sendEmail}
            onChange={(e) => setSendEmail(e.target.checked)}
            hint={sendEmail ? 'Each person gets an email with their personal link.' : 'No email is sent. You’ll see each link once, to copy and share yourself.'}
          />
        </form>
      )}
      {phase.kind === 'sending' && <SendingProgress progress={phase.progress} sendEmail={sendEmail} />}
      {phase.kind === 'done' && <InviteResults outcome={phase.outcome} sendEmail={phase.sendEmail} />}
    </Dialog>
  );
}

function SendingProgress({ progress, sendEmail }: { progress: SendProgress; sendEmail: boolean }) {
  const percent = progress.total ? Math.round((progress.done / progress.total) * 100) : 0;
  return (
    <div className="upload-progress invite-progress">
      <p className="invite-progress-count">
        <strong>
          {progress.done.toLocaleString()} of {progress.total.toLocaleString()}
        </strong>{' '}
        {sendEmail ? 'invited' : 'links created'}
        {progress.refused > 0 && <span className="muted"> · {progress.refused.toLocaleString()} refused so far</span>}
      </p>
      <div className="progress" role="progressbar" aria-label="Inviting people" aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent} aria-valuetext={`${progress.done} of ${progress.total}`}>
        <div className="progress-bar" style={{ width: `${percent}%` }} />
      </div>
      <p className="muted small">Sending in batches of {CHUNK_SIZE}. Keep this window open until it finishes.</p>
    </div>
  );
}
