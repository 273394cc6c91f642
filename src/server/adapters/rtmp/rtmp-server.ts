import { randomBytes, timingSafeEqual } from 'node:crypto';
import net, { type AddressInfo, type Socket } from 'node:net';
import { format } from 'node:util';
import NodeRtmpSession, { type RtmpInvokeMessage } from 'node-media-server/src/node_rtmp_session.js';
import context from 'node-media-server/src/node_core_ctx.js';
import NmsLogger from 'node-media-server/src/node_core_logger.js';
import type { Logger } from 'pino';
import { AppError } from '../../errors.js';
import type { LivePublishing, Publication, PublicationEnd, Publisher } from '../../services/live-video/publishing.js';

/**
 * The RTMP listener for DIY live (OBS and other encoders), built on node-media-server 2.x's RTMP
 * session and nothing else of it: no HTTP server, no transcoding, no relay. docs/live-video.md.
 *
 * - An encoder publishes to `rtmp://host:PORT/live/<streamKey>`. The publish is held (its socket
 *   paused) while the key is looked up and the live stream service says yes (`LivePublishing.begin`);
 *   only then does node-media-server answer `NetStream.Publish.Start`. A refusal answers an error
 *   status and closes the connection, and is logged as a warning without the key.
 * - An accepted publish is renamed to an internal stream name, so the key never appears in a play URL,
 *   a command line or node-media-server's own log lines; the packager (ffmpeg) pulls
 *   `rtmp://127.0.0.1:PORT/live/<internal>?token=<per-publication token>`. Every other play is refused.
 * - The connection going away is `Publication.drop()` (the stream waits for a reconnect); the
 *   publication ending for another reason (taken over, event ended, storage full…) ends the session.
 * - An encoder that reconnects while its old TCP session still looks open (no FIN came) is let in when
 *   the live stream service calls the old one stale: the stale session is ended first.
 */

/** The stream key is the last path segment: `/live/<key>`. */
const APP = 'live';

export interface RtmpServerOptions {
  /** 0: any free port (tests); the listening port is `RtmpServer.port`. */
  port: number;
  /** Where encoders connect (default all interfaces). The packager always pulls over 127.0.0.1. */
  host?: string;
  publishing: LivePublishing;
  /** The event (media id) whose current stream key this is (StreamKeyService.eventForKey). */
  eventForKey: (streamKey: string) => Promise<string | undefined>;
  logger: Logger;
}

export interface RtmpServer {
  readonly port: number;
  /** Stops listening and closes every connection; live publications are dropped (they may reconnect to the next process). */
  close(): Promise<void>;
}

/** Starts an RTMP listener; resolves once it listens. */
export async function startRtmpServer(opts: RtmpServerOptions): Promise<RtmpServer> {
  const server = new FoyerRtmpServer(opts);
  await server.listen();
  return server;
}

/** What the admission of one publish decided. */
type Admission =
  | { ok: true; mediaId: string; publication: Publication; streamName: string }
  | { ok: false; code: 'NetStream.Publish.BadName' | 'NetStream.Publish.Rejected'; description: string };

/** One accepted publish, from `Publish.Start` to the end of its session. */
interface Published {
  mediaId: string;
  publication: Publication;
  /** The internal stream name the packager plays. */
  streamName: string;
  /** Set once the publication ended by itself (onEnd) or was dropped: nothing more is said to it. */
  over: boolean;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;
/** Tokens (stream keys, play tokens) look like this: node-media-server's own log lines are cleaned of them. */
const TOKEN_LIKE = /[A-Za-z0-9_-]{32,}/g;

class FoyerRtmpServer implements RtmpServer {
  private readonly tcp: net.Server;
  private loopback: net.Server | undefined;
  private readonly log: Logger;
  private readonly sessions = new Set<FoyerSession>();
  /** The session publishing each event now. */
  private readonly publishers = new Map<string, FoyerSession>();
  /** Internal stream name → its play token, while the publication lasts. */
  private readonly playTokens = new Map<string, string>();
  /** Admissions run one at a time per event, so a reconnect and a stale session never race. */
  private readonly admitting = new Map<string, Promise<unknown>>();
  private readonly forwardLogs: (level: 'debug' | 'warn') => (...args: unknown[]) => void;
  private readonly logListeners: Array<[string, (...args: unknown[]) => void]>;
  private closed: Promise<void> | undefined;
  port = 0;

  constructor(private readonly opts: RtmpServerOptions) {
    this.log = opts.logger.child({ component: 'rtmp' });
    // node-media-server logs to the console by default; its lines go to our logger at debug instead.
    NmsLogger.setLogType(NmsLogger.LOG_TYPES.NONE);
    this.forwardLogs = (level) => (...args) => this.log[level]({ nms: format(...args).replace(TOKEN_LIKE, '[redacted]') }, 'node-media-server');
    this.logListeners = [
      ['logMessage', this.forwardLogs('debug')],
      ['debugMessage', this.forwardLogs('debug')],
      ['errorMessage', this.forwardLogs('debug')],
    ];
    for (const [event, fn] of this.logListeners) context.nodeEvent.on(event, fn);
    this.tcp = net.createServer((socket) => this.connection(socket));
  }

