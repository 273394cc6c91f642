/** What the benchmarks' Foyer servers set up: an owner (a site admin) and a ready video row of theirs. */
import type { Database } from '../src/server/db/database.js';
import type { Services } from '../src/server/runtime.js';

export async function benchOwnerWithVideo(services: Services, database: Database, video: { id: string; title: string; fileName: string }) {
  const { user: owner } = await services.auth.createAdmin({ email: 'owner@bench.example', name: 'Bench Owner', password: 'bench password 1' });
  const now = Date.now();
  await database.db
    .insertInto('media')
    .values({ id: video.id, owner_id: owner.id, type: 'video', title: video.title, description: '', status: 'ready', mime_type: 'video/mp4', size_bytes: 1, storage_key: null, original_name: video.fileName, created_at: now, updated_at: now, deleted_at: null })
    .execute();
  return { owner, mediaId: video.id };
}
