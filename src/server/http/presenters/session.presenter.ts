import type { MediaTypeDto, SessionInfo } from '../../../contracts/api.js';
import { guestMediaUrl, type GuestScope } from '../../domain/visitor.js';
import { iso } from '../../domain/time.js';

/** An invite guest's scope for the browser: the media it holds now, or null when nothing is left. */
export const presentGuest = (guest: GuestScope | undefined): SessionInfo['guest'] => {
  if (!guest || guest.media.length === 0) return null;
  return {
    media: guest.media.map((m) => ({
      mediaId: m.mediaId,
      title: m.title,
      type: m.type as MediaTypeDto,
      role: m.role,
      url: guestMediaUrl(m),
      expiresAt: iso(m.expiresAt),
    })),
  };
};
