import { useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { mediaTypes, type MediaDto, type MediaTypeDto } from '../../contracts/api.js';
import { librarySorts, sortLabels, viewLibrary, type LibraryQuery, type LibrarySort } from '../features/media/library-view.js';
import { mediaTypeLabel } from '../features/media/MediaThumb.js';
import { MediaCard } from '../features/media/MediaCard.js';
import { StorageMeter } from '../features/media/StorageMeter.js';
import { UploadDialog } from '../features/media/UploadDialog.js';
import { useAddUploadedMedia, useMediaList } from '../features/media/useMedia.js';
import { Button, ButtonLink } from '../ui/Button.js';
import { PageTitle } from '../ui/PageTitle.js';
import { EmptyState } from '../ui/EmptyState.js';
import { ErrorState } from '../ui/ErrorState.js';
import { LibraryIcon, LiveIcon, UploadIcon } from '../ui/icons.js';
import { useToast } from '../ui/Toasts.js';

/** The toolbar's choices live in the address (?type=&sort=&q=), so a reload or a shared link keeps them. */
function useLibraryQuery(): [LibraryQuery, (patch: Partial<LibraryQuery>) => void] {
  const [params, setParams] = useSearchParams();
  const type = params.get('type');
  const sort = params.get('sort');
  const query: LibraryQuery = {
    type: mediaTypes.includes(type as MediaTypeDto) ? (type as MediaTypeDto) : 'all',
    sort: librarySorts.includes(sort as LibrarySort) ? (sort as LibrarySort) : 'newest',
    text: params.get('q') ?? '',
  };
  const set = (patch: Partial<LibraryQuery>) => {
    const next = { ...query, ...patch };
    const p = new URLSearchParams();
    if (next.type !== 'all') p.set('type', next.type);
    if (next.sort !== 'newest') p.set('sort', next.sort);
    if (next.text) p.set('q', next.text);
    setParams(p, { replace: true });
  };
  return [query, set];
}

export function LibraryPage() {
  const list = useMediaList();
  const [query, setQuery] = useLibraryQuery();
  const shown = useMemo(() => (list.data ? viewLibrary(list.data, query) : []), [list.data, query.type, query.sort, query.text]);
  const filtered = query.type !== 'all' || query.text.trim() !== '';
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
            {list.data
              ? filtered
                ? `${shown.length} of ${list.data.length} ${list.data.length === 1 ? 'item' : 'items'}`
                : `${list.data.length} ${list.data.length === 1 ? 'item' : 'items'}`
              : 'Your videos, audio and documents'}
          </p>
          <StorageMeter />
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
          Upload a video, audio file or PDF, or create a live event. Everything stays private until you invite someone to it.
        </EmptyState>
      ) : (
        <>
          <div className="library-toolbar" role="search" aria-label="Find in your library">
            <input type="search" className="input library-search" aria-label="Search titles" placeholder="Search titles" value={query.text} onChange={(e) => setQuery({ text: e.target.value })} />
            <label className="library-select">
              <span className="library-select-label">Type</span>
              <select className="input" value={query.type} onChange={(e) => setQuery({ type: e.target.value as LibraryQuery['type'] })}>
                <option value="all">All types</option>
                {mediaTypes.map((t) => (
                  <option key={t} value={t}>
                    {mediaTypeLabel[t]}
                  </option>
                ))}
              </select>
            </label>
            <label className="library-select">
              <span className="library-select-label">Sort</span>
              <select className="input" value={query.sort} onChange={(e) => setQuery({ sort: e.target.value as LibrarySort })}>
                {librarySorts.map((s) => (
                  <option key={s} value={s}>
                    {sortLabels[s]}
                  </option>
                ))}
              </select>
            </label>
          </div>
          {shown.length === 0 ? (
            <EmptyState
              icon={<LibraryIcon size={30} />}
              title="Nothing matches"
              action={
                <Button onClick={() => setQuery({ type: 'all', text: '' })} disabled={!filtered}>
                  Show everything
                </Button>
              }
            >
              No {query.type === 'all' ? 'media' : mediaTypeLabel[query.type].toLowerCase()} {query.text.trim() ? <>with “{query.text.trim()}” in the title</> : 'in your library yet'}.
            </EmptyState>
          ) : (
            <ul className="media-grid" aria-label="Media">
              {shown.map((m) => (
                <MediaCard key={m.id} media={m} highlight={m.id === fresh} />
              ))}
            </ul>
          )}
        </>
      )}

      <UploadDialog open={uploading} onClose={() => setUploading(false)} onUploaded={onUploaded} />
    </div>
  );
}
