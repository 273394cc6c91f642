/**
 * Child process of bench/lobby-weight: one Foyer server (SQLite, silent logs) serving the web app
 * built in <webRoot>, with one owner, one ready video and <count> fresh single-person invites.
 *
 *   node --import tsx bench/lobby-weight/server.ts <root> <webRoot> <count>
 *
 * <root> is the checkout whose server code runs: this worktree for Foyer, an extracted older commit
 * for the baseline. Only APIs both have are used (buildApp, loadConfig, createTestDatabase,
 * services.auth.createAdmin, services.invites.create), so the same script drives either.
 * Tells the parent { port, links, mediaId } over IPC and exits when the parent says 'stop'.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
// Runs against the checkout in `root` (the baseline commit too); only the shapes of services are shared.
import { benchOwnerWithVideo } from '../site.js';

const [root, webRoot, countArg] = process.argv.slice(2);
const count = Number(countArg ?? 20);
const from = (rel: string) => import(pathToFileURL(path.join(root, rel)).href);

const { buildApp } = await from('src/server/app.ts');
const { loadConfig } = await from('src/server/config.ts');
const { createLogger } = await from('src/server/logger.ts');
const { createTestDatabase } = await from('test/factories/database.ts');

const db = await createTestDatabase('sqlite');
// PUBLIC_URL must be the address the browser uses (invite links, the Origin check): listen first.
const { createServer } = await import('node:net');
const port: number = await new Promise((resolve) => {
  const s = createServer();
  s.listen(0, '127.0.0.1', () => {
    const p = (s.address() as { port: number }).port;
    s.close(() => resolve(p));
  });
});
const url = `http://127.0.0.1:${port}`;
const config = loadConfig({ DATA_DIR: db.dataDir, PUBLIC_URL: url, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'silent', SESSION_SECRET: 'bench-secret-bench-secret-bench-secret-7' });
const { app, services } = await buildApp({ config, database: db.database, logger: createLogger('silent'), webRoot });
const { owner, mediaId } = await benchOwnerWithVideo(services, db.database, { id: 'bench-video', title: 'Quarterly review', fileName: 'review.mp4' });
const people = Array.from({ length: count }, (_, i) => ({ email: `guest${i}@bench.example` }));
const res = await services.invites.create(owner, mediaId, { people, role: 'viewer', message: '', sendEmail: false });
const links = (res.created as Array<{ email: string; link?: string }>).map((c) => ({ email: c.email, link: c.link! }));
await app.listen({ port, host: '127.0.0.1' });
process.send!({ port, url, links, mediaId });
process.on('message', async (m) => {
  if (m !== 'stop') return;
  await app.close();
  await db.dispose();
  process.exit(0);
});
