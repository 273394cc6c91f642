import type { FastifyInstance } from 'fastify';
import { idParams } from '../../contracts/api.js';
import { AppError } from '../errors.js';
import type { RoomProtocol } from './room-protocol.js';

/** Registers the room socket at /api/events/:id/room; the protocol does the rest. */
export async function roomGateway(app: FastifyInstance, o: { protocol: RoomProtocol; publicUrl: string }): Promise<void> {
  const publicOrigin = new URL(o.publicUrl).origin;
  app.get(
    '/events/:id/room',
    {
      websocket: true,
      // The id is text like any other (contracts/text.ts): checked before the upgrade, after the Origin.
      schema: { params: idParams },
      // Cross-site WebSocket hijacking: browsers send Origin on every socket, and only our pages may open one.
      preValidation: async (request) => {
        if (request.headers.origin !== publicOrigin) throw new AppError('forbidden', { message: 'Connections from other sites are not accepted.' });
      },
    },
    (socket, request) => o.protocol.connect(socket, request),
  );
}
