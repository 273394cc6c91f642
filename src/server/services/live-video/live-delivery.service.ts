import { createHmac } from 'node:crypto';
import type { LivePlaybackDto } from '../../../contracts/live-video.js';
import { accessChangesTopic, type AccessChanged, type Bus } from '../../adapters/bus/bus.js';
import { roomEntry } from '../../domain/event-phase.js';
import { lowRenditionSegments, measuredBandwidth, parseBlockingMsn, renderMasterPlaylist, renderMediaPlaylist, SEGMENT_NAME_RE, type LiveSegment } from '../../domain/live-playlist.js';
import { signedPrefix, verify } from '../../domain/signed-url.js';
import { liveLowSegmentKey, liveSegmentKey } from '../../domain/storage-keys.js';
import { iso } from '../../domain/time.js';
import type { Visitor } from '../../domain/visitor.js';
import { can, toRoomRole } from '../../domain/room-capabilities.js';
import { AppError } from '../../errors.js';
import type { AccessService } from '../access.service.js';
import { scheduleOf, type LiveEventService } from '../live-event.service.js';
import type { LiveStreamService } from './live-stream.service.js';

/**
 * Protected live delivery. A viewer's playlist URL is signed like video on demand, with the
 * signature in the path so the relative segment URIs inherit it:
 *
 *     /api/live/<mediaId>/<who>/<exp>/<sig>/master.m3u8      <who> = <session tag>.<account tag|->.<issued ms, base 36>
 *
 * The access check happens once, when the URL is handed out. After that every request costs one HMAC
 * and a look into an in-memory revocation set, fed by the bus (every process hears every access
 * change): a revoked invite or a deleted event stops that person's playlist at the next request —
 * the player asks for it every second — and no request queries the database.
 */
export interface LiveDeliveryDeps {
  access: AccessService;
  liveEvents: LiveEventService;
  streams: LiveStreamService;
  bus: Bus;
  secret: string;
  clock: () => number;
  /** The longest a live URL lives (the revocation set holds entries this long). */
  maxTtlMs?: number;
}

const MAX_TTL_MS = 12 * 3600_000;
/** How long a blocking playlist request waits for the segment it asks for (3 target durations, as RFC 8216bis suggests). */
const BLOCK_MS = 3_000;
const ID_RE = /^[A-Za-z0-9-]{1,64}$/;
const WHO_RE = /^([A-Za-z0-9_-]{16}|-)\.([A-Za-z0-9_-]{16}|-)\.([0-9a-z]{1,12})$/;

export const livePrefix = (mediaId: string, who: string) => `/api/live/${mediaId}/${who}/`;

/** A file under a live URL; `low`: the lower rendition's (under `lo/`). */
export type LiveFile = { kind: 'master' } | { kind: 'media'; blockMsn?: number; low: boolean } | { kind: 'segment'; msn: number; low: boolean };

export class LiveDeliveryService {
  /** mediaId → (tag → when access ended); tag '*' = everyone (event deleted). */
  private readonly revoked = new Map<string, Map<string, number>>();
  private unsubscribe: (() => Promise<void>) | undefined;
  private readonly maxTtlMs: number;

  private readonly subscribed: Promise<void>;

  constructor(private readonly deps: LiveDeliveryDeps) {
    this.maxTtlMs = deps.maxTtlMs ?? MAX_TTL_MS;
    // one subscription per process, to every access change
    this.subscribed = deps.bus.subscribe(accessChangesTopic, (m) => this.onAccessChanged(m as AccessChanged)).then((off) => {
      this.unsubscribe = off;
    });
  }

