// The parts of node-media-server 2.x (CommonJS, no typings of its own) that rtmp-server.ts uses: the
// RTMP session class (one per TCP connection), the process-wide event emitter its logger reports on,
// and the logger's switch. rtmp-server.ts runs its own TCP server around sessions rather than
// NodeMediaServer, which would also install process-wide uncaughtException and SIGINT handlers.
declare module 'node-media-server/src/node_rtmp_session.js' {
  import type { Socket } from 'node:net';

  /** An RTMP command message as the session decodes it (`publish`, `play`, `deleteStream`). */
  export interface RtmpInvokeMessage {
    cmd?: string;
    streamName?: unknown;
    streamId?: number;
    [key: string]: unknown;
  }

  export default class NodeRtmpSession {
    constructor(config: { rtmp: Record<string, unknown> }, socket: Socket);
    readonly id: string;
    readonly ip: string | undefined;
    readonly socket: Socket;
    appname: string;
    isStarting: boolean;
    isPublishing: boolean;
    isPlaying: boolean;
    publishStreamId: number;
    publishStreamPath: string;
    playStreamPath: string;
    /** The message being handled; `onPublish` reads the stream id from its header. */
    parserPacket: { header: { stream_id: number; [key: string]: unknown }; [key: string]: unknown };
    run(): void;
    stop(): void;
    reject(): void;
    onPublish(message: RtmpInvokeMessage): void;
    onPlay(message: RtmpInvokeMessage): void;
    onDeleteStream(message: { streamId: number }): void;
    sendStatusMessage(streamId: number, level: string, code: string, description: string): void;
  }
}

declare module 'node-media-server/src/node_core_ctx.js' {
  import type { EventEmitter } from 'node:events';
  export const nodeEvent: EventEmitter;
  const context: { nodeEvent: EventEmitter; sessions: Map<string, unknown>; publishers: Map<string, string> };
  export default context;
}

declare module 'node-media-server/src/node_core_logger.js' {
  const Logger: { LOG_TYPES: { NONE: 0; ERROR: 1; NORMAL: 2; DEBUG: 3; FFDEBUG: 4 }; setLogType(type: number): void };
  export default Logger;
}