  async listen(): Promise<void> {
    const host = this.opts.host ?? '0.0.0.0';
    this.port = await listenOn(this.tcp, this.opts.port, host);
    this.tcp.on('error', (err) => this.log.error({ err }, 'RTMP listener error'));
    // The packager pulls over loopback: a listener bound to one outside address gets a loopback twin.
    if (!REACHES_LOOPBACK.has(host)) {
      this.loopback = net.createServer((socket) => this.connection(socket));
      await listenOn(this.loopback, this.port, '127.0.0.1');
      this.loopback.on('error', (err) => this.log.error({ err }, 'RTMP loopback listener error'));
    }
    this.log.info({ port: this.port, host }, 'RTMP listener ready for encoders');
  }

  close(): Promise<void> {
    this.closed ??= (async () => {
      const closing = [this.tcp, this.loopback].filter((s): s is net.Server => Boolean(s)).map((s) => new Promise<void>((resolve) => s.close(() => resolve())));
      for (const session of [...this.sessions]) session.stop();
      for (const [event, fn] of this.logListeners) context.nodeEvent.off(event, fn);
      await Promise.all(closing);
    })();
    return this.closed;
  }

  private connection(socket: Socket): void {
    if (this.closed) {
      socket.destroy();
      return;
    }
    const session = new FoyerSession(this, socket);
    this.sessions.add(session);
    socket.once('close', () => this.sessions.delete(session));
    session.run();
  }

  /**
   * Decides a publish before node-media-server accepts it: the key names an event, the live stream
   * service begins (or continues) its stream from this encoder. Never throws.
   */
  async admit(session: FoyerSession, app: string, streamKey: string): Promise<Admission> {
    const remote = session.ip ?? 'unknown';
    const wrongKey = { ok: false, code: 'NetStream.Publish.BadName', description: 'This stream key is not valid. Copy the key from the event page again.' } as const;
    let mediaId: string | undefined;
    try {
      mediaId = app === APP && streamKey ? await this.opts.eventForKey(streamKey) : undefined;
    } catch (err) {
      this.log.error({ err, remote }, 'RTMP publish refused: the stream key could not be checked');
      return { ok: false, code: 'NetStream.Publish.Rejected', description: 'The server could not check the stream key. Try again.' };
    }
    if (!mediaId) {
      this.log.warn({ remote, reason: app === APP ? 'unknown_key' : 'wrong_app' }, 'RTMP publish refused: not a valid stream key');
      return wrongKey;
    }
    const event = mediaId;
    return this.serially(event, () => this.begin(session, event, remote));
  }

  private async begin(session: FoyerSession, mediaId: string, remote: string): Promise<Admission> {
    if (!session.isStarting) return { ok: false, code: 'NetStream.Publish.Rejected', description: 'The connection closed.' };
    const current = this.publishers.get(mediaId);
    if (current && current !== session && this.opts.publishing.isStale(mediaId)) {
      // The encoder came back before its old TCP connection timed out: that one is dead, end it.
      this.log.info({ mediaId, remote }, 'RTMP: the encoder reconnected; ending its stale session');
      current.stop();
    }
    // Short and random: node-media-server's log lines name it (they are cleaned of anything token-like).
    const streamName = `p${randomBytes(6).toString('hex')}`;
    const token = randomBytes(32).toString('base64url');
    this.playTokens.set(streamName, token);
    const url = `rtmp://127.0.0.1:${this.port}/${APP}/${streamName}?token=${token}`;
    const publisher: Publisher = { source: 'rtmp', personKey: 'key', name: null, takeover: false };
    try {
      const publication = await this.opts.publishing.begin(mediaId, publisher, { kind: 'url', url });
      return { ok: true, mediaId, publication, streamName };
    } catch (err) {
      this.playTokens.delete(streamName);
      const refusal = AppError.from(err);
      if (refusal.code === 'internal_error') this.log.error({ err, mediaId, remote }, 'RTMP publish refused: the live stream could not begin');
      else this.log.warn({ mediaId, remote, code: refusal.code }, 'RTMP publish refused');
      return { ok: false, code: 'NetStream.Publish.Rejected', description: refusal.message };
    }
  }

  /** node-media-server published the stream: from now on the session feeds the publication. */
  published(session: FoyerSession, admitted: Extract<Admission, { ok: true }>): Published {
    const entry: Published = { mediaId: admitted.mediaId, publication: admitted.publication, streamName: admitted.streamName, over: false };
    this.publishers.set(entry.mediaId, session);
    this.log.info({ mediaId: entry.mediaId, remote: session.ip, stream: entry.streamName }, 'RTMP publish accepted');
    entry.publication.onEnd((end: PublicationEnd) => {
      if (entry.over) return;
      entry.over = true;
      this.log.info({ mediaId: entry.mediaId, reason: end.reason, code: end.code }, 'RTMP: the broadcast ended for this encoder; closing its connection');
      session.refuse('NetStream.Publish.Rejected', end.message);
    });
    return entry;
  }

