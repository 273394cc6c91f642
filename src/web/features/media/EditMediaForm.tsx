import { useState, type FormEvent } from 'react';
import { mediaPatchBody, type MediaDto } from '../../../contracts/api.js';
import { isApiError, isFieldValidation } from '../../api/client.js';
import { Alert } from '../../ui/Alert.js';
import { Button } from '../../ui/Button.js';
import { TextAreaField, TextField } from '../../ui/Field.js';
import { fieldErrorsOf } from '../auth/validation.js';
import { useUpdateMedia } from './useMedia.js';

/** Inline editor for title and description. */
export function EditMediaForm({ media, onDone }: { media: MediaDto; onDone: (saved: boolean) => void }) {
  const [title, setTitle] = useState(media.title);
  const [description, setDescription] = useState(media.description);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const update = useUpdateMedia(media.id);

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const body = { title, description };
    const errors = fieldErrorsOf(mediaPatchBody, body);
    setFieldErrors(errors);
    if (Object.keys(errors).length > 0) return;
    update.mutate(body, {
      onSuccess: () => onDone(true),
      onError: (err) => setFieldErrors(isApiError(err) ? err.fieldErrors : {}),
    });
  };
  const formError = update.error && isApiError(update.error) && !isFieldValidation(update.error) ? update.error : null;

  return (
    <form className="edit-form form-stack" onSubmit={onSubmit} noValidate aria-label="Edit details">
      {formError && <Alert tone="error">{formError.message}</Alert>}
      <TextField label="Title" name="title" value={title} onChange={(e) => setTitle(e.target.value)} error={fieldErrors.title} maxLength={200} autoFocus required />
      <TextAreaField
        label="Description"
        name="description"
        value={description}
        onChange={(e) => setDescription(e.target.value)}
        error={fieldErrors.description}
        rows={4}
        maxLength={5000}
        hint="Optional. People you invite see it under the title."
      />
      <div className="form-actions">
        <Button type="submit" variant="primary" busy={update.isPending}>
          Save changes
        </Button>
        <Button onClick={() => onDone(false)} disabled={update.isPending}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
