import type { AccessChanged, Bus } from '../adapters/bus/bus.js';
import { accessTopic } from '../adapters/bus/bus.js';
import type { AccessService } from './access.service.js';
import { LiveEventService, type LiveEventDeps } from './live-event.service.js';
import type { MediaService } from './media.service.js';
import { RecordingAccessRule } from './recording-access.rule.js';
import { RoomService } from './room.service.js';

/** Wires the live-event module into the core services: its access rule and its media hooks. */
export function createLiveServices(deps: LiveEventDeps & { access: AccessService; media: MediaService; bus: Bus }) {
  const liveEvents = new LiveEventService(deps);
  deps.access.rules.push(new RecordingAccessRule({ access: deps.access, liveEvents, clock: deps.clock }));
  deps.media.hooks.push({
    // Open rooms of deleted media close within seconds; announced after commit.
    afterDeleted: async (media) => {
      const message: AccessChanged = { mediaId: media.id, sessionIds: [], userIds: [], role: null, reason: 'media_deleted' };
      await deps.bus.publish(accessTopic(media.id), message).catch((err) => deps.logger.warn({ err, mediaId: media.id }, 'could not announce a media deletion'));
    },
  });
  const room = new RoomService({ db: deps.db, access: deps.access, liveEvents, bus: deps.bus, clock: deps.clock, logger: deps.logger });
  return { liveEvents, room };
}
