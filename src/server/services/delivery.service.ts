import type { Media } from '../db/schema.js';
import type { Caption } from '../db/schema-pipeline.js';
import { downloadPolicy } from '../domain/download-policy.js';
import { isSafeRest, signedPrefix, verify } from '../domain/signed-url.js';
import { playKey } from '../domain/storage-keys.js';
import { AppError } from '../errors.js';
import type { Visitor } from '../domain/visitor.js';
import type { CaptionRepository } from '../repositories/caption.repository.js';
import type { AccessService, ViewAccess } from './access.service.js';

export interface DeliveryDeps {
  access: AccessService;
  captions: CaptionRepository;
  /** Key of the URL signatures (MEDIA_URL_SECRET). */
  secret: string;
  ttlSeconds: number;
  clock: () => number;
  /** Where this viewer stopped last time (viewing analytics), if known. */
  resumeAt: (auth: Visitor, media: Media) => Promise<number | null>;
}

/** Signed URLs for one visitor's playback of one media item, with what they may do. */
export interface PlaybackView {
  media: Media;
  hlsUrl: string | null;
  posterUrl: string | null;
  thumbnails: { urlTemplate: string; everySeconds: number; width: number; count: number } | null;
  captions: Array<{ caption: Caption; url: string }>;
  fileUrl: string | null;
  downloadUrl: string | null;
  /** When the URLs stop working, in epoch seconds. */
  expiresAt: number;
  refreshInSeconds: number;
  resumeAtSeconds: number | null;
}

/** The three signed scopes of a media item: what a player streams, the file inline, the file as a download. */
export type Scope = 'stream' | 'file' | 'download';

const ID_RE = /^[A-Za-z0-9-]{1,64}$/;
const ORIGINAL_RE = /^original\.[a-z0-9]{1,8}$/;

export const scopePrefix = (mediaId: string, scope: Scope) => `/api/media/${mediaId}/${scope}/`;

/**
 * Hands out signed URLs after the access check, and checks them on every media byte request.
 * Access is decided once per playback call; each segment then costs one HMAC. A viewer whose grant
 * ends keeps working URLs only until they expire (MEDIA_URL_TTL_SECONDS).
 */
export class DeliveryService {
  constructor(private readonly deps: DeliveryDeps) {}

  get ttlSeconds(): number {
    return this.deps.ttlSeconds;
  }

  async playback(auth: Visitor, mediaId: string): Promise<PlaybackView> {
    const grant = await this.deps.access.view(auth, mediaId);
    return this.describe(auth, grant);
  }

  private async describe(auth: Visitor, grant: ViewAccess): Promise<PlaybackView> {
    const { media } = grant;
    const nowSeconds = Math.floor(this.deps.clock() / 1000);
    const expires = nowSeconds + this.deps.ttlSeconds;
    const signed = (scope: Scope) => signedPrefix({ secret: this.deps.secret, prefix: scopePrefix(media.id, scope), expires });
    const stream = signed('stream');
    const inStream = (key: string) => stream + key.slice(playKey(media.id).length + 1);
    const ready = media.status === 'ready';
    const hasHls = ready && media.hls_key !== null;
    const original = media.storage_key?.split('/').pop();
    const policy = downloadPolicy(media, grant.canManage);
    const thumbs = hasHls && media.thumbnails_json ? (JSON.parse(media.thumbnails_json) as { everySeconds: number; width: number; count: number }) : null;
    const captions = hasHls ? await this.deps.captions.listByMedia(media.id) : [];
    return {
      media,
      hlsUrl: hasHls ? `${inStream(media.hls_key!)}/master.m3u8` : null,
      posterUrl: hasHls && media.poster_key ? inStream(media.poster_key) : null,
      thumbnails: thumbs ? { urlTemplate: `${inStream(media.hls_key!)}/thumbs/{n}.jpg`, ...thumbs } : null,
      captions: captions.map((caption) => ({ caption, url: inStream(caption.storage_key) })),
      // The original as uploaded, whether or not its renditions are ready yet.
      fileUrl: original && policy.inline ? `${signed('file')}${original}` : null,
      downloadUrl: original && ready && policy.download ? `${signed('download')}${original}?filename=${encodeURIComponent(downloadName(media))}` : null,
      expiresAt: expires,
      refreshInSeconds: Math.max(5, Math.floor(this.deps.ttlSeconds / 2)),
      resumeAtSeconds: await this.deps.resumeAt(auth, media),
    };
  }

  /**
   * The poster frame of a media item the caller lists as its manager (the library): a signed URL in
   * the `stream` scope, or null before the renditions are ready. No access check here: the library
   * lists only media the account manages.
   */
  libraryPoster(media: Media): string | null {
    if (media.status !== 'ready' || media.hls_key === null || media.poster_key === null) return null;
    const expires = Math.floor(this.deps.clock() / 1000) + this.deps.ttlSeconds;
    const stream = signedPrefix({ secret: this.deps.secret, prefix: scopePrefix(media.id, 'stream'), expires });
    return stream + media.poster_key.slice(playKey(media.id).length + 1);
  }

  /**
   * The storage key a signed request may read, or AppError. No database: the signature is the grant.
   * `rest` is the path after the signature.
   */
  check(opts: { scope: Scope; mediaId: string; expires: string; signature: string; rest: string }): string {
    if (!ID_RE.test(opts.mediaId)) throw new AppError('signature_invalid');
    const verdict = verify({
      secret: this.deps.secret,
      prefix: scopePrefix(opts.mediaId, opts.scope),
      expires: opts.expires,
      signature: opts.signature,
      nowSeconds: Math.floor(this.deps.clock() / 1000),
    });
    if (verdict === 'invalid') throw new AppError('signature_invalid');
    if (verdict === 'expired') throw new AppError('signature_expired');
    if (opts.scope === 'stream') {
      if (!isSafeRest(opts.rest)) throw new AppError('not_found');
      return `${playKey(opts.mediaId)}/${opts.rest}`;
    }
    if (!ORIGINAL_RE.test(opts.rest)) throw new AppError('not_found');
    return `media/${opts.mediaId}/${opts.rest}`;
  }
}

function downloadName(media: Media): string {
  const ext = media.storage_key?.split('.').pop() ?? '';
  const base = media.title.replace(/[^\p{L}\p{N} ._-]+/gu, ' ').trim().slice(0, 100) || 'download';
  return ext && !base.toLowerCase().endsWith(`.${ext}`) ? `${base}.${ext}` : base;
}