  async stop(): Promise<void> {
    await this.subscribed.catch(() => undefined);
    await this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  private tag(kind: 's' | 'u', id: string): string {
    return createHmac('sha256', this.deps.secret).update(`live-${kind}:${id}`).digest('base64url').slice(0, 16);
  }

  onAccessChanged(m: AccessChanged): void {
    if (m.role !== null) return;
    const now = this.deps.clock();
    let set = this.revoked.get(m.mediaId);
    if (!set) this.revoked.set(m.mediaId, (set = new Map()));
    const everyone = m.reason === 'media_deleted' || (!m.sessionIds.length && !m.userIds.length);
    if (everyone) set.set('*', now);
    for (const s of m.sessionIds) set.set(`s${this.tag('s', s)}`, now);
    for (const u of m.userIds) set.set(`u${this.tag('u', u)}`, now);
    this.prune(now);
  }

  private prunedAt = 0;
  private prune(now: number): void {
    if (now - this.prunedAt < 60_000) return;
    this.prunedAt = now;
    for (const [mediaId, set] of this.revoked) {
      for (const [tag, at] of set) if (at < now - this.maxTtlMs) set.delete(tag);
      if (set.size === 0) this.revoked.delete(mediaId);
    }
  }

  /** The room's live player asks here: this visitor's signed playlist, if they may watch now. */
  async playback(auth: Visitor, mediaId: string): Promise<LivePlaybackDto> {
    const grant = await this.deps.access.view(auth, mediaId);
    const event = grant.media.type === 'live' ? await this.deps.liveEvents.find(mediaId) : undefined;
    if (!event || event.kind === 'simulive') throw new AppError('not_found', { message: 'This event has no live video.' });
    const role = toRoomRole(grant.role);
    if (!role) throw new AppError('forbidden', { message: 'Your access to this event does not include its room.' });
    const now = this.deps.clock();
    const entry = roomEntry(scheduleOf(event), now, role);
    const status = await this.deps.streams.status(mediaId);
    const view = await this.deps.streams.playlist(mediaId);
    const mayWatch = entry.canEnter || grant.canManage || entry.phase === 'ended';
    if (!mayWatch) throw new AppError('event_not_started', { details: { enterAt: entry.enterAt === null ? null : iso(entry.enterAt) } });
    // Until the event closes (and a little after, for the last segments), at most MAX_TTL.
    const expiresMs = Math.min(now + this.maxTtlMs, Math.max(entry.closesAt, now) + 30 * 60_000);
    const who = `${auth.session ? this.tag('s', auth.session.id) : '-'}.${auth.user ? this.tag('u', auth.user.id) : '-'}.${now.toString(36)}`;
    const prefix = signedPrefix({ secret: this.deps.secret, prefix: livePrefix(mediaId, who), expires: Math.floor(expiresMs / 1000) });
    const canBroadcast = event.kind === 'webcast' && can(role, 'stream.broadcast');
    return {
      status,
      playlistUrl: view.segments.length > 0 ? `${prefix}master.m3u8` : null,
      expiresAt: iso(expiresMs),
      canBroadcast,
      ingestUrl: canBroadcast ? `/api/events/${mediaId}/ingest` : null,
    };
  }

  /** Checks a live URL: signature, expiry, revocation. No database. Returns what is asked for. */
  check(opts: { mediaId: string; who: string; expires: string; signature: string; file: string; query: Record<string, unknown>; low?: boolean }): LiveFile {
    if (!ID_RE.test(opts.mediaId)) throw new AppError('signature_invalid');
    const m = WHO_RE.exec(opts.who);
    if (!m) throw new AppError('signature_invalid');
    const verdict = verify({ secret: this.deps.secret, prefix: livePrefix(opts.mediaId, opts.who), expires: opts.expires, signature: opts.signature, nowSeconds: Math.floor(this.deps.clock() / 1000) });
    if (verdict === 'invalid') throw new AppError('signature_invalid');
    if (verdict === 'expired') throw new AppError('signature_expired');
    const issued = Number.parseInt(m[3]!, 36);
    const set = this.revoked.get(opts.mediaId);
    if (set) {
      const ended = (tag: string) => {
        const at = set.get(tag);
        return at !== undefined && at >= issued;
      };
      if (ended('*')) throw new AppError('media_deleted');
      if ((m[1] !== '-' && ended(`s${m[1]}`)) || (m[2] !== '-' && ended(`u${m[2]}`))) throw new AppError('invite_revoked', { message: 'Your access to this event ended.' });
    }
    const low = opts.low === true;
    if (opts.file === 'master.m3u8' && !low) return { kind: 'master' };
    if (opts.file === 'index.m3u8') {
      const msn = parseBlockingMsn(opts.query._HLS_msn);
      if (msn === 'invalid') throw new AppError('validation_failed', { message: '_HLS_msn must be a segment number.' });
      return { kind: 'media', blockMsn: msn, low };
    }
    const seg = SEGMENT_NAME_RE.exec(opts.file);
    if (seg) return { kind: 'segment', msn: Number(seg[1]), low };
    throw new AppError('not_found');
  }

  /**
   * The master playlist: the source, and the 480p rendition once the stream has one. Bandwidths are
   * measured from the segments so far (with headroom), resolutions are the packager's.
   */
  async master(mediaId: string): Promise<string> {
    const view = await this.deps.streams.playlist(mediaId);
    const main = measuredBandwidth(view.segments, (s) => s.sizeBytes) ?? 2_800_000;
    const variants: Array<{ uri: string; bandwidth: number; resolution?: string; codecs?: string }> = [
      { uri: 'index.m3u8', bandwidth: main * 1.2, resolution: view.video ? `${view.video.width}x${view.video.height}` : undefined, codecs: 'avc1.640028,mp4a.40.2' },
    ];
    if (view.lowHeight && view.video) {
      const width = Math.round((view.video.width * view.lowHeight) / view.video.height / 2) * 2;
      const low = measuredBandwidth(view.segments, (s) => s.lowSizeBytes) ?? 1_100_000;
      variants.push({ uri: 'lo/index.m3u8', bandwidth: Math.min(low * 1.2, main), resolution: `${width}x${view.lowHeight}`, codecs: 'avc1.4d401f,mp4a.40.2' });
    }
    return renderMasterPlaylist(variants);
  }

  /** A media playlist (`low`: the lower rendition's); with `blockMsn`, once that segment is listed (or the wait runs out). */
  async mediaPlaylist(mediaId: string, blockMsn?: number, low = false): Promise<string> {
    const listed = (view: { segments: LiveSegment[]; ended: boolean }) => (low ? lowRenditionSegments(view.segments, view.ended) : view.segments);
    if (blockMsn !== undefined) {
      const view = await this.deps.streams.playlist(mediaId);
      const last = listed(view).at(-1)?.msn ?? -1;
      // a request far ahead of the stream is answered at once (RFC 8216bis: more than two segments ahead)
      if (!view.ended && blockMsn > last && blockMsn <= last + 2) await this.deps.streams.waitFor(mediaId, blockMsn, BLOCK_MS, low);
    }
    const view = await this.deps.streams.playlist(mediaId);
    const segments = listed(view);
    if (segments.length === 0 && !view.ended) throw new AppError('not_found', { message: 'The broadcast has not started yet.' });
    return renderMediaPlaylist({ segments, discontinuitiesBefore: view.discontinuitiesBefore, ended: view.ended });
  }

  /** A segment: its bytes from memory on the packaging process, else its storage key. */
  segment(mediaId: string, msn: number, low = false): { bytes: Buffer | undefined; key: string } {
    return { bytes: this.deps.streams.cachedSegment(mediaId, msn, low), key: low ? liveLowSegmentKey(mediaId, msn) : liveSegmentKey(mediaId, msn) };
  }
}
