import { useState } from 'react';
import type { MediaDto } from '../../contracts/api.js';
import { MediaCard } from '../features/media/MediaCard.js';
import { UploadDialog } from '../features/media/UploadDialog.js';
import { useAddUploadedMedia, useMediaList } from '../features/media/useMedia.js';
import { Button, ButtonLink } from '../ui/Button.js';
import { PageTitle } from '../ui/PageTitle.js';
import { EmptyState } from '../ui/EmptyState.js';
import { ErrorState } from '../ui/ErrorState.js';
import { LibraryIcon, LiveIcon, UploadIcon } from '../ui/icons.js';
import { useToast } from '../ui/Toasts.js';

export function LibraryPage() {
  const list = useMediaList();
  const [uploading, setUploading] = useState(false);
  const [fresh, setFresh] = useState<string | null>(null);
  const add = useAddUploadedMedia();
  const toast = useToast();

  const onUploaded = (media: MediaDto) => {
    add(media);
    setFresh(media.id);
    setUploading(false);
    toast.show(`“${media.title}” is uploaded.`);
  };
  const uploadButton = (
    <Button variant="primary" icon={<UploadIcon size={18} />} onClick={() => setUploading(true)}>
      Upload
    </Button>
  );

  return (
    <div className="page">
      <PageTitle>Library</PageTitle>
      <div className="page-header">
        <div>
          <h1 className="page-title">Library</h1>
          <p className="page-subtitle">
            {list.data ? `${list.data.length} ${list.data.length === 1 ? 'item' : 'items'}` : 'Your videos, audio and documents'}
          </p>
        </div>
        <div className="page-header-actions">
          <ButtonLink to="/events/new" icon={<LiveIcon size={18} />}>
            New live event
          </ButtonLink>
          {list.data && list.data.length > 0 && uploadButton}
        </div>
      </div>

      {list.isPending ? (
        <ul className="media-grid" aria-busy="true" aria-label="Loading your library">
          {Array.from({ length: 6 }, (_, i) => (
            <li key={i} className="media-card media-card-skeleton">
              <div className="skeleton skeleton-thumb" />
              <div className="media-card-body">
                <div className="skeleton skeleton-line" />
                <div className="skeleton skeleton-line skeleton-line-short" />
              </div>
            </li>
          ))}
        </ul>
      ) : list.isError ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} title="Could not load your library" />
      ) : list.data.length === 0 ? (
        <EmptyState icon={<LibraryIcon size={30} />} title="Your library is empty" action={uploadButton}>
          Upload a video, audio file or PDF. It stays private until you invite someone to it.
        </EmptyState>
      ) : (
        <ul className="media-grid" aria-label="Media">
          {list.data.map((m) => (
            <MediaCard key={m.id} media={m} highlight={m.id === fresh} />
          ))}
        </ul>
      )}

      <UploadDialog open={uploading} onClose={() => setUploading(false)} onUploaded={onUploaded} />
    </div>
  );
}
