import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { RawData, WebSocket } from 'ws';
import { idParams } from '../../contracts/api.js';
import { ingestClientMessageSchema, ingestCloseCodes, ingestLimits, type IngestServerMessage, type WebcastMimeType } from '../../contracts/live-video.js';
import { accessTopic, type AccessChanged, type Bus } from '../adapters/bus/bus.js';
import { can } from '../domain/room-capabilities.js';
import type { Visitor } from '../domain/visitor.js';
import { AppError, isAppError } from '../errors.js';
import type { RoomService } from '../services/room.service.js';
import type { LivePublishing, Publication, PublicationEnd } from '../services/live-video/publishing.js';

/**
 * The webcast ingest socket, /api/events/:id/ingest: the browser's MediaRecorder bytes, after the
 * same checks as the room (session cookie, Origin = PUBLIC_URL, the role the person has now — and
 * again on every access change). Protocol: src/contracts/live-video.ts.
 */
export async function ingestGateway(app: FastifyInstance, o: { room: RoomService; publishing: LivePublishing; bus: Bus; publicUrl: string; logger: Logger }): Promise<void> {
  const publicOrigin = new URL(o.publicUrl).origin;
  app.get(
    '/events/:id/ingest',
    {
      websocket: true,
      schema: { params: idParams },
      preValidation: async (request) => {
        if (request.headers.origin !== publicOrigin) throw new AppError('forbidden', { message: 'Connections from other sites are not accepted.' });
      },
    },
    (socket, request) => new IngestConnection(socket, request, o).open(),
  );
}

const START_TIMEOUT_MS = 10_000;

const codecOf = (mime: WebcastMimeType): 'h264' | 'vp8' | 'vp9' | 'unknown' => {
  if (/h264|avc1/.test(mime)) return 'h264';
  if (/vp9/.test(mime)) return 'vp9';
  if (/vp8/.test(mime)) return 'vp8';
  return 'unknown';
};

function closeCodeOf(code: string): number {
  switch (code) {
    case 'unauthenticated':
      return ingestCloseCodes.unauthenticated;
    case 'not_found':
      return ingestCloseCodes.not_found;
    case 'stream_busy':
      return ingestCloseCodes.busy;
    case 'event_ended':
    case 'event_not_started':
    case 'invite_revoked':
    case 'media_deleted':
    case 'link_expired':
      return ingestCloseCodes.gone;
    case 'payload_too_large':
      return ingestCloseCodes.too_large;
    case 'stream_unreadable':
    case 'validation_failed':
      return ingestCloseCodes.unreadable;
    case 'live_capacity':
      return ingestCloseCodes.capacity;
    case 'storage_full':
      return ingestCloseCodes.storage_full;
    default:
      return ingestCloseCodes.forbidden;
  }
}

