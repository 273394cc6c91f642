import type { IncomingMessage, ServerResponse } from 'node:http';
import { Server, type ServerOptions } from '@tus/server';
import type { Logger } from 'pino';
import { fileNameText } from '../../../../contracts/text.js';
import type { UploadStore } from '../../../adapters/storage/upload-store.js';
import type { Media, User } from '../../../db/schema.js';
import { AppError, isAppError } from '../../../errors.js';
import type { MediaService } from '../../../services/media.service.js';
import type { QuotaService } from '../../../services/quota.service.js';

export interface TusHandlerDeps {
  media: MediaService;
  /** Refuses an upload that would not fit in the account's quota as soon as its size is known. */
  quotas: Pick<QuotaService, 'ensureRoom'>;
  store: UploadStore;
  limitBytes: number;
  logger: Logger;
  /** URL path the tus server is mounted at. */
  path: string;
}

type TusRequest = Parameters<NonNullable<ServerOptions['onIncomingRequest']>>[0];
type TusUpload = Parameters<NonNullable<ServerOptions['onUploadFinish']>>[1];

const CLEANUP_EVERY_MS = 3600_000;

/** The client's `filename` metadata, cleaned like a form upload's (contracts/text.ts). */
const uploadName = fileNameText();
const nameOf = (upload: { metadata?: Record<string, string | null> }) => uploadName.parse(upload.metadata?.filename ?? '') || 'upload';

/** A tus hook refusal: the status and our one error body. */
const refusal = (err: AppError) => ({ status_code: err.status, body: JSON.stringify(err.toWire()) });

/**
 * Resumable uploads (tus 1.0, https://tus.io): a dropped connection continues from the last byte the
 * server stored. Each upload belongs to the account that created it; when the last byte arrives the
 * file becomes media exactly as a form upload does (type judged from its content, processing queued),
 * and the PATCH that completes it answers with that media. Unfinished uploads expire after 24 hours.
 */
export class TusHandler {
  private readonly tus: Server;
  private readonly store: UploadStore;
  /** The account behind each request the tus server is handling (it sees only the raw request). */
  private readonly users = new WeakMap<IncomingMessage, User>();
  private readonly cleanup: NodeJS.Timeout;

  constructor(private readonly deps: TusHandlerDeps) {
    this.store = deps.store;
    this.tus = new Server({
      path: deps.path,
      datastore: this.store,
      maxSize: deps.limitBytes,
      relativeLocation: true,
      onUploadCreate: async (req, upload) => {
        const user = this.userOf(req);
        // Checked again when the last byte is stored; this answers before the client sends any.
        try {
          await this.deps.quotas.ensureRoom(user.id, upload.size ?? 1);
        } catch (err) {
          if (isAppError(err)) throw refusal(err);
          throw err;
        }
        // The owner comes from the session, never from client metadata.
        return { metadata: { filename: nameOf(upload), ownerId: user.id } };
      },
      onIncomingRequest: async (req, id) => {
        const user = this.userOf(req);
        if (req.method === 'POST' || !id) return;
        const upload = await this.store.getUpload(id).catch(() => undefined);
        if (!upload || upload.metadata?.ownerId !== user.id) throw refusal(new AppError('not_found', { message: 'Upload not found.' }));
      },
      onUploadFinish: async (req, upload) => {
        const media = await this.finish(this.userOf(req), upload);
        return { status_code: 200, headers: { 'Content-Type': 'application/json; charset=utf-8' }, body: JSON.stringify({ mediaId: media.id }) };
      },
    });
    this.cleanup = setInterval(() => {
      void this.tus.cleanUpExpiredUploads().catch((err) => deps.logger.warn({ err }, 'could not clean up expired uploads'));
    }, CLEANUP_EVERY_MS);
    this.cleanup.unref();
  }

  /** Hands one HTTP request of an account to the tus server, which answers it on `res`. */
  async handle(user: User, req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.users.set(req, user);
    await this.tus.handle(req, res);
  }

  close(): void {
    clearInterval(this.cleanup);
  }

  private userOf(req: TusRequest): User {
    const raw = (req as unknown as { runtime?: { node?: { req?: IncomingMessage } } }).runtime?.node?.req;
    const user = raw && this.users.get(raw);
    if (!user) throw refusal(new AppError('unauthenticated'));
    return user;
  }

  private async finish(user: User, upload: TusUpload): Promise<Media> {
    try {
      const stream = this.store.read(upload.id);
      return await this.deps.media.upload(user, {
        stream,
        fileName: nameOf(upload),
        isTruncated: () => false,
        limitBytes: this.deps.limitBytes,
      });
    } catch (err) {
      if (isAppError(err)) throw refusal(err);
      this.deps.logger.error({ err, uploadId: upload.id }, 'could not turn a finished upload into media');
      throw refusal(new AppError('upload_incomplete'));
    } finally {
      await this.store.remove(upload.id).catch(() => undefined);
    }
  }
}
