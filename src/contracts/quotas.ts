import { z } from 'zod';

/** An account's storage: what its media take and its limit (null: none). `GET /api/storage`. */
export const storageSchema = z.object({
  usedBytes: z.number().int().min(0),
  quotaBytes: z.number().int().nullable(),
  /** The limit is the site's default for every account, or this account's own. */
  source: z.enum(['site', 'account']),
});
export type StorageDto = z.infer<typeof storageSchema>;

/** An account's own quota as the admin sets it: the site default, no limit, or a number of bytes. */
export const accountQuotaSchema = z.union([z.literal('default'), z.literal('unlimited'), z.number().int().min(1, 'A quota is at least 1 byte; use "unlimited" for none.').max(Number.MAX_SAFE_INTEGER)]);
export const accountQuotaBody = z.object({ quota: accountQuotaSchema });
export const accountStorageSchema = storageSchema.extend({ accountQuota: accountQuotaSchema });
export type AccountStorageDto = z.infer<typeof accountStorageSchema>;
