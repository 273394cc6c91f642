import type { Media } from '../db/schema.js';
import { eventPhase } from '../domain/event-phase.js';
import type { Visitor } from '../domain/visitor.js';
import type { LiveEventRepository } from '../repositories/live-event.repository.js';
import type { AccessRule, AccessService } from './access.service.js';
import { scheduleOf } from './live-event.service.js';
import type { SettingsService } from './settings.service.js';

/**
 * "After the event ends the room closes, and the same invite link leads to the recording":
 * whoever may open an ended live event may watch its recording, when the site setting allows it.
 */
export class RecordingAccessRule implements AccessRule {
  constructor(private readonly deps: { events: LiveEventRepository; settings: SettingsService; clock: () => number }) {}

  async roleFor(auth: Visitor, media: Media, access: AccessService): Promise<string | undefined> {
    if (media.type !== 'video') return undefined;
    const events = await this.deps.events.withRecording(media.id);
    const now = this.deps.clock();
    const ended = events.filter((e) => eventPhase(scheduleOf(e), now) === 'ended');
    if (!ended.length || !(await this.deps.settings.get()).endedEventsGoToRecording) return undefined;
    for (const e of ended) if (await access.canView(auth, e.media_id)) return 'viewer';
    return undefined;
  }
}
