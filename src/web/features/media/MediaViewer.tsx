import type { MediaDto } from '../../../contracts/api.js';
import { ExternalIcon } from '../../ui/icons.js';
import { MediaThumb } from './MediaThumb.js';

/**
 * Plays or shows the media in the page from its file URL (progressive download with Range).
 * Video moves to HLS and documents to pdf.js in later issues; this is the one place to change.
 */
export function MediaViewer({ media }: { media: MediaDto }) {
  if (media.status !== 'ready') {
    return (
      <div className="viewer viewer-placeholder">
        <MediaThumb type={media.type} />
        <p className="viewer-status">{media.status === 'processing' ? 'Still processing. This page updates when it is ready.' : 'Processing failed for this file.'}</p>
      </div>
    );
  }
  if (media.type === 'video' || media.type === 'quiz') {
    return (
      <div className="viewer viewer-video">
        <video controls preload="metadata" playsInline src={media.fileUrl} aria-label={`Video: ${media.title}`} />
      </div>
    );
  }
  if (media.type === 'audio') {
    return (
      <div className="viewer viewer-audio">
        <MediaThumb type="audio" />
        <audio controls preload="metadata" src={media.fileUrl} aria-label={`Audio: ${media.title}`} />
      </div>
    );
  }
  if (media.type === 'document' && media.mimeType.startsWith('image/')) {
    return (
      <div className="viewer viewer-image">
        <img src={media.fileUrl} alt={media.description || media.title} />
      </div>
    );
  }
  if (media.type === 'document') {
    return (
      <div className="viewer viewer-document">
        <iframe src={media.fileUrl} title={`Document: ${media.title}`} />
        <a className="viewer-open-link" href={media.fileUrl} target="_blank" rel="noopener">
          <ExternalIcon size={16} /> Open in a new tab
        </a>
      </div>
    );
  }
  return (
    <div className="viewer viewer-placeholder">
      <MediaThumb type={media.type} />
    </div>
  );
}
