import type { Media } from '../db/schema.js';
import { eventPhase } from '../domain/event-phase.js';
import { isAppError } from '../errors.js';
import type { RequestAuth } from '../http/plugins/session.js';
import type { AccessRule, AccessService } from './access.service.js';
import { scheduleOf, type LiveEventService } from './live-event.service.js';

/**
 * "After the event ends the room closes, and the same invite link leads to the recording":
 * whoever may open an ended live event may watch its recording, when the site setting allows it.
 */
export class RecordingAccessRule implements AccessRule {
  constructor(
    private readonly deps: { access: AccessService; liveEvents: LiveEventService; clock: () => number },
  ) {}

  async roleFor(auth: RequestAuth, media: Media): Promise<string | undefined> {
    if (media.type !== 'video') return undefined;
    const events = await this.deps.liveEvents.repo.withRecording(media.id);
    const now = this.deps.clock();
    const ended = events.filter((e) => eventPhase(scheduleOf(e), now) === 'ended');
    if (!ended.length || !(await this.deps.liveEvents.endedGoesToRecording())) return undefined;
    for (const e of ended) {
      try {
        await this.deps.access.view(auth, e.media_id);
        return 'viewer';
      } catch (err) {
        if (!isAppError(err)) throw err;
      }
    }
    return undefined;
  }
}
