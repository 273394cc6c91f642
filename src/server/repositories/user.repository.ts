import type { Kysely } from 'kysely';
import type { DB, NewUser, User } from '../db/schema.js';
import { Precompiled } from './compiled.js';

export class UserRepository {
  constructor(private readonly db: Kysely<DB>) {}

  /** Every request of a logged-in visitor looks the account up: built and compiled once. */
  private readonly byId = new Precompiled<{ id: string }, User>((db, p) => db.selectFrom('users').selectAll().where('id', '=', p('id')));

  private readonly namesOfOne = new Precompiled<{ id: string }, Pick<User, 'id' | 'name' | 'email'>>((db, p) => db.selectFrom('users').select(['id', 'name', 'email']).where('id', '=', p('id')));

  findById(id: string): Promise<User | undefined> {
    return this.byId.first(this.db, { id });
  }

  /** Names and addresses of several accounts in one query. */
  findByIds(ids: string[]): Promise<Array<Pick<User, 'id' | 'name' | 'email'>>> {
    if (ids.length === 0) return Promise.resolve([]);
    if (ids.length === 1) return this.namesOfOne.all(this.db, { id: ids[0]! });
    return this.db.selectFrom('users').select(['id', 'name', 'email']).where('id', 'in', ids).execute();
  }

  /** Whether any account exists yet (the first one becomes the site admin). */
  async any(db: Kysely<DB> = this.db): Promise<boolean> {
    return (await db.selectFrom('users').select('id').limit(1).executeTakeFirst()) !== undefined;
  }

  findByCanonicalEmail(email: string): Promise<User | undefined> {
    return this.db.selectFrom('users').selectAll().where('email_canonical', '=', email).executeTakeFirst();
  }

  async count(): Promise<number> {
    const row = await this.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async insert(user: NewUser, db: Kysely<DB> = this.db): Promise<void> {
    await db.insertInto('users').values(user).execute();
  }

  async markVerified(id: string, at: number, db: Kysely<DB> = this.db): Promise<void> {
    await db.updateTable('users').set({ email_verified_at: at }).where('id', '=', id).where('email_verified_at', 'is', null).execute();
  }

  async setAdmin(id: string): Promise<void> {
    await this.db.updateTable('users').set({ is_admin: 1 }).where('id', '=', id).execute();
  }
}
