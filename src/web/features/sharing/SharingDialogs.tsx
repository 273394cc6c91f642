import type { InviteRowDto } from '../../../contracts/invites.js';
import { isApiError } from '../../api/client.js';
import { Alert } from '../../ui/Alert.js';
import { Button } from '../../ui/Button.js';
import { ConfirmDialog } from '../../ui/ConfirmDialog.js';
import { CopyField } from '../../ui/CopyField.js';
import { Dialog } from '../../ui/Dialog.js';
import { EmailAddress } from '../../ui/EmailAddress.js';
import { TrashIcon } from '../../ui/icons.js';
import { LoadingBlock } from '../../ui/Spinner.js';
import { fullName } from './PeopleTable.js';

/** Asks before revoking one or several people. */
export function RevokeDialog({ rows, onClose, onConfirm, busy, error }: { rows: InviteRowDto[] | null; onClose: () => void; onConfirm: () => void; busy: boolean; error: unknown }) {
  const one = rows?.length === 1 ? rows[0] : null;
  const title = one ? `Revoke access for ${fullName(one) || one.email}?` : `Revoke access for ${rows?.length ?? 0} people?`;
  return (
    <ConfirmDialog
      open={rows !== null}
      onCancel={onClose}
      title={title}
      description="Their links stop working at once, and anyone viewing now is stopped at their next step. You can invite them again later."
      cancelLabel="Keep access"
      confirmLabel="Revoke"
      icon={<TrashIcon size={16} />}
      busy={busy}
      error={error}
      onConfirm={onConfirm}
    >
      {one && (
        <p className="muted small">
          <EmailAddress value={one.email} />
        </p>
      )}
    </ConfirmDialog>
  );
}

/** A fresh link for one person, shown once to copy; the previous link dies. */
export function NewLinkDialog({ row, link, busy, error, onClose }: { row: InviteRowDto | null; link?: string; busy: boolean; error: unknown; onClose: () => void }) {
  return (
    <Dialog
      open={row !== null}
      onClose={onClose}
      title={row ? `New link for ${fullName(row) || row.email}` : 'New link'}
      dismissible={!busy}
      footer={
        <Button variant="primary" onClick={onClose} disabled={busy}>
          Done
        </Button>
      }
    >
      {busy && <LoadingBlock label="Making a new link…" />}
      {error ? <Alert tone="error">{isApiError(error) ? error.message : 'Could not make a new link. Try again.'}</Alert> : null}
      {link && row && (
        <div className="form-stack">
          <Alert tone="warning" title="This link is shown only once">
            Copy it now and send it to <EmailAddress value={row.email} /> yourself. The previous link no longer works.
          </Alert>
          <CopyField value={link} label={`Invite link for ${row.email}`} />
        </div>
      )}
    </Dialog>
  );
}
