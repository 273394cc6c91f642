import type { ReactNode } from 'react';
import type { LobbyInfo } from '../../../contracts/invites.js';
import { BrandMark } from '../../ui/Brand.js';
import { formatDateTime } from '../../ui/format.js';
import { CalendarIcon } from '../../ui/icons.js';
import { PageTitle } from '../../ui/PageTitle.js';
import { MediaTypeIcon, mediaTypeLabel } from '../media/MediaThumb.js';

/** The lobby's card: what the invite is for (never whom it was sent to), then the step at hand. */
export function LobbyFrame({ info, title, children, footer = true }: { info?: LobbyInfo; title: string; children: ReactNode; footer?: boolean }) {
  const media = info?.media;
  return (
    <div className="auth-page lobby-page">
      <PageTitle>{title}</PageTitle>
      <main className="auth-card lobby-card" aria-labelledby={media ? 'lobby-media-title' : undefined}>
        <div className="lobby-brand">
          <BrandMark size={32} />
          <span className="lobby-brand-name">Foyer</span>
        </div>
        {media && (
          <div className="lobby-media">
            <span className={`lobby-media-icon media-thumb-${media.type}`} aria-hidden="true">
              <MediaTypeIcon type={media.type} size={26} />
            </span>
            <div className="lobby-media-text">
              <p className="lobby-eyebrow">You’re invited to</p>
              <h1 id="lobby-media-title" className="lobby-media-title">
                {media.title}
              </h1>
              <p className="lobby-media-meta">
                {mediaTypeLabel[media.type]} · shared by {media.ownerName}
              </p>
              {media.startsAt && (
                <p className="lobby-media-meta lobby-media-start">
                  <CalendarIcon size={15} /> Starts <time dateTime={media.startsAt}>{formatDateTime(media.startsAt)}</time>
                </p>
              )}
            </div>
          </div>
        )}
        {children}
      </main>
      {footer && (
        <aside className="lobby-notes" aria-label="Good to know">
          <h2 className="lobby-notes-title">Good to know</h2>
          {info?.accountShare ? (
            <ul>
              <li>It opens on any device where you sign in with {info.accountShare.providerName}, until the invite expires or the owner removes it.</li>
              <li>The invite gives you access only to the media you were invited to, not to other areas of the site.</li>
            </ul>
          ) : (
            <ul>
              <li>Your link may only work once or for a limited time, depending on site settings.</li>
              <li>If you switch devices, you’ll need a new link.</li>
              <li>The invite gives you access only to the media you were invited to, not to other areas of the site.</li>
            </ul>
          )}
        </aside>
      )}
    </div>
  );
}
