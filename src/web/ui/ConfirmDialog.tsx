import type { ReactNode } from 'react';
import { isApiError } from '../api/client.js';
import { Alert } from './Alert.js';
import { Button } from './Button.js';
import { Dialog } from './Dialog.js';

/**
 * The one question before an action that cannot be undone (end an event, start it early, delete, revoke…).
 * An `alertdialog` on the native modal <dialog>: the page behind is inert (focus stays inside), Escape and
 * the backdrop cancel, and focus starts on the safe choice (cancel) so Enter never confirms by accident.
 * While `busy` it cannot be dismissed; an `error` from the action shows inside and the dialog stays open.
 */
export function ConfirmDialog({
  open,
  title,
  description,
  confirmLabel,
  cancelLabel = 'Cancel',
  tone = 'danger',
  icon,
  busy = false,
  error,
  onConfirm,
  onCancel,
  children,
}: {
  open: boolean;
  title: string;
  description: ReactNode;
  confirmLabel: string;
  cancelLabel?: string;
  /** danger: red confirm button (destroys or ends something); primary: a weighty but not destructive step. */
  tone?: 'danger' | 'primary';
  icon?: ReactNode;
  busy?: boolean;
  /** What the action threw: its message is shown (ApiError), else a generic line. */
  error?: unknown;
  onConfirm: () => void;
  onCancel: () => void;
  children?: ReactNode;
}) {
  return (
    <Dialog
      open={open}
      onClose={onCancel}
      role="alertdialog"
      size="sm"
      title={title}
      description={description}
      dismissible={!busy}
      footer={
        <>
          <Button onClick={onCancel} disabled={busy} data-autofocus>
            {cancelLabel}
          </Button>
          <Button variant={tone} icon={icon} busy={busy} onClick={onConfirm}>
            {confirmLabel}
          </Button>
        </>
      }
    >
      {error ? <Alert tone="error">{isApiError(error) ? error.message : 'That did not work. Try again.'}</Alert> : null}
      {children}
    </Dialog>
  );
}
