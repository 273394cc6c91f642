import type { StreamKeyDto } from '../../../contracts/live-video.js';
import { iso } from '../../domain/time.js';
import type { StreamKeyView } from '../../services/live-video/stream-key.service.js';

export const presentStreamKey = (v: StreamKeyView): StreamKeyDto => ({
  serverUrl: v.serverUrl,
  streamKey: v.streamKey,
  createdAt: v.createdAt === null ? null : iso(v.createdAt),
});
