import type { User } from '../../db/schema.js';
import { hashToken, looksLikeToken, newToken } from '../../domain/tokens.js';
import { AppError } from '../../errors.js';
import type { StreamKeyRepository } from '../../repositories/stream-key.repository.js';
import type { LiveEventService } from '../live-event.service.js';
import type { MediaService } from '../media.service.js';

export interface StreamKeyDeps {
  repo: StreamKeyRepository;
  media: MediaService;
  liveEvents: LiveEventService;
  clock: () => number;
  /** The RTMP address shown to owners (config.live.rtmpPublicUrl); null when RTMP is off. */
  serverUrl: string | null;
}

/** What an owner sees: where to send the stream and, only in the answer that made it, the key. */
export interface StreamKeyView {
  serverUrl: string | null;
  streamKey: string | null;
  createdAt: number | null;
}

/**
 * DIY live stream keys: one per event, made by its owner, stored as a SHA-256 only. The RTMP listener
 * turns a key into its event with `eventForKey` before a publish is accepted. docs/live-video.md.
 */
export class StreamKeyService {
  constructor(private readonly deps: StreamKeyDeps) {}

  /** The event's key state for its owner; the key itself is never shown again after it was made. */
  async describe(user: User, mediaId: string): Promise<StreamKeyView> {
    await this.diyLiveEvent(user, mediaId);
    const row = await this.deps.repo.find(mediaId);
    return { serverUrl: this.deps.serverUrl, streamKey: null, createdAt: row?.created_at ?? null };
  }

  /**
   * A new key for the event, answered this once. The previous key stops working at once for new
   * publishes; an encoder publishing with it now is not cut off, but cannot reconnect with it.
   */
  async regenerate(user: User, mediaId: string): Promise<StreamKeyView> {
    await this.diyLiveEvent(user, mediaId);
    const streamKey = newToken();
    const createdAt = this.deps.clock();
    await this.deps.repo.replace({ media_id: mediaId, key_hash: hashToken(streamKey), created_at: createdAt });
    return { serverUrl: this.deps.serverUrl, streamKey, createdAt };
  }

  /** The event (media id) whose current key this is, or undefined. Never throws on a malformed key. */
  async eventForKey(streamKey: string): Promise<string | undefined> {
    if (!looksLikeToken(streamKey)) return undefined;
    return (await this.deps.repo.findByHash(hashToken(streamKey)))?.media_id;
  }

  /** Owners and admins only (others get the same 404 as every owner action on events); DIY live events only. */
  private async diyLiveEvent(user: User, mediaId: string): Promise<void> {
    const media = await this.deps.media.getManaged(user, mediaId);
    const event = media.type === 'live' ? await this.deps.liveEvents.find(media.id) : undefined;
    if (!event) throw new AppError('not_found', { message: 'Live event not found.' });
    if (event.kind !== 'diy_live') {
      throw new AppError('conflict', {
        message: 'Stream keys are for DIY live events, which take the video from an encoder such as OBS. Change the event type to DIY live first.',
        details: { kind: event.kind },
      });
    }
  }
}
