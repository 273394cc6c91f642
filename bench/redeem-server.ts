/**
 * Child process of bench/redeem.ts: serves either bare Fastify (the baseline) or Foyer with N fresh
 * invites, and tells the parent its port and the invites' tokens over IPC.
 */
import Fastify from 'fastify';
import { loadConfig } from '../src/server/config.js';
import { buildApp } from '../src/server/app.js';
import { createLogger } from '../src/server/logger.js';
import { createTestDatabase, type TestDialect } from '../test/factories/database.js';
import { benchOwnerWithVideo } from './site.js';

const mode = process.argv[2] as 'bare' | TestDialect;
const count = Number(process.argv[3] ?? 10_000);
const send = (m: unknown) => process.send!(m);
// The parent reads this process's CPU time around each load phase (steadier than req/s on a shared machine).
process.on('message', (m) => {
  if (m === 'cpu') send({ cpu: process.cpuUsage() });
});

if (mode === 'bare') {
  const app = Fastify();
  app.post('/api/lobby/enter', async () => ({ next: 'enter', url: '/media/x', role: 'viewer', mediaId: 'x' }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  send({ port: (app.server.address() as { port: number }).port, invites: [] });
} else {
  const db = await createTestDatabase(mode, { pgPoolSize: 16 });
  const config = loadConfig({ DATA_DIR: db.dataDir, PUBLIC_URL: 'http://127.0.0.1:1', LOG_LEVEL: 'silent', SESSION_SECRET: 'bench-secret-bench-secret-bench-secret-1' });
  const { app, services } = await buildApp({ config, database: db.database, logger: createLogger('silent') });
  await services.settings.update({ linkReusability: 1, bindToDevice: true }, 'bench');
  const { owner, mediaId } = await benchOwnerWithVideo(services, db.database, { id: 'bench-media', title: 'Bench', fileName: 'b.mp4' });
  const invites: Array<{ token: string; email: string }> = [];
  for (let start = 0; start < count; start += 10_000) {
    const people = Array.from({ length: Math.min(10_000, count - start) }, (_, i) => ({ email: `p${start + i}@bench.example` }));
    const res = await services.invites.create(owner, mediaId, { people, role: 'viewer', message: '', sendEmail: false });
    res.created.forEach((c) => invites.push({ token: c.link!.split('/i/')[1], email: c.email }));
  }
  await app.listen({ port: 0, host: '127.0.0.1' });
  send({ port: (app.server.address() as { port: number }).port, invites });
  process.on('message', async (m) => {
    if (m !== 'report') return;
    const rows = await db.database.db.selectFrom('invites').select(['uses']).where('media_id', '=', mediaId).execute();
    const grants = await db.database.db.selectFrom('grants').select(['invite_id']).where('media_id', '=', mediaId).execute();
    const perInvite = new Map<string, number>();
    for (const g of grants) perInvite.set(g.invite_id, (perInvite.get(g.invite_id) ?? 0) + 1);
    send({
      redeemed: rows.filter((r) => r.uses === 1).length,
      doubleUses: rows.filter((r) => r.uses > 1).length,
      doubleGrants: [...perInvite.values()].filter((n) => n > 1).length,
    });
    await app.close();
    await db.dispose();
    process.exit(0);
  });
}
