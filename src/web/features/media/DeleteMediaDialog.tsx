import type { MediaDto } from '../../../contracts/api.js';
import { ConfirmDialog } from '../../ui/ConfirmDialog.js';
import { TrashIcon } from '../../ui/icons.js';
import { useDeleteMedia } from './useMedia.js';

export function DeleteMediaDialog({ media, open, onClose, onDeleted }: { media: MediaDto; open: boolean; onClose: () => void; onDeleted: () => void }) {
  const del = useDeleteMedia(media.id);
  return (
    <ConfirmDialog
      open={open}
      onCancel={onClose}
      title={`Delete “${media.title}”?`}
      description="The file is removed for good, and every invite link to it stops working. This cannot be undone."
      cancelLabel="Keep it"
      confirmLabel="Delete"
      icon={<TrashIcon size={18} />}
      busy={del.isPending}
      error={del.isError ? del.error : undefined}
      onConfirm={() => del.mutate(undefined, { onSuccess: onDeleted })}
    />
  );
}
