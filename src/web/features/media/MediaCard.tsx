import { Link } from 'react-router';
import type { MediaDto } from '../../../contracts/api.js';
import { formatBytes, formatDate } from '../../ui/format.js';
import { MediaThumb, MediaTypeBadge } from './MediaThumb.js';
import { MediaStatusBadge } from './MediaViewer.js';

/** One library tile; the whole card is the link to the media page. */
export function MediaCard({ media, highlight }: { media: MediaDto; highlight?: boolean }) {
  return (
    <li className={`media-card ${highlight ? 'media-card-new' : ''}`}>
      <Link to={media.type === 'live' ? `/events/${media.id}` : `/media/${media.id}`} className="media-card-link">
        <MediaThumb type={media.type} />
        {media.status !== 'ready' && (
          <span className="media-card-status">
            <MediaStatusBadge media={media} showPercent />
          </span>
        )}
        <div className="media-card-body">
          <h3 className="media-card-title">{media.title}</h3>
          <div className="media-card-meta">
            <MediaTypeBadge type={media.type} />
            <span className="media-card-facts">
              {formatBytes(media.sizeBytes)}
              <span aria-hidden="true"> · </span>
              <time dateTime={media.createdAt}>{formatDate(media.createdAt)}</time>
            </span>
          </div>
        </div>
      </Link>
    </li>
  );
}
