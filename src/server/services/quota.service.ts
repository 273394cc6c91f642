import { formatBytes } from '../../contracts/bytes.js';
import { AppError } from '../errors.js';
import type { QuotaRepository } from '../repositories/quota.repository.js';
import type { Tx } from '../repositories/transaction.js';
import type { SettingsService } from './settings.service.js';

/** An account's own quota as an admin sets it: the site's default, no limit, or a number of bytes. */
export type AccountQuota = 'default' | 'unlimited' | number;

export interface StorageUse {
  usedBytes: number;
  /** null: no limit. */
  quotaBytes: number | null;
  /** Where the limit comes from: the site default or the account's own. */
  source: 'site' | 'account';
}

const fromColumn = (v: number | null): AccountQuota => (v === null ? 'default' : v === -1 ? 'unlimited' : v);
const toColumn = (q: AccountQuota): number | null => (q === 'default' ? null : q === 'unlimited' ? -1 : q);

/**
 * Storage quotas (issue 14, item 4; docs/decisions.md, "Storage quotas"). What counts is the size of each
 * media an account owns and has not deleted — the file as uploaded, or an event's recording — not the
 * renditions the site makes from it. Uploads are checked when they start (when the size is known) and
 * again when the file is stored, inside the transaction that records it.
 */
export class QuotaService {
  constructor(private readonly deps: { repo: QuotaRepository; settings: SettingsService }) {}

  async storageOf(userId: string, db?: Tx): Promise<StorageUse> {
    const [own, used, site] = await Promise.all([this.deps.repo.accountQuota(userId, db), this.deps.repo.usedBytes(userId, db), this.deps.settings.get(db)]);
    return limitOf(own ?? null, site.defaultQuotaBytes, used);
  }

  /** Storage of several accounts (the admin's users page). */
  async storageOfMany(userIds: string[]): Promise<Map<string, StorageUse & { accountQuota: AccountQuota }>> {
    const [own, used, site] = await Promise.all([this.deps.repo.accountQuotas(userIds), this.deps.repo.usedByOwners(userIds), this.deps.settings.get()]);
    return new Map(userIds.map((id) => [id, { ...limitOf(own.get(id) ?? null, site.defaultQuotaBytes, used.get(id) ?? 0), accountQuota: fromColumn(own.get(id) ?? null) }]));
  }

  /**
   * Refuses with `quota_exceeded` when `bytes` more would not fit. Inside a transaction it first holds the
   * account's row, so two uploads finishing at once cannot both take the last room.
   */
  async ensureRoom(ownerId: string, bytes: number, trx?: Tx): Promise<void> {
    if (trx) await this.deps.repo.lockAccount(ownerId, trx);
    const use = await this.storageOf(ownerId, trx);
    if (use.quotaBytes === null || use.usedBytes + bytes <= use.quotaBytes) return;
    const left = Math.max(0, use.quotaBytes - use.usedBytes);
    throw new AppError('quota_exceeded', {
      message:
        left === 0
          ? `Your storage is full: you use ${formatBytes(use.usedBytes)} of ${formatBytes(use.quotaBytes)}. Nothing was saved; delete media you no longer need, or ask an administrator for more space.`
          : `This file (${formatBytes(bytes)}) does not fit: ${formatBytes(left)} of your ${formatBytes(use.quotaBytes)} is left. Nothing was saved; delete media you no longer need, or ask an administrator for more space.`,
      details: { usedBytes: use.usedBytes, quotaBytes: use.quotaBytes, neededBytes: bytes },
    });
  }

  /**
   * An admin sets an account's own quota (or gives it back the site default). Answers with the account's
   * storage and, for the audit log, the change in words.
   */
  async setAccountQuota(userId: string, quota: AccountQuota): Promise<{ storage: StorageUse & { accountQuota: AccountQuota }; change: { account: string; from: string; to: string } }> {
    const account = await this.deps.repo.account(userId);
    if (!account) throw new AppError('not_found', { message: 'No such account.' });
    await this.deps.repo.setAccountQuota(userId, toColumn(quota));
    return {
      storage: { ...(await this.storageOf(userId)), accountQuota: quota },
      change: { account: account.email, from: describe(fromColumn(account.quotaBytes)), to: describe(quota) },
    };
  }
}

const describe = (q: AccountQuota) => (q === 'default' ? 'site default' : q === 'unlimited' ? 'no limit' : formatBytes(q));

function limitOf(own: number | null, siteDefault: number | null, usedBytes: number): StorageUse {
  if (own !== null) return { usedBytes, quotaBytes: own === -1 ? null : own, source: 'account' };
  return { usedBytes, quotaBytes: siteDefault, source: 'site' };
}
