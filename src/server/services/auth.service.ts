import { randomUUID } from 'node:crypto';
import type { Session, User } from '../db/schema.js';
import { canonicalEmail } from '../domain/email.js';
import { hashToken, looksLikeToken, newToken } from '../domain/tokens.js';
import { AppError } from '../errors.js';
import { guestScopeOf, type Visitor } from '../domain/visitor.js';
import type { EmailTokenRepository } from '../repositories/email-token.repository.js';
import type { SessionRepository } from '../repositories/session.repository.js';
import type { Transactor, Tx } from '../repositories/transaction.js';
import type { UserRepository } from '../repositories/user.repository.js';
import { renderEmail } from './emails/layout.js';
import type { MailService } from './mail.service.js';
import { dummyHash, hashPassword, verifyPassword } from './password.js';

const VERIFY_TTL_MS = 48 * 3600_000;
const TOUCH_EVERY_MS = 60_000;

export interface AuthDeps {
  tx: Transactor;
  users: UserRepository;
  sessions: SessionRepository;
  emailTokens: EmailTokenRepository;
  mail: MailService;
  clock: () => number;
  publicUrl: string;
  sessionTtlMs: number;
}

export type ResolvedSession = Visitor & { session: Session };

export interface NewSession {
  token: string;
  session: Session;
}

export class AuthService {
  private readonly users: UserRepository;
  private readonly sessions: SessionRepository;
  private readonly emailTokens: EmailTokenRepository;

  constructor(private readonly deps: AuthDeps) {
    this.users = deps.users;
    this.sessions = deps.sessions;
    this.emailTokens = deps.emailTokens;
  }

  findUser(id: string): Promise<User | undefined> {
    return this.users.findById(id);
  }

  /** Names and addresses of accounts, for naming viewers to an owner. */
  describeUsers(ids: string[]): Promise<Array<Pick<User, 'id' | 'name' | 'email'>>> {
    return this.users.findByIds(ids);
  }

