/**
 * Child process of bench/join-storm: Foyer (SQLite, or PostgreSQL with TEST_DATABASE_URL and
 * `postgres` as the second argument; in-process bus; the built web app) with one live event, or
 * the skeleton: bare Fastify and a raw `ws` server answering the same requests with constant bodies
 * (the bodies Foyer gave the first joiner, recorded by the parent). Talks to the parent over IPC.
 */
import Fastify from 'fastify';
import SQLite from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { AsyncLocalStorage } from 'node:async_hooks';
import { Session } from 'node:inspector/promises';
import { WebSocketServer } from 'ws';
import { MAX_INVITES_PER_REQUEST } from '../../src/contracts/invites.js';
import { buildApp } from '../../src/server/app.js';
import { loadConfig } from '../../src/server/config.js';
import { newToken } from '../../src/server/domain/tokens.js';
import { createLogger } from '../../src/server/logger.js';
import { createTestDatabase } from '../../test/factories/database.js';

export const PUBLIC_URL = 'http://localhost:3000';
const kind = process.argv[2] as 'foyer' | 'skeleton';
const dialect = (process.argv[3] ?? 'sqlite') as 'sqlite' | 'postgres';
const send = (m: unknown) => process.send!(m);
process.on('disconnect', () => process.exit(0));

/** What the skeleton answers: Foyer's own bodies for the first joiner. */
export interface Recorded {
  lobbyHtml: string;
  lobbyInfo: string;
  enter: string;
  eventPage: string;
  roomFrames: string[];
}

