import { randomUUID } from 'node:crypto';
import type { SiteSettings } from '../../src/contracts/invites.js';
import type { MediaType } from '../../src/server/db/schema.js';
import { Agent, signUp, uniqueEmail, type TestApp } from './app.js';
import { makeVideo, multipart } from './media.js';

/** An owner (verified account) with an uploaded video. */
export async function ownerWithVideo(t: TestApp, opts: { name?: string; fileName?: string } = {}) {
  const owner = await signUp(t, { name: opts.name ?? 'Olivia Owner' });
  const form = multipart(opts.fileName ?? 'Launch keynote.mp4', makeVideo({ seconds: 1 }).bytes);
  const res = await owner.agent.request('POST', '/api/media', form.body, form.headers);
  if (res.statusCode !== 201) throw new Error(`upload failed: ${res.body}`);
  return { owner, media: res.json().media as { id: string; title: string; fileUrl: string } };
}

/** A media row of any type (e.g. a live event before the live-events module exists), owned by the user. */
export async function mediaRow(t: TestApp, ownerId: string, type: MediaType, title = `A ${type}`) {
  const id = randomUUID();
  const now = t.clock.now;
  await t.db.database.db
    .insertInto('media')
    .values({ id, owner_id: ownerId, type, title, description: '', status: 'ready', mime_type: 'application/octet-stream', size_bytes: 0, storage_key: null, original_name: title, created_at: now, updated_at: now, deleted_at: null })
    .execute();
  return { id, title };
}

/** Invites one person without email and returns the link shown once. */
export async function invite(t: Pick<TestApp, 'app'>, owner: Agent, mediaId: string, opts: { email?: string; role?: string; firstName?: string; lastName?: string; message?: string } = {}) {
  const email = opts.email ?? uniqueEmail('guest');
  const res = await owner.post(`/api/media/${mediaId}/invites`, {
    people: [{ email, firstName: opts.firstName ?? 'Gail', lastName: opts.lastName ?? 'Guest' }],
    role: opts.role ?? 'viewer',
    message: opts.message ?? '',
    sendEmail: false,
  });
  if (res.statusCode !== 201) throw new Error(`invite failed: ${res.statusCode} ${res.body}`);
  const created = res.json().created[0] as { id: string; link: string };
  return { email, inviteId: created.id, link: created.link, token: created.link.split('/i/')[1] };
}

/** A browser (own cookies, own device) opening an invite link: GET /i/<token> then the lobby. */
export async function openLink(agent: Agent, link: string) {
  const res = await agent.get(new URL(link).pathname);
  return res;
}

export async function enter(agent: Agent, body: { email?: string; code?: string }) {
  return agent.post('/api/lobby/enter', body);
}

export async function setSettings(t: TestApp, patch: Partial<SiteSettings>) {
  await t.services.settings.update(patch, 'test');
}

export const errorCode = (res: { json(): unknown }) => (res.json() as { error?: { code: string } }).error?.code;

/** The invite row as stored (uses, attempts, device binding). */
export const inviteRow = (t: TestApp, id: string) => t.db.database.db.selectFrom('invites').selectAll().where('id', '=', id).executeTakeFirst();