  async signUp(input: { email: string; name: string; password: string; deviceId?: string }): Promise<{ user: User } & NewSession> {
    const canonical = canonicalEmail(input.email);
    if (!canonical) throw new AppError('validation_failed', { details: { email: 'Enter a valid email address.' } });
    if (await this.users.findByCanonicalEmail(canonical)) throw new AppError('email_taken');
    const passwordHash = await hashPassword(input.password);
    const now = this.deps.clock();
    const user: User = {
      id: randomUUID(),
      email: input.email.trim(),
      email_canonical: canonical,
      name: input.name.trim(),
      password_hash: passwordHash,
      email_verified_at: null,
      is_admin: 0,
      created_at: now,
      quota_bytes: null,
    };
    let created: NewSession;
    try {
      created = await this.deps.tx.run(async (trx) => {
        // The first account on a new site becomes its admin.
        user.is_admin = (await this.users.any(trx)) ? 0 : 1;
        await this.users.insert(user, trx);
        await this.queueVerification(user, trx);
        return this.createSession({ userId: user.id, deviceId: input.deviceId }, trx);
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw new AppError('email_taken');
      throw err;
    }
    this.deps.mail.kick();
    return { user, ...created };
  }

  async resendVerification(user: User): Promise<void> {
    if (user.email_verified_at) return;
    await this.queueVerification(user);
    this.deps.mail.kick();
  }

  private async queueVerification(user: User, trx?: Tx): Promise<void> {
    const token = newToken();
    const now = this.deps.clock();
    await this.emailTokens.insert(
      { id: hashToken(token), user_id: user.id, purpose: 'verify_email', created_at: now, expires_at: now + VERIFY_TTL_MS },
      trx,
    );
    const url = `${this.deps.publicUrl}/verify-email?token=${encodeURIComponent(token)}`;
    const body = renderEmail({
      heading: 'Confirm your email address',
      paragraphs: [`Hi ${user.name},`, 'Confirm that this is your email address to finish setting up your Foyer account.'],
      button: { label: 'Confirm email address', url },
      footer: 'This link is valid for 48 hours. If you did not sign up for Foyer, ignore this email.',
    });
    await this.deps.mail.queue({ kind: 'verify_email', to: user.email, subject: 'Confirm your email address for Foyer', ...body }, trx);
  }

  async verifyEmail(token: string): Promise<User> {
    if (!looksLikeToken(token)) throw new AppError('verification_invalid');
    const now = this.deps.clock();
    const userId = await this.emailTokens.consume(hashToken(token), now);
    if (!userId) throw new AppError('verification_invalid');
    await this.users.markVerified(userId, now);
    return (await this.users.findById(userId))!;
  }

  async logIn(input: { email: string; password: string; deviceId?: string }): Promise<{ user: User } & NewSession> {
    const canonical = canonicalEmail(input.email);
    const user = canonical ? await this.users.findByCanonicalEmail(canonical) : undefined;
    const ok = await verifyPassword(user?.password_hash ?? (await dummyHash()), input.password);
    if (!user || !ok) throw new AppError('invalid_credentials');
    const created = await this.createSession({ userId: user.id, deviceId: input.deviceId });
    return { user, ...created };
  }

  async logOut(sessionId: string): Promise<void> {
    await this.sessions.delete(sessionId);
  }

  /** Ends a session at once (the lobby replaces it with a rotated one). */
  async endSession(sessionId: string, trx?: Tx): Promise<void> {
    await this.sessions.delete(sessionId, trx);
  }

  /** A guest session lasts as long as the longest access it holds (the lobby sets it on every pass). */
  /** Signs out at once everyone signed in through these SSO identities (their provider was removed). */
  endSessionsOfIdentities(identityIds: string[], trx?: Tx): Promise<number> {
    return this.sessions.deleteByIdentities(identityIds, trx);
  }

  async extendSession(sessionId: string, expiresAt: number, trx?: Tx): Promise<void> {
    await this.sessions.setExpiry(sessionId, expiresAt, trx);
  }

  async createSession(
    opts: { userId: string | null; deviceId?: string; kind?: 'user' | 'guest'; ttlMs?: number; identityId?: string },
    trx?: Tx,
  ): Promise<NewSession> {
    const created = this.newSession(opts);
    await this.sessions.insert(created.session, trx);
    return created;
  }

  /** A new session's token and row, not yet stored (the lobby stores it together with the redemption). */
  newSession(opts: { userId: string | null; deviceId?: string; kind?: 'user' | 'guest'; ttlMs?: number; identityId?: string }): NewSession {
    const token = newToken();
    const now = this.deps.clock();
    const session: Session = {
      id: hashToken(token),
      user_id: opts.userId,
      kind: opts.kind ?? 'user',
      device_id: opts.deviceId ?? null,
      created_at: now,
      expires_at: now + (opts.ttlMs ?? this.deps.sessionTtlMs),
      last_seen_at: now,
      identity_id: opts.identityId ?? null,
    };
    return { token, session };
  }

  /** The live session (and its user) for a cookie token, or undefined. */
  async resolve(token: string | undefined): Promise<ResolvedSession | undefined> {
    if (!token || !looksLikeToken(token)) return undefined;
    const session = await this.sessions.findById(hashToken(token));
    const now = this.deps.clock();
    if (!session || session.expires_at <= now) return undefined;
    if (now - session.last_seen_at > TOUCH_EVERY_MS) await this.sessions.touch(session.id, now);
    return this.visitorOf(session, now);
  }

  /** A guest session's visitor carries its scope: every media its grants hold, and those it lost. */
  private async visitorOf(session: Session, now: number): Promise<ResolvedSession | undefined> {
    if (!session.user_id) {
      if (session.kind !== 'guest') return { session };
      return { session, guest: guestScopeOf(await this.sessions.guestGrants(session.id), now, session.expires_at) };
    }
    const user = await this.users.findById(session.user_id);
    return user ? { session, user } : undefined;
  }

  /**
   * The visitor behind an open socket's session as it is now (ended by logout or expiry), and its
   * account and, for a guest, its scope. Sockets are re-checked with this before every action.
   */
  async visitorForSession(sessionId: string): Promise<Visitor | undefined> {
    const session = await this.sessions.findById(sessionId);
    const now = this.deps.clock();
    if (!session || session.expires_at <= now) return undefined;
    return this.visitorOf(session, now);
  }

  findUserByEmail(email: string): Promise<User | undefined> {
    const canonical = canonicalEmail(email);
    return canonical ? this.users.findByCanonicalEmail(canonical) : Promise.resolve(undefined);
  }

  /** Is this the account's password? (SSO's "link your account" step.) Accounts made by SSO have none. */
  async checkPassword(user: User, password: string): Promise<boolean> {
    const ok = await verifyPassword(user.password_hash || (await dummyHash()), password);
    return ok && user.password_hash !== '';
  }

  /** A provider asserted the address and the person proved the account: it counts as confirmed. */
  async markEmailVerified(userId: string, trx?: Tx): Promise<void> {
    await this.users.markVerified(userId, this.deps.clock(), trx);
  }

  /**
   * An account made at its first SSO sign-in: no password (it signs in at its provider), its email
   * confirmed when the provider asserted it. The first account on a site still becomes its admin.
   */
  async createSsoAccount(input: { email: string; name: string; emailVerified: boolean }, trx: Tx): Promise<User> {
    const canonical = canonicalEmail(input.email);
    if (!canonical) throw new AppError('validation_failed', { message: 'The sign-in provider gave no valid email address.' });
    const now = this.deps.clock();
    const user: User = {
      id: randomUUID(),
      email: input.email.trim(),
      email_canonical: canonical,
      name: input.name.trim() || input.email.trim(),
      password_hash: '',
      email_verified_at: input.emailVerified ? now : null,
      is_admin: (await this.users.any(trx)) ? 0 : 1,
      created_at: now,
      quota_bytes: null,
    };
    await this.users.insert(user, trx);
    return user;
  }

  /** For the CLI: creates a verified admin account, or promotes an existing one. */
  async createAdmin(input: { email: string; name: string; password: string }): Promise<{ user: User; created: boolean }> {
    const canonical = canonicalEmail(input.email);
    if (!canonical) throw new AppError('validation_failed', { details: { email: 'Enter a valid email address.' } });
    const existing = await this.users.findByCanonicalEmail(canonical);
    if (existing) {
      await this.users.setAdmin(existing.id);
      return { user: { ...existing, is_admin: 1 }, created: false };
    }
    const now = this.deps.clock();
    const user: User = {
      id: randomUUID(),
      email: input.email.trim(),
      email_canonical: canonical,
      name: input.name.trim(),
      password_hash: await hashPassword(input.password),
      email_verified_at: now,
      is_admin: 1,
      created_at: now,
      quota_bytes: null,
    };
    await this.users.insert(user);
    return { user, created: true };
  }
}

export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return e?.code === '23505' || e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || /UNIQUE constraint failed/.test(e?.message ?? '');
}
