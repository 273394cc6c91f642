import { defaultSiteSettings, siteSettingsSchema, usesWithin, type SiteSettings } from '../../contracts/invites.js';
import { canonicalDomain } from '../domain/email.js';
import { AppError } from '../errors.js';
import type { SettingsRepository } from '../repositories/settings.repository.js';
import type { Tx } from '../repositories/transaction.js';

const KEY = 'site';
// Several processes may serve the site: a short cache keeps reads cheap and changes visible within seconds.
const CACHE_MS = 2_000;

export class SettingsService {
  private cached?: { at: number; value: SiteSettings };

  constructor(private readonly deps: { repo: SettingsRepository; clock: () => number }) {}

  /** `trx`: the transaction the caller is in, when it reads settings inside one. */
  async get(trx?: Tx): Promise<SiteSettings> {
    const now = Date.now();
    if (this.cached && now - this.cached.at < CACHE_MS) return this.cached.value;
    const json = await this.deps.repo.find(KEY, trx);
    const stored = json ? siteSettingsSchema.partial().safeParse(JSON.parse(json)) : undefined;
    const value = { ...defaultSiteSettings, ...(stored?.success ? stored.data : {}) };
    this.cached = { at: now, value };
    return value;
  }

  async update(input: Omit<Partial<SiteSettings>, 'accountLobby'> & { accountLobby?: Partial<SiteSettings['accountLobby']> }, actorId: string): Promise<SiteSettings> {
    const current = await this.get();
    let patch: Partial<SiteSettings> = { ...input, accountLobby: input.accountLobby ? { ...current.accountLobby, ...input.accountLobby } : undefined };
    if (!patch.accountLobby) delete patch.accountLobby;
    const domainFields = ['blockedEmailDomains', 'allowedEmailDomains'] as const;
    const details: Record<string, string> = {};
    for (const f of domainFields) {
      const list = patch[f];
      if (!list) continue;
      const normalized: string[] = [];
      for (const d of list) {
        const c = canonicalDomain(d.replace(/^\*?\./, '').replace(/^@/, ''));
        if (!c) details[f] = `"${d}" is not a domain name.`;
        else if (!normalized.includes(c)) normalized.push(c);
      }
      patch = { ...patch, [f]: normalized };
    }
    if (Object.keys(details).length) throw new AppError('validation_failed', { message: 'Some domains are not valid.', details });
    const next = { ...current, ...patch };
    // The defaults must be choices an owner could make: within the maximums.
    if (next.linkDurationMinutes > next.maxLinkDurationMinutes) {
      details[patch.maxLinkDurationMinutes !== undefined ? 'maxLinkDurationMinutes' : 'linkDurationMinutes'] = 'The link duration cannot be longer than the longest link owners may choose.';
    }
    if (!usesWithin(next.linkReusability, next.maxLinkReusability)) {
      details[patch.maxLinkReusability !== undefined ? 'maxLinkReusability' : 'linkReusability'] = 'The link reusability cannot be more than the most uses owners may choose.';
    }
    if (Object.keys(details).length) throw new AppError('validation_failed', { message: 'The defaults must lie within the maximums.', details });
    await this.deps.repo.save(KEY, JSON.stringify(next), { now: this.deps.clock(), by: actorId });
    this.cached = undefined;
    return next;
  }
}
