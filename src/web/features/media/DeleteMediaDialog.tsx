import type { MediaDto } from '../../../contracts/api.js';
import { isApiError } from '../../api/client.js';
import { Alert } from '../../ui/Alert.js';
import { Button } from '../../ui/Button.js';
import { Dialog } from '../../ui/Dialog.js';
import { TrashIcon } from '../../ui/icons.js';
import { useDeleteMedia } from './useMedia.js';

export function DeleteMediaDialog({ media, open, onClose, onDeleted }: { media: MediaDto; open: boolean; onClose: () => void; onDeleted: () => void }) {
  const del = useDeleteMedia(media.id);
  return (
    <Dialog
      open={open}
      onClose={onClose}
      size="sm"
      title={`Delete “${media.title}”?`}
      description="The file is removed for good, and every invite link to it stops working. This cannot be undone."
      dismissible={!del.isPending}
      footer={
        <>
          <Button onClick={onClose} disabled={del.isPending} autoFocus>
            Keep it
          </Button>
          <Button variant="danger" icon={<TrashIcon size={18} />} busy={del.isPending} onClick={() => del.mutate(undefined, { onSuccess: onDeleted })}>
            Delete
          </Button>
        </>
      }
    >
      {del.isError && <Alert tone="error">{isApiError(del.error) ? del.error.message : 'Could not delete. Try again.'}</Alert>}
    </Dialog>
  );
}
