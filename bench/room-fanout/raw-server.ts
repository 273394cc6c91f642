/**
 * Baseline: a bare `ws` server that broadcasts every frame it receives, byte for byte, to every
 * connected client. Child process of bench/room-fanout/index.ts; talks to it over IPC.
 */
import { WebSocketServer } from 'ws';
import { memory } from './shared.js';

const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', maxPayload: 64 * 1024 });
wss.on('connection', (ws) => {
  ws.on('message', (data, isBinary) => {
    for (const client of wss.clients) if (client.readyState === 1) client.send(data as Buffer, { binary: isBinary });
  });
});
wss.on('listening', () => {
  const address = wss.address();
  process.send!({ type: 'ready', port: typeof address === 'object' && address ? address.port : 0 });
});
process.on('message', (m: { type: string }) => {
  if (m.type === 'mem') process.send!({ type: 'mem', ...memory() });
  if (m.type === 'stop') {
    for (const c of wss.clients) c.terminate();
    wss.close(() => process.exit(0));
  }
});