if (kind === 'skeleton') {
  const recorded = await new Promise<Recorded>((resolve) => process.once('message', (m) => resolve((m as { recorded: Recorded }).recorded)));
  const app = Fastify();
  const cookie = (name: string, value: string, httpOnly = true) => `${name}=${value}; Max-Age=31536000; Path=/; ${httpOnly ? 'HttpOnly; ' : ''}SameSite=Lax`;
  const json = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };
  app.get('/i/:token', async (request, reply) => {
    const token = (request.params as { token: string }).token;
    reply.header('set-cookie', [cookie('foyer_invite', token), cookie('foyer_device', newToken()), cookie('foyer_csrf', newToken(), false)]);
    return reply.redirect('/lobby', 303);
  });
  app.get('/lobby', async (_q, reply) => reply.type('text/html; charset=utf-8').send(recorded.lobbyHtml));
  app.get('/api/lobby', async (_q, reply) => reply.headers(json).send(recorded.lobbyInfo));
  app.post('/api/lobby/enter', async (_q, reply) => reply.headers(json).header('set-cookie', cookie('foyer_session', newToken())).send(recorded.enter));
  app.get('/api/events/:id', async (_q, reply) => reply.headers(json).send(recorded.eventPage));
  const wss = new WebSocketServer({ noServer: true });
  wss.on('connection', (ws) => ws.once('message', () => recorded.roomFrames.forEach((f) => ws.send(f))));
  app.server.on('upgrade', (req, socket, head) => {
    if (!req.url?.endsWith('/room')) return socket.destroy();
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  send({ type: 'ready', port: (app.server.address() as { port: number }).port });
  process.on('message', async (m: { type: string }) => {
    if (m.type === 'close-sockets') {
      for (const c of wss.clients) c.terminate();
      send({ type: 'closed' });
    }
    if (m.type === 'stop') process.exit(0);
  });
} else {
  const db = await createTestDatabase(dialect);
  const config = loadConfig({ DATA_DIR: db.dataDir, PUBLIC_URL, LOG_LEVEL: 'silent', SESSION_SECRET: 'bench-secret-bench-secret-bench-secret-1' });
  const { app, services } = await buildApp({ config, database: db.database, logger: createLogger('silent') });
  const { user } = await services.auth.createAdmin({ email: 'owner@bench.example', name: 'Bench Owner', password: 'bench password 1' });
  const now = Date.now();
  const view = await services.liveEvents.create(user, { kind: 'webcast', title: 'Join storm', startsAt: new Date(now - 60_000).toISOString(), endsAt: new Date(now + 6 * 3600_000).toISOString(), timeZone: 'UTC' });
  const eventId = view.media.id;
  const owner = await services.auth.createSession({ userId: user.id });
  const csrf = newToken();
  let seq = 0;
  /** `count` new single-use viewer links, made by the owner through the API (not timed). */
  async function links(count: number): Promise<Array<{ email: string; link: string }>> {
    const out: Array<{ email: string; link: string }> = [];
    while (out.length < count) {
      const people = Array.from({ length: Math.min(count - out.length, MAX_INVITES_PER_REQUEST) }, () => {
        const n = ++seq;
        return { email: `guest-${n}-${randomBytes(3).toString('hex')}@bench.example`, firstName: 'Guest', lastName: String(n) };
      });
      const res = await app.inject({
        method: 'POST',
        url: `/api/media/${eventId}/invites`,
        headers: { cookie: `foyer_session=${owner.token}; foyer_csrf=${csrf}`, 'x-csrf-token': csrf, 'content-type': 'application/json', origin: PUBLIC_URL },
        payload: JSON.stringify({ people, role: 'viewer', sendEmail: false }),
      });
      if (res.statusCode !== 201) throw new Error(`invites refused: ${res.statusCode} ${res.body}`);
      out.push(...(res.json().created as Array<{ email: string; link: string }>));
    }
    return out;
  }
  await app.listen({ port: 0, host: '127.0.0.1' });
  const window = measuringWindow();
  if (process.env.BENCH_TRACE_SQL) {
    // statements by the request that ran them: link, lobby, enter, event page, room (upgrade and its socket)
    const emit = app.server.emit.bind(app.server);
    app.server.emit = ((name: string, ...args: unknown[]) => {
      if (name !== 'request' && name !== 'upgrade') return emit(name, ...args);
      const url = (args[0] as { method: string; url: string }).url.replace(/\/i\/[^/?]+/, '/i/:token').replace(/[0-9a-f-]{36}/, ':id');
      return step.run(`${(args[0] as { method: string }).method} ${url}${name === 'upgrade' ? ' (socket)' : ''}`, () => emit(name, ...args));
    }) as typeof app.server.emit;
  }
  send({ type: 'ready', port: (app.server.address() as { port: number }).port, eventId });
  process.on('message', async (m: { type: string; count?: number }) => {
    if (m.type === 'links') {
      await window.close();
      const made = (await links(m.count!)).map((l) => ({ email: l.email, path: new URL(l.link).pathname }));
      await window.open();
      send({ type: 'links', links: made });
    }
    if (m.type === 'count') {
      await window.close();
      const q = db.database.db;
      const sessions = await q.selectFrom('sessions').select((eb) => eb.fn.countAll<number>().as('n')).where('kind', '=', 'guest').executeTakeFirstOrThrow();
      const grants = await q.selectFrom('grants').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      send({ type: 'count', sessions: Number(sessions.n), grants: Number(grants.n) });
    }
    if (m.type === 'close-sockets') {
      for (const c of (app as unknown as { websocketServer: { clients: Set<{ terminate(): void }> } }).websocketServer.clients) c.terminate();
      send({ type: 'closed' });
    }
    if (m.type === 'stop') {
      await app.close();
      await db.dispose();
      process.exit(0);
    }
  });
}

const step = new AsyncLocalStorage<string>();

/**
 * Only the joins, not the setup: BENCH_PROFILE=<dir> writes a CPU profile of each round's joins
 * (from the links being handed over to the count), BENCH_TRACE_SQL=1 prints the SQLite statements run
 * in that window, most frequent first.
 */
function measuringWindow() {
  const session = process.env.BENCH_PROFILE ? new Session() : undefined;
  const counts = new Map<string, number>();
  const nanos = new Map<string, bigint>();
  let tracing = false;
  if (process.env.BENCH_TRACE_SQL) {
    const proto = Object.getPrototypeOf(new SQLite(':memory:').prepare('select 1')) as Record<string, (...a: unknown[]) => unknown>;
    for (const name of ['run', 'get', 'all', 'iterate']) {
      const original = proto[name]!;
      proto[name] = function (this: { source: string }, ...args: unknown[]) {
        if (!tracing) return original.apply(this, args);
        const t = process.hrtime.bigint();
        try {
          return original.apply(this, args);
        } finally {
          const key = `${(step.getStore() ?? '(other)').padEnd(36)} ${this.source}`;
          counts.set(key, (counts.get(key) ?? 0) + 1);
          nanos.set(key, (nanos.get(key) ?? 0n) + process.hrtime.bigint() - t);
        }
      };
    }
  }
  let round = 0;
  return {
    async open() {
      counts.clear();
      nanos.clear();
      tracing = true;
      if (session) {
        session.connect();
        await session.post('Profiler.enable');
        await session.post('Profiler.start');
      }
    },
    async close() {
      if (!tracing) return;
      tracing = false;
      round++;
      if (session) {
        const { profile } = await session.post('Profiler.stop');
        const file = `${process.env.BENCH_PROFILE}/join-storm-${dialect}-${process.pid}-${round}.cpuprofile`;
        writeFileSync(file, JSON.stringify(profile));
        session.disconnect();
        process.stderr.write(`profile: ${file}\n`);
      }
      if (counts.size) {
        const total = [...counts.values()].reduce((a, b) => a + b, 0);
        const ms = Number([...nanos.values()].reduce((a, b) => a + b, 0n)) / 1e6;
        process.stderr.write(`statements in the window: ${total}, ${ms.toFixed(0)} ms in SQLite (count, total ms, µs each)\n`);
        for (const [sql, n] of [...counts].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
          const t = Number(nanos.get(sql)!) / 1e6;
          process.stderr.write(`${String(n).padStart(8)} ${t.toFixed(0).padStart(6)} ${((t * 1000) / n).toFixed(0).padStart(5)}  ${sql.replace(/\s+/g, ' ').slice(0, 200)}\n`);
        }
      }
    },
  };
}
