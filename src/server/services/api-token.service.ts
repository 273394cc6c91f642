import { randomUUID } from 'node:crypto';
import { apiScopes, type ApiScope, type ApiTokenCreateBody } from '../../contracts/api-tokens.js';
import type { ApiTokenRow, User } from '../db/schema.js';
import { hashToken, newToken } from '../domain/tokens.js';
import { AppError } from '../errors.js';
import type { ApiTokenRepository } from '../repositories/api-token.repository.js';
import { userActor, type AuditService } from './audit.service.js';

/** What every token starts with, so people and secret scanners recognise one. */
export const TOKEN_PREFIX = 'fy_';
const DAY_MS = 24 * 3600 * 1000;
/** A token's "last used" is written at most this often (a busy integration would write on every request). */
export const LAST_USED_EVERY_MS = 60_000;

/** The account and the scopes behind a bearer request. */
export interface BearerAuth {
  user: User;
  token: { id: string; scopes: ApiScope[] };
}

const looksLikeApiToken = (s: string) => /^fy_[A-Za-z0-9_-]{43}$/.test(s);
const scopesOf = (row: ApiTokenRow): ApiScope[] => {
  const parsed = JSON.parse(row.scopes) as unknown;
  return Array.isArray(parsed) ? (parsed.filter((s) => (apiScopes as readonly string[]).includes(s)) as ApiScope[]) : [];
};

export interface ApiTokenView {
  row: ApiTokenRow;
  scopes: ApiScope[];
}

/**
 * Personal API tokens (docs/api.md, "API tokens"): an account makes, names, scopes and revokes its
 * own; the token is shown once and kept as a SHA-256; `resolve` turns `Authorization: Bearer fy_…`
 * into the account and scopes, or refuses with why (unknown, expired, revoked, account gone).
 */
export class ApiTokenService {
  constructor(private readonly deps: { repo: ApiTokenRepository; audit: AuditService; clock: () => number }) {}

  async create(user: User, body: ApiTokenCreateBody): Promise<{ token: ApiTokenView; secret: string }> {
    const secret = `${TOKEN_PREFIX}${newToken()}`;
    const now = this.deps.clock();
    const scopes = apiScopes.filter((s) => body.scopes.includes(s));
    const row: ApiTokenRow = {
      id: randomUUID(),
      user_id: user.id,
      name: body.name,
      token_hash: hashToken(secret),
      last4: secret.slice(-4),
      scopes: JSON.stringify(scopes),
      created_at: now,
      expires_at: body.expiresInDays === null ? null : now + body.expiresInDays * DAY_MS,
      last_used_at: null,
      revoked_at: null,
    };
    await this.deps.repo.insert(row);
    await this.deps.audit.record({ action: 'token.created', actor: userActor(user), details: { tokenId: row.id, name: row.name, scopes, expiresAt: row.expires_at } });
    return { token: { row, scopes }, secret };
  }

  async list(user: User): Promise<ApiTokenView[]> {
    return (await this.deps.repo.listFor(user.id)).map((row) => ({ row, scopes: scopesOf(row) }));
  }

  async revoke(user: User, id: string): Promise<ApiTokenView> {
    const row = await this.deps.repo.find(user.id, id);
    if (!row) throw new AppError('not_found', { message: 'No such token.' });
    if (row.revoked_at === null && (await this.deps.repo.revoke(user.id, id, this.deps.clock()))) {
      await this.deps.audit.record({ action: 'token.revoked', actor: userActor(user), details: { tokenId: id, name: row.name } });
    }
    const after = (await this.deps.repo.find(user.id, id))!;
    return { row: after, scopes: scopesOf(after) };
  }

  /** The account and scopes of a bearer token; a refusal says why (`invalid_token`, 401). */
  async resolve(secret: string): Promise<BearerAuth> {
    if (!looksLikeApiToken(secret)) throw new AppError('invalid_token', { message: 'This is not a Foyer API token (they start with fy_).' });
    const found = await this.deps.repo.findByHash(hashToken(secret));
    const now = this.deps.clock();
    if (!found) throw new AppError('invalid_token', { message: 'This API token is not known. It may have been deleted with its account.' });
    const { token, user } = found;
    if (token.revoked_at !== null) throw new AppError('invalid_token', { message: 'This API token was revoked.' });
    if (token.expires_at !== null && token.expires_at <= now) throw new AppError('invalid_token', { message: 'This API token has expired. Create a new one.' });
    if (token.last_used_at === null || now - token.last_used_at >= LAST_USED_EVERY_MS) await this.deps.repo.touch(token.id, now, LAST_USED_EVERY_MS);
    return { user, token: { id: token.id, scopes: scopesOf(token) } };
  }
}