  /** The publishing session ended (encoder stopped, connection lost, ended by us). */
  unpublished(session: FoyerSession, entry: Published): void {
    this.playTokens.delete(entry.streamName);
    if (this.publishers.get(entry.mediaId) === session) this.publishers.delete(entry.mediaId);
    if (entry.over) return;
    entry.over = true;
    this.log.info({ mediaId: entry.mediaId, remote: session.ip }, 'RTMP: the encoder disconnected; the stream waits for it to reconnect');
    entry.publication.drop();
  }

  /** Only our packager plays: from loopback, with the token of a publication that is on now. */
  mayPlay(session: FoyerSession, app: string, streamName: string, token: string | null): boolean {
    const expected = app === APP ? this.playTokens.get(streamName) : undefined;
    const ok = Boolean(expected && token && LOOPBACK.test(session.ip ?? '') && sameSecret(expected, token));
    if (!ok) this.log.warn({ remote: session.ip }, 'RTMP play refused: only the packager may play');
    return ok;
  }

  private serially<T>(key: string, run: () => Promise<T>): Promise<T> {
    const before = this.admitting.get(key) ?? Promise.resolve();
    const next = before.then(run, run);
    const settled = next.catch(() => undefined);
    this.admitting.set(key, settled);
    void settled.then(() => {
      if (this.admitting.get(key) === settled) this.admitting.delete(key);
    });
    return next;
  }
}

/** Listen addresses that accept connections to 127.0.0.1 themselves. */
const REACHES_LOOPBACK = new Set(['0.0.0.0', '::', '127.0.0.1', 'localhost']);

function listenOn(server: net.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

const sameSecret = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** RTMP chunk size and keep-alive as PeerTube runs node-media-server; the GOP cache lets a (re)starting packager begin at a key frame at once. */
const sessionConfig = { rtmp: { chunk_size: 60000, gop_cache: true, ping: 30, ping_timeout: 60 } };

/** node-media-server's RTMP session with Foyer's admission in front of `publish` and `play`. */
class FoyerSession extends NodeRtmpSession {
  private admitting = false;
  private entry: Published | undefined;

  constructor(
    private readonly server: FoyerRtmpServer,
    socket: Socket,
  ) {
    super(sessionConfig, socket);
  }

  override onPublish(message: RtmpInvokeMessage): void {
    if (typeof message.streamName !== 'string') return;
    // A second publish on the same connection: node-media-server answers that itself.
    if (this.admitting || this.isPublishing || this.entry) return super.onPublish(message);
    const streamId = this.parserPacket.header.stream_id;
    const streamKey = message.streamName.split('?')[0] ?? '';
    this.admitting = true;
    // Nothing more is read from the encoder until the publish is decided (encoders wait for the answer anyway).
    this.socket.pause();
    void this.server.admit(this, this.appname, streamKey).then((admission) => {
      this.admitting = false;
      if (!this.isStarting) {
        // The encoder left while we decided.
        if (admission.ok) admission.publication.drop();
        return;
      }
      if (!admission.ok) {
        this.refuse(admission.code, admission.description, streamId);
        return;
      }
      this.socket.resume();
      // node-media-server reads the publish's stream id from the message being parsed: give it this one's.
      const parsing = this.parserPacket;
      this.parserPacket = { ...parsing, header: { ...parsing.header, stream_id: streamId } };
      try {
        super.onPublish({ ...message, streamName: admission.streamName });
      } finally {
        this.parserPacket = parsing;
      }
      if (!this.isPublishing) {
        admission.publication.drop();
        return;
      }
      this.entry = this.server.published(this, admission);
    });
  }

  override onPlay(message: RtmpInvokeMessage): void {
    if (typeof message.streamName !== 'string') return;
    const [streamName = '', query = ''] = message.streamName.split('?');
    if (!this.server.mayPlay(this, this.appname, streamName, new URLSearchParams(query).get('token'))) {
      this.refuse('NetStream.Play.Failed', 'Playing is not available on this server.', this.parserPacket.header.stream_id);
      return;
    }
    super.onPlay(message);
  }

  override onDeleteStream(message: { streamId: number }): void {
    const unpublishing = this.isPublishing && message.streamId == this.publishStreamId;
    super.onDeleteStream(message);
    if (unpublishing && this.entry) {
      const entry = this.entry;
      this.entry = undefined;
      this.server.unpublished(this, entry);
    }
  }

  /** Answers an error status (the encoder shows it) and closes the connection. */
  refuse(code: string, description: string, streamId = this.publishStreamId): void {
    if (!this.isStarting) return;
    try {
      this.sendStatusMessage(streamId, 'error', code, description);
    } catch {
      // the socket is already gone
    }
    const stop = () => this.stop();
    const timer = setTimeout(stop, 1000);
    timer.unref();
    this.socket.end(() => {
      clearTimeout(timer);
      stop();
    });
  }
}
