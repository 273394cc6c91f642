/**
 * The baseline of bench/live-delivery, in a process of its own: plain Fastify + @fastify/static
 * serving a folder (the bench keeps a copy of Foyer's live playlist and segments in it, as they come),
 * no check of any kind. Tells the parent its port over IPC.
 *
 *   node --import tsx bench/live-delivery/static-server.ts <folder>
 */
import fastifyStatic from '@fastify/static';
import Fastify from 'fastify';

process.on('disconnect', () => process.exit(0));
const app = Fastify({ logger: false });
await app.register(fastifyStatic, { root: process.argv[2]!, prefix: '/static/' });
await app.listen({ port: 0, host: '127.0.0.1' });
process.send!({ port: (app.server.address() as { port: number }).port });
