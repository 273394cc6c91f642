import { Suspense, useState, type ReactNode } from 'react';
import { Link, Navigate, useLocation, useNavigate, useParams } from 'react-router';
import { isApiError } from '../api/client.js';
import { lazyComponent } from '../lazy-component.js';
import { AccessRefusedPage } from '../features/access/AccessRefusedPage.js';
import { isAccessRefusalCode } from '../features/access/refusal-store.js';
import { MediaTypeBadge } from '../features/media/MediaThumb.js';
import { MediaStatusBadge, MediaViewer } from '../features/media/MediaViewer.js';
import { queryKeys } from '../api/endpoints.js';
import { useQueryClient } from '@tanstack/react-query';
import { useForgetMedia, useMediaItem } from '../features/media/useMedia.js';
import { useSession } from '../features/session/useSession.js';
import { Button, ButtonLink } from '../ui/Button.js';
import { PageTitle } from '../ui/PageTitle.js';
import { EmptyState } from '../ui/EmptyState.js';
import { ErrorState } from '../ui/ErrorState.js';
import { formatBytes, formatDateTime } from '../ui/format.js';
import { ArrowLeftIcon, LockIcon, PencilIcon, TrashIcon } from '../ui/icons.js';
import { LoadingBlock } from '../ui/Spinner.js';
import { useToast } from '../ui/Toasts.js';

// Owner-only parts, one chunk (features/media/owner-parts.ts); a guest never loads it.
const ownerChunk = () => import('../features/media/owner-parts.js');
const ownerParts = {
  DeleteMediaDialog: lazyComponent(() => ownerChunk().then((m) => m.DeleteMediaDialog)),
  EditMediaForm: lazyComponent(() => ownerChunk().then((m) => m.EditMediaForm)),
  OwnerTools: lazyComponent(() => ownerChunk().then((m) => m.OwnerTools)),
  QuizEditor: lazyComponent(() => ownerChunk().then((m) => m.QuizEditor)),
  QuizResults: lazyComponent(() => ownerChunk().then((m) => m.QuizResults)),
  InviteButtonSlot: lazyComponent(() => ownerChunk().then((m) => m.InviteButtonSlot)),
  PeopleWithAccessSlot: lazyComponent(() => ownerChunk().then((m) => m.PeopleWithAccessSlot)),
};
/** All of them at once, so a part shown later (the edit form) renders without waiting. */
const loadOwnerParts = () => void Promise.all(Object.values(ownerParts).map((p) => p.load())).catch(() => undefined);
const DeleteMediaDialog = ownerParts.DeleteMediaDialog.Component;
const EditMediaForm = ownerParts.EditMediaForm.Component;
const OwnerTools = ownerParts.OwnerTools.Component;
const QuizEditor = ownerParts.QuizEditor.Component;
const QuizResults = ownerParts.QuizResults.Component;
const InviteButtonSlot = ownerParts.InviteButtonSlot.Component;
const PeopleWithAccessSlot = ownerParts.PeopleWithAccessSlot.Component;
/** An owner part shows once its chunk is in (a moment after the page, the first time). */
const Owner = ({ children }: { children: ReactNode }) => <Suspense fallback={null}>{children}</Suspense>;

