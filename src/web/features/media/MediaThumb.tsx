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

/** Placeholder artwork per media type until real thumbnails exist. */
export function MediaThumb({ type }: { type: MediaTypeDto }) {
  return (
    <div className={`media-thumb media-thumb-${type}`} aria-hidden="true">
      <span className="media-thumb-icon">
        <MediaTypeIcon type={type} size={34} />
      </span>
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
