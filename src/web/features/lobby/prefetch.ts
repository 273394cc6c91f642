import type { MediaTypeDto } from '../../../contracts/api.js';
import { pages } from '../../routes/pages.js';
import { prefetchViewer } from '../media/viewers.js';

/**
 * Fetches, while the person types their email, the code the step after the lobby needs: the guest
 * shell, the media page (or the live event page) and the viewer for this media type (the player for
 * a video). Waits until the browser is idle so it never delays the lobby itself; a failure is left to
 * the real navigation, which loads the same modules again.
 */
export function prefetchNextStep(type: MediaTypeDto): () => void {
  const run = () => void Promise.all([pages.appLayout(), type === 'live' ? pages.liveEvent() : pages.media(), prefetchViewer(type)]).catch(() => undefined);
  if (typeof requestIdleCallback === 'function') {
    const id = requestIdleCallback(run, { timeout: 1500 });
    return () => cancelIdleCallback(id);
  }
  const timer = setTimeout(run, 300);
  return () => clearTimeout(timer);
}