export function MediaPage() {
  const { id = '' } = useParams();
  const item = useMediaItem(id);
  const location = useLocation();
  const navigate = useNavigate();
  const toast = useToast();
  const forget = useForgetMedia();
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const qc = useQueryClient();
  const session = useSession();
  const user = session.data?.user ?? null;
  const guest = user ? null : (session.data?.guest ?? null);

  if (item.isPending) return <LoadingBlock label="Loading media…" />;
  if (item.isError) {
    const err = item.error;
    if (isApiError(err) && err.code === 'unauthenticated') {
      return <Navigate to={`/login?next=${encodeURIComponent(location.pathname)}`} replace />;
    }
    if (isApiError(err) && isAccessRefusalCode(err.code)) {
      const d = (err.details ?? {}) as { title?: string; url?: string };
      return <AccessRefusedPage code={err.code} mediaTitle={d.title ?? guest?.media[0]?.title} backTo={d.url} isUser={Boolean(user)} shared={guest?.media} />;
    }
    if (isApiError(err) && err.code === 'not_found') {
      return (
        <div className="page">
          <EmptyState
            icon={<LockIcon size={28} />}
            title="Media not found"
            action={
              <ButtonLink to="/" variant="primary">
                Go to your library
              </ButtonLink>
            }
          >
            It may have been deleted, your access may have been removed, or it belongs to someone else.
          </EmptyState>
        </div>
      );
    }
    return (
      <div className="page">
        <ErrorState error={err} onRetry={() => void item.refetch()} title="Could not load this media" />
      </div>
    );
  }

  const { media } = item.data;
  if (media.type === 'live') return <Navigate to={`/events/${encodeURIComponent(media.id)}`} replace />;
  if (media.canManage) loadOwnerParts();
  return (
    <div className="page page-media">
      <PageTitle>{media.title}</PageTitle>
      {user && (
        <Link to="/" className="back-link">
          <ArrowLeftIcon size={16} /> Library
        </Link>
      )}

      <div className="media-layout">
        <div className="media-main">
          <MediaViewer media={media} />

          <section className="media-details" aria-label="Details">
            {editing ? (
              <Owner>
                <EditMediaForm
                  media={media}
                  onDone={(saved) => {
                    setEditing(false);
                    if (saved) toast.show('Changes saved.');
                  }}
                />
              </Owner>
            ) : (
              <>
                <div className="media-heading">
                  <h1 className="media-title">{media.title}</h1>
                  {media.canManage && (
                    <div className="media-actions">
                      <Owner>
                        <InviteButtonSlot media={media} />
                      </Owner>
                      <Button size="sm" icon={<PencilIcon size={16} />} onClick={() => setEditing(true)}>
                        Edit details
                      </Button>
                      <Button size="sm" variant="danger" icon={<TrashIcon size={16} />} onClick={() => setDeleting(true)}>
                        Delete
                      </Button>
                    </div>
                  )}
                </div>
                <div className="media-meta">
                  <MediaTypeBadge type={media.type} />
                  <MediaStatusBadge media={media} showPercent />
                  <span>by {media.owner.name}</span>
                </div>
                {media.description ? <p className="media-description">{media.description}</p> : media.canManage && <p className="muted">No description yet.</p>}
              </>
            )}
          </section>

          {media.canManage && media.status === 'ready' && (media.type === 'video' || media.type === 'quiz') && (
            <section className="panel quiz-section" aria-labelledby="quiz-editor-title">
              <h2 id="quiz-editor-title" className="panel-title">
                {media.type === 'quiz' ? 'Quiz questions' : 'Make it a quiz'}
              </h2>
              <p className="muted small">
                {media.type === 'quiz'
                  ? 'The player stops at each question’s time. New questions start at the player’s current position.'
                  : 'Add questions at moments of the video; viewers answer them as it plays. New questions start at the player’s current position.'}
              </p>
              <Owner>
                <QuizEditor
                  mediaId={media.id}
                  currentTime={currentPlayerTime}
                  onSaved={() => void qc.invalidateQueries({ queryKey: queryKeys.mediaItem(media.id) })}
                />
              </Owner>
            </section>
          )}
        </div>

        <aside className="media-side" aria-label="About this media">
          <section className="panel" aria-labelledby="file-info">
            <h2 id="file-info" className="panel-title">
              File
            </h2>
            <dl className="facts">
              <div>
                <dt>Name</dt>
                <dd className="break">{media.originalName}</dd>
              </div>
              <div>
                <dt>Format</dt>
                <dd>{media.mimeType}</dd>
              </div>
              <div>
                <dt>Size</dt>
                <dd>{formatBytes(media.sizeBytes)}</dd>
              </div>
              <div>
                <dt>Uploaded</dt>
                <dd>
                  <time dateTime={media.createdAt}>{formatDateTime(media.createdAt)}</time>
                </dd>
              </div>
            </dl>
          </section>
          {media.canManage && (
            <Owner>
              <OwnerTools media={media} />
            </Owner>
          )}
        </aside>
      </div>

      {media.canManage && (
        <Owner>
          <PeopleWithAccessSlot media={media} />
        </Owner>
      )}
      {media.canManage && media.type === 'quiz' && (
        <section className="panel quiz-section" aria-label="Quiz answers and scores">
          <Owner>
            <QuizResults key={media.updatedAt} mediaId={media.id} />
          </Owner>
        </section>
      )}

      {media.canManage && (
        <Owner>
          <DeleteMediaDialog
            media={media}
            open={deleting}
            onClose={() => setDeleting(false)}
            onDeleted={async () => {
              toast.show(`“${media.title}” was deleted.`);
              await navigate('/', { replace: true });
              forget(media.id);
            }}
          />
        </Owner>
      )}
    </div>
  );
}

/** The position of the player on the page (the quiz editor places new questions there). */
function currentPlayerTime(): number {
  return document.querySelector<HTMLMediaElement>('[data-testid="player-media"]')?.currentTime ?? 0;
}