class IngestConnection {
  private publication: Publication | undefined;
  private starting = false;
  private closed = false;
  private offAccess: (() => Promise<void>) | undefined;
  private readonly mediaId: string;
  private readonly auth: Visitor;
  private startTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly socket: WebSocket,
    request: FastifyRequest,
    private readonly o: { room: RoomService; publishing: LivePublishing; bus: Bus; logger: Logger },
  ) {
    this.mediaId = (request.params as { id: string }).id;
    this.auth = request.auth;
  }

  open(): void {
    this.socket.on('message', (data: RawData, isBinary: boolean) => this.onFrame(data, isBinary));
    this.socket.on('close', () => this.onClose());
    this.socket.on('error', () => this.socket.terminate());
    if (!this.auth.session && !this.auth.user) return this.fail(new AppError('unauthenticated'));
    this.startTimer = setTimeout(() => {
      if (!this.publication) this.fail(new AppError('validation_failed', { message: 'Send {"type":"start"} first.' }));
    }, START_TIMEOUT_MS);
    this.startTimer.unref();
  }

  private send(message: IngestServerMessage): void {
    if (this.socket.readyState === 1) this.socket.send(JSON.stringify(message));
  }

  private fail(err: unknown): void {
    const e = isAppError(err) ? err : new AppError('internal_error');
    if (!isAppError(err)) this.o.logger.error({ err, mediaId: this.mediaId }, 'webcast ingest failed');
    this.send({ type: 'error', error: { code: e.code, message: e.message, ...(e.details !== undefined ? { details: e.details } : {}) } });
    this.close(closeCodeOf(e.code), e.code);
  }

  private close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.close(code, reason.slice(0, 120));
  }

  private onFrame(data: RawData, isBinary: boolean): void {
    if (this.closed) return;
    const size = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : (data as Buffer).byteLength;
    if (isBinary) {
      if (size > ingestLimits.frameBytes) {
        // the event stays: the stream waits for this publisher to reconnect with sane frames
        this.publication?.drop();
        this.publication = undefined;
        return this.fail(new AppError('payload_too_large', { message: `A broadcast frame can be at most ${ingestLimits.frameBytes} bytes; send smaller chunks (MediaRecorder timeslice).`, details: { limitBytes: ingestLimits.frameBytes } }));
      }
      if (!this.publication) return this.fail(new AppError('validation_failed', { message: 'Send {"type":"start"} and wait for "ready" before the video.' }));
      const chunk = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      this.publication.write(chunk);
      return;
    }
    let parsed;
    try {
      parsed = ingestClientMessageSchema.safeParse(JSON.parse(Buffer.isBuffer(data) ? data.toString('utf8') : String(data)));
    } catch {
      return this.fail(new AppError('validation_failed', { message: 'Control messages must be JSON.' }));
    }
    if (!parsed.success) return this.fail(new AppError('validation_failed', { message: 'Not a valid ingest message.', details: parsed.error.issues.map((i) => i.message) }));
    const msg = parsed.data;
    switch (msg.type) {
      case 'start':
        if (this.publication || this.starting) return this.fail(new AppError('conflict', { message: 'Already started.' }));
        this.starting = true;
        void this.start(msg.mimeType, msg.takeover).catch((err) => this.fail(err));
        return;
      case 'pause':
        return this.publication?.pause();
      case 'resume':
        return this.publication?.resume();
      case 'stop': {
        const pub = this.publication;
        this.publication = undefined;
        void (pub?.stop() ?? Promise.resolve())
          .then(async () => this.send({ type: 'status', status: await this.o.publishing.status(this.mediaId) }))
          .finally(() => this.close(ingestCloseCodes.stopped, 'stopped'));
        return;
      }
    }
  }

  private async start(mimeType: WebcastMimeType, takeover: boolean): Promise<void> {
    const who = await this.o.room.broadcaster(this.auth, this.mediaId);
    if (!can(who.role, 'stream.broadcast')) throw new AppError('forbidden', { message: 'Only the event owner and speakers can broadcast.' });
    if (takeover && who.role !== 'owner') throw new AppError('forbidden', { message: 'Only the event owner can take over a broadcast.' });
    // access may change while broadcasting: check again on every change for this event
    this.offAccess = await this.o.bus.subscribe(accessTopic(this.mediaId), (m) => void this.recheck(m as AccessChanged));
    if (this.closed) return void this.offAccess();
    const pub = await this.o.publishing.begin(this.mediaId, { source: 'webcast', personKey: who.personKey, name: who.name, takeover }, { kind: 'pipe', videoCodec: codecOf(mimeType) });
    if (this.closed) return pub.drop();
    this.publication = pub;
    clearTimeout(this.startTimer);
    pub.onEnd((end) => this.ended(end));
    this.send({ type: 'ready', status: await this.o.publishing.status(this.mediaId) });
  }

  private ended(end: PublicationEnd): void {
    this.publication = undefined;
    this.send({ type: 'error', error: { code: end.code, message: end.message } });
    this.close(end.reason === 'taken_over' ? ingestCloseCodes.busy : closeCodeOf(end.code), end.code);
  }

  private async recheck(m: AccessChanged): Promise<void> {
    if (this.closed) return;
    try {
      const who = await this.o.room.broadcaster(this.auth, this.mediaId);
      if (can(who.role, 'stream.broadcast')) return;
      throw new AppError('forbidden', { message: `Your role is now ${who.role}: you can no longer broadcast.` });
    } catch (err) {
      this.publication?.drop();
      this.publication = undefined;
      this.o.logger.info({ mediaId: this.mediaId, reason: m.reason }, 'webcast publisher lost the right to broadcast');
      this.fail(err);
    }
  }

  private onClose(): void {
    this.closed = true;
    clearTimeout(this.startTimer);
    void this.offAccess?.().catch(() => undefined);
    // closed without stop: a drop; the same person may continue within the window
    this.publication?.drop();
    this.publication = undefined;
  }
}
