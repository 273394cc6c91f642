import { Suspense, type ReactNode } from 'react';
import type { MediaDto } from '../../../contracts/api.js';
import { LoadingBlock } from '../../ui/Spinner.js';
import { ImageViewer } from './ImageViewer.js';
import { MediaThumb } from './MediaThumb.js';
import { HlsPlayer, PdfViewer, QuizPlayer } from './viewers.js';

/**
 * The media in the page. Video and audio play through the HLS player, quizzes through the quiz
 * player, PDFs through pdf.js; all of them fetch short-lived signed URLs (docs/delivery.md), so a
 * guest plays the same way as the owner. Until the transcode is done the processing state shows;
 * the page polls the item and swaps in the player when it turns ready. Each viewer is its own chunk
 * (`viewers.ts`), loaded here unless prefetched (the lobby does).
 */
export function MediaViewer({ media }: { media: MediaDto }) {
  if (media.status !== 'ready') return <ProcessingPanel media={media} />;
  if (media.type === 'video' || media.type === 'audio') {
    return (
      <div className={`viewer viewer-player viewer-player-${media.type}`}>
        <Viewer>
          <HlsPlayer key={media.id} mediaId={media.id} title={media.title} />
        </Viewer>
      </div>
    );
  }
  if (media.type === 'quiz') {
    return (
      <div className="viewer viewer-player viewer-quiz">
        <Viewer>
          <QuizPlayer key={media.id} mediaId={media.id} title={media.title} />
        </Viewer>
      </div>
    );
  }
  if (media.type === 'document' && media.mimeType.startsWith('image/')) {
    return (
      <div className="viewer viewer-image">
        <ImageViewer key={media.id} mediaId={media.id} alt={media.description || media.title} />
      </div>
    );
  }
  if (media.type === 'document') {
    return (
      <div className="viewer viewer-document">
        <Viewer>
          <PdfViewer key={media.id} mediaId={media.id} title={media.title} />
        </Viewer>
      </div>
    );
  }
  return (
    <div className="viewer viewer-placeholder">
      <MediaThumb type={media.type} />
    </div>
  );
}

/** Where a viewer's chunk is still loading, the frame shows a spinner. */
function Viewer({ children }: { children: ReactNode }) {
  return <Suspense fallback={<LoadingBlock label="Loading the viewer…" />}>{children}</Suspense>;
}

/** Queued, processing with its progress, or failed with ffmpeg's reason. */
export function ProcessingPanel({ media }: { media: MediaDto }) {
  const percent = Math.round(media.progress * 100);
  const failed = media.status === 'failed';
  return (
    <div className={`viewer viewer-processing ${failed ? 'viewer-processing-failed' : ''}`} data-testid="processing-status" data-status={media.status}>
      <MediaThumb type={media.type} />
      <div className="viewer-processing-body" role={failed ? 'alert' : 'status'}>
        <MediaStatusBadge media={media} />
        {failed ? (
          <>
            <p className="viewer-processing-title">This file could not be processed.</p>
            {media.failureReason && <p className="viewer-processing-reason">{media.failureReason}</p>}
            {media.canManage && <p className="viewer-processing-hint">Delete it and upload the file again, or try another copy of it.</p>}
          </>
        ) : (
          <>
            <p className="viewer-processing-title">
              {media.status === 'queued' ? 'Waiting for its turn to be processed…' : `Preparing it for streaming… ${percent}%`}
            </p>
            <div className="progress" role="progressbar" aria-label="Processing progress" aria-valuemin={0} aria-valuemax={100} aria-valuenow={media.status === 'queued' ? undefined : percent}>
              <div className={`progress-bar ${media.status === 'queued' ? 'progress-bar-waiting' : ''}`} style={{ width: media.status === 'queued' ? '100%' : `${percent}%` }} />
            </div>
            <p className="viewer-processing-hint">This page updates by itself when it is ready.</p>
          </>
        )}
      </div>
    </div>
  );
}

const statusLabel: Record<MediaDto['status'], string> = { queued: 'Queued', processing: 'Processing', ready: 'Ready', failed: 'Failed' };

/** The processing state as a small badge (library cards and the media page). Nothing when ready. */
export function MediaStatusBadge({ media, showPercent }: { media: Pick<MediaDto, 'status' | 'progress'>; showPercent?: boolean }) {
  if (media.status === 'ready') return null;
  const tone = media.status === 'failed' ? 'badge-danger' : media.status === 'processing' ? 'badge-brand' : 'badge-warning';
  return (
    <span className={`badge ${tone}`} data-testid="media-status" data-status={media.status}>
      {statusLabel[media.status]}
      {showPercent && media.status === 'processing' ? ` ${Math.round(media.progress * 100)}%` : ''}
    </span>
  );
}
