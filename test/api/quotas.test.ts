import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, createTestApp, signUp, type TestApp } from '../factories/app.js';
import { testDialects } from '../factories/database.js';
import { makePdf, multipart } from '../factories/media.js';

/**
 * Storage quotas (issue 14, item 4): a site default, an account's own override, `quota_exceeded` when an
 * upload would not fit (at the start of a tus upload and when the file is stored), and `GET /api/storage`.
 */
const TUS = { 'tus-resumable': '1.0.0' };
const meta = (name: string) => `filename ${Buffer.from(name).toString('base64')}`;

const pdf = (n: number) => makePdf(`Quota test document number ${n}`);

async function uploadForm(agent: Agent, bytes: Buffer, name = 'doc.pdf') {
  const form = multipart(name, bytes);
  return agent.request('POST', '/api/media', form.body, form.headers);
}

async function tusCreate(agent: Agent, size: number, name = 'doc.pdf') {
  return agent.request('POST', '/api/uploads', undefined, { ...TUS, 'upload-length': String(size), 'upload-metadata': meta(name) });
}

const tusPatch = (agent: Agent, url: string, offset: number, bytes: Buffer) =>
  agent.request('PATCH', url, bytes, { ...TUS, 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' });

const storageOf = async (agent: Agent) => {
  const res = await agent.get('/api/storage');
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { usedBytes: number; quotaBytes: number | null; source: 'site' | 'account' };
};

const mediaFolders = (t: TestApp) => (existsSync(path.join(t.config.mediaDir)) ? readdirSync(t.config.mediaDir).filter((n) => !n.startsWith('.')) : []);

describe.each(testDialects())('storage quotas on %s', (dialect) => {
  let t: TestApp;
  let admin: Agent;
  beforeAll(async () => {
    t = await createTestApp({ dialect });
    // the first account on the site is its admin
    admin = (await signUp(t, { name: 'Site Admin' })).agent;
  });
  afterAll(async () => t?.close());

  const setSiteDefault = async (bytes: number | null) => {
    const res = await admin.patch('/api/admin/settings', { defaultQuotaBytes: bytes });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().settings.defaultQuotaBytes).toBe(bytes);
  };

  it('has no limit by default and counts what an account stores', async () => {
    const { agent } = await signUp(t);
    expect(await storageOf(agent)).toEqual({ usedBytes: 0, quotaBytes: null, source: 'site' });
    const a = pdf(1);
    const b = pdf(2);
    expect((await uploadForm(agent, a)).statusCode).toBe(201);
    expect((await uploadForm(agent, b)).statusCode).toBe(201);
    expect((await storageOf(agent)).usedBytes).toBe(a.length + b.length);
  });

  it('refuses a form upload that does not fit with quota_exceeded, keeping what was stored and storing nothing', async () => {
    const { agent } = await signUp(t);
    const files = [pdf(10), pdf(11), pdf(12)];
    const room = files[0]!.length + files[1]!.length + Math.floor(files[2]!.length / 2);
    await setSiteDefault(room);
    try {
      expect(await storageOf(agent)).toEqual({ usedBytes: 0, quotaBytes: room, source: 'site' });
      expect((await uploadForm(agent, files[0]!)).statusCode).toBe(201);
      expect((await uploadForm(agent, files[1]!)).statusCode).toBe(201);
      const foldersBefore = mediaFolders(t).length;

      const refused = await uploadForm(agent, files[2]!, 'third.pdf');
      expect(refused.statusCode).toBe(413);
      const err = refused.json().error;
      expect(err.code).toBe('quota_exceeded');
      expect(err.message).toMatch(/does not fit: .* of your .* is left\. Nothing was saved/);
      expect(err.details).toEqual({ usedBytes: files[0]!.length + files[1]!.length, quotaBytes: room, neededBytes: files[2]!.length });

      const list = (await agent.get('/api/media')).json().items as Array<{ title: string }>;
      expect(list).toHaveLength(2);
      expect(list.map((m) => m.title)).not.toContain('third');
      expect(mediaFolders(t).length).toBe(foldersBefore);
      expect((await storageOf(agent)).usedBytes).toBe(files[0]!.length + files[1]!.length);
    } finally {
      await setSiteDefault(null);
    }
  });

  it('refuses a tus upload when it starts, before any byte is sent, and takes it once there is room again', async () => {
    const { agent } = await signUp(t);
    const first = pdf(20);
    const second = pdf(21);
    await setSiteDefault(first.length + 10);
    try {
      expect((await uploadForm(agent, first)).statusCode).toBe(201);
      const refused = await tusCreate(agent, second.length);
      expect(refused.statusCode).toBe(413);
      expect(JSON.parse(refused.body).error.code).toBe('quota_exceeded');
      expect(refused.headers.location).toBeUndefined();
      expect(readdirSync(t.config.uploadsDir).filter((n) => !n.startsWith('.'))).toEqual([]);

      // the form route refuses it too
      expect((await uploadForm(agent, second)).statusCode).toBe(413);

      // deleting media gives the room back
      const [only] = (await agent.get('/api/media')).json().items as Array<{ id: string }>;
      expect((await agent.delete(`/api/media/${only!.id}`)).statusCode).toBe(200);
      expect((await storageOf(agent)).usedBytes).toBe(0);
      const created = await tusCreate(agent, second.length);
      expect(created.statusCode).toBe(201);
      const done = await tusPatch(agent, String(created.headers.location), 0, second);
      expect(done.statusCode, done.body).toBe(200);
      expect((await storageOf(agent)).usedBytes).toBe(second.length);
    } finally {
      await setSiteDefault(null);
    }
  });

  it('says the storage is full when nothing is left', async () => {
    const { agent } = await signUp(t);
    const first = pdf(30);
    await setSiteDefault(first.length);
    try {
      expect((await uploadForm(agent, first)).statusCode).toBe(201);
      const refused = await uploadForm(agent, pdf(31));
      expect(refused.statusCode).toBe(413);
      expect(refused.json().error.message).toMatch(/^Your storage is full: you use .* of .*\. Nothing was saved/);
      const tus = await tusCreate(agent, 100);
      expect(tus.statusCode).toBe(413);
    } finally {
      await setSiteDefault(null);
    }
  });

  it('lets two uploads that each fit, but not both, finish at once: exactly one is kept', async () => {
    const { agent } = await signUp(t);
    const a = pdf(40);
    const b = pdf(41);
    await setSiteDefault(Math.max(a.length, b.length) + 10);
    try {
      // both start while the account is empty: each fits on its own
      const [ua, ub] = [String((await tusCreate(agent, a.length, 'a.pdf')).headers.location), String((await tusCreate(agent, b.length, 'b.pdf')).headers.location)];
      expect(ua).toMatch(/^\/api\/uploads\//);
      expect(ub).toMatch(/^\/api\/uploads\//);
      const results = await Promise.all([tusPatch(agent, ua, 0, a), tusPatch(agent, ub, 0, b)]);
      const codes = results.map((r) => r.statusCode).sort();
      expect(codes).toEqual([200, 413]);
      const refused = results.find((r) => r.statusCode === 413)!;
      expect(JSON.parse(refused.body).error.code).toBe('quota_exceeded');
      const items = (await agent.get('/api/media')).json().items as unknown[];
      expect(items).toHaveLength(1);
      expect((await storageOf(agent)).usedBytes).toBeLessThanOrEqual(Math.max(a.length, b.length));
      expect(readdirSync(t.config.uploadsDir).filter((n) => !n.startsWith('.'))).toEqual([]);
    } finally {
      await setSiteDefault(null);
    }
  });

  it("lets an admin give one account its own quota, no limit, or the site default again, in the audit log", async () => {
    const { agent, user, email } = await signUp(t, { name: 'Quota Person' });
    const first = pdf(50);
    const second = pdf(51);
    await setSiteDefault(first.length);
    try {
      expect((await uploadForm(agent, first)).statusCode).toBe(201);
      expect((await uploadForm(agent, second)).statusCode).toBe(413);

      const raised = await admin.request('PUT', `/api/admin/users/${user.id}/quota`, { quota: first.length + second.length });
      expect(raised.statusCode, raised.body).toBe(200);
      expect(raised.json()).toEqual({ usedBytes: first.length, quotaBytes: first.length + second.length, source: 'account', accountQuota: first.length + second.length });
      expect(await storageOf(agent)).toMatchObject({ quotaBytes: first.length + second.length, source: 'account' });
      expect((await uploadForm(agent, second)).statusCode).toBe(201);
      expect((await uploadForm(agent, pdf(52))).statusCode).toBe(413);

      const unlimited = await admin.request('PUT', `/api/admin/users/${user.id}/quota`, { quota: 'unlimited' });
      expect(unlimited.json()).toMatchObject({ quotaBytes: null, source: 'account', accountQuota: 'unlimited' });
      expect((await uploadForm(agent, pdf(52))).statusCode).toBe(201);

      const back = await admin.request('PUT', `/api/admin/users/${user.id}/quota`, { quota: 'default' });
      expect(back.json()).toMatchObject({ quotaBytes: first.length, source: 'site', accountQuota: 'default' });
      expect((await uploadForm(agent, pdf(53))).statusCode).toBe(413);

      const log = (await admin.get('/api/admin/audit?action=user.quota_changed')).json().items as Array<{ action: string; details: Record<string, unknown> }>;
      const mine = log.filter((e) => e.details.account === email);
      // the test clock stands still, so the three entries share one time: compared without their order
      expect(mine).toHaveLength(3);
      expect(mine.map((e) => [e.details.from, e.details.to])).toEqual(
        expect.arrayContaining([
          ['site default', expect.stringMatching(/^\d+(\.\d)? KB$/)],
          [expect.stringMatching(/^\d+(\.\d)? KB$/), 'no limit'],
          ['no limit', 'site default'],
        ]),
      );
    } finally {
      await setSiteDefault(null);
    }
  });

  it("reads the site's default inside the transaction that stores an upload, even when its cache has expired", async () => {
    const { user } = await signUp(t);
    await setSiteDefault(10_000);
    try {
      const { Transactor } = await import('../../src/server/repositories/transaction.js');
      // the two-second settings cache expired between the upload's first check and its transaction
      (t.services.settings as unknown as { cached?: unknown }).cached = undefined;
      const inside = new Transactor(t.db.database.db).run(async (trx) => {
        await t.services.quotas.ensureRoom(user.id, 20_000, trx);
      });
      // a read outside the transaction would wait for it forever on SQLite's one connection
      const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error('the check waited on its own transaction')), 5_000).unref());
      await expect(Promise.race([inside, timeout])).rejects.toMatchObject({ code: 'quota_exceeded' });
    } finally {
      await setSiteDefault(null);
    }
  });

  it('refuses bad quotas and non-admins with clear errors, changing nothing', async () => {
    const { agent, user } = await signUp(t);
    for (const quota of [0, -1, 1.5, 'lots', null]) {
      const res = await admin.request('PUT', `/api/admin/users/${user.id}/quota`, { quota });
      expect(res.statusCode, JSON.stringify(quota)).toBe(400);
      expect(res.json().error.code).toBe('validation_failed');
    }
    const unknown = await admin.request('PUT', '/api/admin/users/no-such-account/quota', { quota: 1000 });
    expect(unknown.statusCode).toBe(404);
    const notAdmin = await agent.request('PUT', `/api/admin/users/${user.id}/quota`, { quota: 'unlimited' });
    expect(notAdmin.statusCode).toBe(403);
    expect(await storageOf(agent)).toEqual({ usedBytes: 0, quotaBytes: null, source: 'site' });
    for (const bad of [0, -5, 2.5, 'big']) {
      const res = await admin.patch('/api/admin/settings', { defaultQuotaBytes: bad });
      expect(res.statusCode, JSON.stringify(bad)).toBe(400);
    }
    expect((await admin.get('/api/admin/settings')).json().settings.defaultQuotaBytes).toBeNull();
    expect((await new Agent(t.app).get('/api/storage')).statusCode).toBe(401);
  });
});
