import type { GuestMediaDto, SessionInfo } from '../../../contracts/api.js';

export type Guest = NonNullable<SessionInfo['guest']>;

/** “A”, “A” and “B”, “A”, “B” and “C”: the media an invite guest holds, as one phrase. */
export function quotedTitles(titles: readonly string[]): string {
  const t = titles.map((x) => `“${x}”`);
  return t.length <= 1 ? (t[0] ?? '') : `${t.slice(0, -1).join(', ')} and ${t[t.length - 1]}`;
}

/** The guest's media this page is about (its own page, or the event of `/events/:id`), else the first. */
export function currentGuestMedia(guest: Guest, pathname: string): GuestMediaDto {
  const m = /^\/(?:media|events)\/([^/?#]+)/.exec(pathname);
  return guest.media.find((g) => g.mediaId === m?.[1]) ?? guest.media[0]!;
}
