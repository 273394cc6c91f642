import { useEffect, useId, useRef, useState, type DragEvent } from 'react';
import type { MediaDto } from '../../../contracts/api.js';
import type { ApiError } from '../../api/client.js';
import { uploadMediaResumable, type UploadHandle } from '../../api/upload.js';
import { Alert } from '../../ui/Alert.js';
import { Button } from '../../ui/Button.js';
import { Dialog } from '../../ui/Dialog.js';
import { formatBytes } from '../../ui/format.js';
import { UploadIcon } from '../../ui/icons.js';
import { uploadErrorTitle } from './upload-errors.js';

type State =
  | { kind: 'idle' }
  | { kind: 'uploading'; file: File; loaded: number; total: number }
  | { kind: 'failed'; file: File; error: ApiError | Error };

const ACCEPT = 'video/*,audio/*,application/pdf,image/png,image/jpeg,image/webp,image/gif';

/** Pick or drop one file; it uploads at once with a real progress bar. */
export function UploadDialog({ open, onClose, onUploaded }: { open: boolean; onClose: () => void; onUploaded: (media: MediaDto) => void }) {
  const [state, setState] = useState<State>({ kind: 'idle' });
  const [dragging, setDragging] = useState(false);
  const handle = useRef<UploadHandle | null>(null);
  const inputId = useId();
  const hintId = useId();

  useEffect(() => {
    if (!open) {
      handle.current?.abort();
      handle.current = null;
      setState({ kind: 'idle' });
    }
  }, [open]);

  const start = (file: File) => {
    setState({ kind: 'uploading', file, loaded: 0, total: file.size });
    const h = uploadMediaResumable(file, ({ loaded, total }) => setState((s) => (s.kind === 'uploading' && s.file === file ? { ...s, loaded, total } : s)));
    handle.current = h;
    h.promise.then(
      (media) => {
        if (handle.current !== h) return;
        handle.current = null;
        onUploaded(media);
      },
      (error: Error) => {
        if (handle.current !== h) return;
        handle.current = null;
        setState({ kind: 'failed', file, error });
      },
    );
  };

  const cancel = () => {
    handle.current?.abort();
    handle.current = null;
    setState({ kind: 'idle' });
  };

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    const file = e.dataTransfer.files[0];
    if (file && state.kind !== 'uploading') start(file);
  };

  const percent = state.kind === 'uploading' && state.total > 0 ? Math.min(100, Math.round((state.loaded / state.total) * 100)) : 0;

  return (
    <Dialog
      open={open}
      onClose={onClose}
      title="Upload media"
      description="Video, audio, PDF or image. Only you can see it until you invite someone."
      dismissible={state.kind !== 'uploading'}
      footer={
        state.kind === 'uploading' ? (
          <Button onClick={cancel}>Cancel upload</Button>
        ) : (
          <Button onClick={onClose}>Close</Button>
        )
      }
    >
      {state.kind === 'uploading' ? (
        <div className="upload-progress">
          <div className="upload-file">
            <UploadIcon size={20} />
            <div className="upload-file-text">
              <p className="upload-file-name">{state.file.name}</p>
              <p className="upload-file-size">
                {formatBytes(state.loaded)} of {formatBytes(state.total)}
              </p>
            </div>
            <span className="upload-percent" aria-hidden="true">
              {percent}%
            </span>
          </div>
          <div className="progress" role="progressbar" aria-label={`Uploading ${state.file.name}`} aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent}>
            <div className="progress-bar" style={{ width: `${percent}%` }} />
          </div>
          <p className="muted small">{percent < 100 ? 'Keep this window open until the upload finishes.' : 'Finishing up…'}</p>
        </div>
      ) : (
        <div className="upload-stack">
          {state.kind === 'failed' && (
            <Alert tone="error" title={uploadErrorTitle(state.error)}>
              <p>{state.error.message}</p>
              <p className="muted small">File: {state.file.name}</p>
            </Alert>
          )}
          <div
            className={`dropzone ${dragging ? 'dropzone-active' : ''}`}
            onDragOver={(e) => {
              e.preventDefault();
              e.dataTransfer.dropEffect = 'copy';
              setDragging(true);
            }}
            onDragLeave={() => setDragging(false)}
            onDrop={onDrop}
          >
            <input
              id={inputId}
              type="file"
              className="visually-hidden"
              accept={ACCEPT}
              aria-describedby={hintId}
              onChange={(e) => {
                const file = e.target.files?.[0];
                e.target.value = '';
                if (file) start(file);
              }}
            />
            <label htmlFor={inputId} className="dropzone-label">
              <span className="dropzone-icon">
                <UploadIcon size={28} />
              </span>
              <span className="dropzone-title">{state.kind === 'failed' ? 'Choose another file' : 'Choose a file'}</span>
              <span className="dropzone-text">or drag and drop it here</span>
            </label>
            <p id={hintId} className="dropzone-hint">
              MP4, WebM, MOV, MP3, M4A, WAV, FLAC, PDF, PNG, JPEG
            </p>
          </div>
        </div>
      )}
    </Dialog>
  );
}
