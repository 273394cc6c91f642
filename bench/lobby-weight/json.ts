/**
 * bench/lobby-weight, JSON part: does compressing JSON answers (@fastify/compress: Brotli quality 4 or
 * gzip, 1 KB threshold) cost the server more time than it saves on the way to a phone?
 *
 * In one process, the real app (SQLite) answers the same GET through inject() with and without
 * `Accept-Encoding: br` (and gzip), in alternating batches; per answer it reports the server time
 * (median over batches) and the bytes, then the transfer time saved at 1.6 Mbps (slow 4G) against the
 * server time added.
 */
import { randomUUID } from 'node:crypto';
import { createTestApp, signUp } from '../../test/factories/app.js';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const PHONE_BYTES_PER_MS = 1_600_000 / 8 / 1000;

export async function jsonBench(opts: { batches: number; perBatch: number }) {
  const t = await createTestApp({});
  try {
    const { agent, user } = await signUp(t);
    const now = t.clock.now;
    for (let i = 0; i < 40; i++) {
      await t.db.database.db
        .insertInto('media')
        .values({ id: randomUUID(), owner_id: user.id, type: 'video', title: `Team meeting recording ${i + 1}`, description: 'Weekly sync of the product team, with the roadmap review and questions.', status: 'ready', mime_type: 'video/mp4', size_bytes: 123_456_789, storage_key: null, original_name: `meeting-${i + 1}.mp4`, created_at: now - i * 86_400_000, updated_at: now, deleted_at: null })
        .execute();
    }
    const mediaId = (await agent.get('/api/media')).json().items[0].id as string;
    const invited = await agent.post(`/api/media/${mediaId}/invites`, {
      people: Array.from({ length: 100 }, (_, i) => ({ email: `person${i}@example.com`, firstName: 'Person', lastName: `Number ${i}` })),
      role: 'viewer',
      message: '',
      sendEmail: false,
    });
    if (invited.statusCode !== 201) throw new Error(`invites: ${invited.statusCode} ${invited.body}`);
    const cases = [
      { name: 'library list, 40 items (GET /api/media)', url: '/api/media' },
      { name: 'People with access, 100 invites (GET /api/media/:id/invites)', url: `/api/media/${mediaId}/invites` },
    ];
    const rows: string[] = [];
    for (const c of cases) {
      const send = (enc?: string) => t.app.inject({ method: 'GET', url: c.url, headers: { cookie: agent.cookieHeader, ...(enc ? { 'accept-encoding': enc } : {}) } });
      const encodings = [undefined, 'br', 'gzip'] as const;
      const times = new Map<string, number[]>(encodings.map((e) => [e ?? 'identity', []]));
      const bytes = new Map<string, number>();
      for (const e of encodings) for (let i = 0; i < 20; i++) await send(e); // warm-up
      for (let b = 0; b < opts.batches; b++) {
        const order = b % 2 === 0 ? encodings : [...encodings].reverse();
        for (const e of order) {
          const started = process.hrtime.bigint();
          let last;
          for (let i = 0; i < opts.perBatch; i++) last = await send(e);
          const perAnswer = Number(process.hrtime.bigint() - started) / 1e6 / opts.perBatch;
          times.get(e ?? 'identity')!.push(perAnswer);
          if (last!.statusCode !== 200) throw new Error(`${c.url}: ${last!.statusCode}`);
          if ((last!.headers['content-encoding'] ?? 'identity') !== (e ?? 'identity')) throw new Error(`${c.url}: expected ${e}, got ${last!.headers['content-encoding']}`);
          bytes.set(e ?? 'identity', last!.rawPayload.length);
        }
      }
      const plainMs = median(times.get('identity')!);
      const plainBytes = bytes.get('identity')!;
      for (const e of ['identity', 'br', 'gzip']) {
        const ms = median(times.get(e)!);
        const b = bytes.get(e)!;
        const saved = (plainBytes - b) / PHONE_BYTES_PER_MS;
        rows.push(`| ${c.name} | ${e} | ${(b / 1024).toFixed(1)} KB | ${ms.toFixed(3)} ms | ${e === 'identity' ? '—' : `+${(ms - plainMs).toFixed(3)} ms`} | ${e === 'identity' ? '—' : `${saved.toFixed(0)} ms`} |`);
      }
    }
    console.log(`\nJSON answers, compressed or not: server time per answer (inject, median of ${opts.batches} batches of ${opts.perBatch}) and transfer saved at 1.6 Mbps\n`);
    console.log('| answer | encoding | bytes | server time | added by compressing | transfer time saved on slow 4G |');
    console.log('| --- | --- | ---: | ---: | ---: | ---: |');
    for (const r of rows) console.log(r);
  } finally {
    await t.close();
  }
}
