import { Link } from 'react-router';
import type { MediaDto } from '../../../contracts/api.js';
import { formatDate, formatEventRange } from '../../ui/format.js';
import { cardFacts, phaseLabels } from './library-view.js';
import { MediaThumb, MediaTypeBadge } from './MediaThumb.js';
import { MediaStatusBadge } from './MediaViewer.js';

/** One library tile; the whole card is the link to the media page. */
export function MediaCard({ media, highlight }: { media: MediaDto; highlight?: boolean }) {
  const facts = cardFacts(media);
  return (
    <li className={`media-card ${highlight ? 'media-card-new' : ''}`} data-media-id={media.id}>
      <Link to={media.type === 'live' ? `/events/${media.id}` : `/media/${media.id}`} className="media-card-link">
        <MediaThumb type={media.type} posterUrl={media.posterUrl} />
        {media.status !== 'ready' && (
          <span className="media-card-status">
            <MediaStatusBadge media={media} showPercent />
          </span>
        )}
        {media.event && (
          <span className={`media-card-status media-card-phase phase-${media.event.phase}`}>
            <span className={`badge ${media.event.phase === 'live' ? 'badge-live' : media.event.phase === 'ended' ? '' : 'badge-brand'}`}>{phaseLabels[media.event.phase]}</span>
          </span>
        )}
        <div className="media-card-body">
          <h3 className="media-card-title" title={media.title}>
            {media.title}
          </h3>
          <div className="media-card-meta">
            <MediaTypeBadge type={media.type} />
            {media.event ? (
              <time className="media-card-facts" dateTime={media.event.startsAt}>
                {formatEventRange(media.event.startsAt, media.event.endsAt)}
              </time>
            ) : (
              <span className="media-card-facts">
                {facts.map((f) => (
                  <span key={f} className="media-card-fact">
                    {f}
                    <span aria-hidden="true"> · </span>
                  </span>
                ))}
                <time dateTime={media.createdAt}>{formatDate(media.createdAt)}</time>
              </span>
            )}
          </div>
        </div>
      </Link>
    </li>
  );
}
