import type { MediaTypeDto } from '../../../contracts/api.js';
import { AudioIcon, DocumentIcon, LiveIcon, QuizIcon, VideoIcon } from '../../ui/icons.js';

export const mediaTypeLabel: Record<MediaTypeDto, string> = {
  video: 'Video',
  audio: 'Audio',
  document: 'Document',
  quiz: 'Quiz',
  live: 'Live event',
};

export function MediaTypeIcon({ type, size = 20 }: { type: MediaTypeDto; size?: number }) {
  const Icon = type === 'video' ? VideoIcon : type === 'audio' ? AudioIcon : type === 'document' ? DocumentIcon : type === 'quiz' ? QuizIcon : LiveIcon;
  return <Icon size={size} />;
}

/** The poster frame when there is one (videos once transcoded), else artwork per media type. */
export function MediaThumb({ type, posterUrl }: { type: MediaTypeDto; posterUrl?: string | null }) {
  return (
    <div className={`media-thumb media-thumb-${type} ${posterUrl ? 'media-thumb-poster' : ''}`} aria-hidden="true">
      {posterUrl ? (
        <img className="media-thumb-img" src={posterUrl} alt="" loading="lazy" decoding="async" />
      ) : (
        <span className="media-thumb-icon">
          <MediaTypeIcon type={type} size={34} />
        </span>
      )}
    </div>
  );
}

export function MediaTypeBadge({ type }: { type: MediaTypeDto }) {
  return (
    <span className={`badge badge-type badge-${type}`}>
      <MediaTypeIcon type={type} size={14} />
      {mediaTypeLabel[type]}
    </span>
  );
}
