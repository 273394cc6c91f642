import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { domainRefusal, higherRole, inviteStatus, redemptionRefusal, rolesFor, usesLeft } from './invite-rules.js';

const base: {
  revoked_at: number | null;
  replaced_by: string | null;
  attempts: number;
  max_attempts: number;
  expires_at: number;
  max_uses: number;
  uses: number;
  bind_device: number;
  device_hash: string | null;
  email_canonical: string;
  opened_at: number | null;
} = {
  revoked_at: null,
  replaced_by: null,
  attempts: 0,
  max_attempts: 5,
  expires_at: 10_000,
  max_uses: 1,
  uses: 0,
  bind_device: 1,
  device_hash: null,
  email_canonical: 'ann@example.com',
  opened_at: null,
};
const noRules = { blockedEmailDomains: [], allowedEmailDomains: [] };
const ctx = { now: 5_000, deviceHash: 'dev-a', mediaDeleted: false, settings: noRules };

describe('redemptionRefusal', () => {
  it('lets a fresh link in', () => expect(redemptionRefusal(base, ctx)).toBeNull());
  it('names each refusal', () => {
    expect(redemptionRefusal(base, { ...ctx, mediaDeleted: true })).toBe('media_deleted');
    expect(redemptionRefusal({ ...base, revoked_at: 1 }, ctx)).toBe('invite_revoked');
    expect(redemptionRefusal(base, { ...ctx, settings: { ...noRules, blockedEmailDomains: ['EXAMPLE.com'] } })).toBe('domain_blocked');
    expect(redemptionRefusal(base, { ...ctx, settings: { ...noRules, allowedEmailDomains: ['corp.io'] } })).toBe('domain_blocked');
    expect(redemptionRefusal({ ...base, attempts: 5 }, ctx)).toBe('too_many_attempts');
    expect(redemptionRefusal({ ...base, replaced_by: 'x' }, ctx)).toBe('link_expired');
    expect(redemptionRefusal(base, { ...ctx, now: 10_000 })).toBe('link_expired');
    expect(redemptionRefusal(base, { ...ctx, now: 9_999 })).toBeNull();
    expect(redemptionRefusal({ ...base, device_hash: 'dev-b' }, ctx)).toBe('device_mismatch');
    expect(redemptionRefusal({ ...base, device_hash: 'dev-b', bind_device: 0 }, ctx)).toBeNull();
    expect(redemptionRefusal({ ...base, uses: 1 }, ctx)).toBe('link_used');
    expect(redemptionRefusal({ ...base, uses: 1, device_hash: 'dev-a' }, ctx)).toBe('link_used');
    expect(redemptionRefusal({ ...base, uses: 999, max_uses: -1 }, ctx)).toBeNull();
  });
  it('puts media deletion and revocation before everything else', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 }), fc.integer({ min: 0, max: 20_000 }), fc.boolean(), (attempts, now, revoked) => {
        const inv = { ...base, attempts, revoked_at: revoked ? 1 : null, uses: 3, device_hash: 'other' };
        expect(redemptionRefusal(inv, { ...ctx, now, mediaDeleted: true })).toBe('media_deleted');
        if (revoked) expect(redemptionRefusal(inv, { ...ctx, now })).toBe('invite_revoked');
      }),
    );
  });
});

describe('roles', () => {
  it('never moves down', () => {
    const roles = ['viewer', 'speaker', 'moderator'] as const;
    fc.assert(
      fc.property(fc.constantFrom(...roles), fc.constantFrom(...roles), (a, b) => {
        const h = higherRole(a, b);
        expect([a, b]).toContain(h);
        expect(roles.indexOf(h)).toBe(Math.max(roles.indexOf(a), roles.indexOf(b)));
      }),
    );
  });
  it('offers only viewer outside live events', () => {
    expect(rolesFor('video')).toEqual(['viewer']);
    expect(rolesFor('quiz')).toEqual(['viewer']);
    expect(rolesFor('live')).toEqual(expect.arrayContaining(['viewer', 'moderator', 'speaker']));
  });
});

describe('domainRefusal', () => {
  it('blocks subdomains and accepts wildcard notation', () => {
    expect(domainRefusal('a@mail.corp.com', { blockedEmailDomains: ['*.corp.com'], allowedEmailDomains: [] })).toBe('domain_blocked');
    expect(domainRefusal('a@corp.com', { blockedEmailDomains: ['corp.com'], allowedEmailDomains: [] })).toBe('domain_blocked');
    expect(domainRefusal('a@notcorp.com', { blockedEmailDomains: ['corp.com'], allowedEmailDomains: [] })).toBeNull();
    expect(domainRefusal('a@x.partner.org', { blockedEmailDomains: [], allowedEmailDomains: ['partner.org'] })).toBeNull();
    expect(domainRefusal('a@other.org', { blockedEmailDomains: [], allowedEmailDomains: ['partner.org'] })).toBe('domain_not_allowed');
  });
});

describe('inviteStatus', () => {
  const s = (patch: Partial<typeof base>, c: Partial<{ now: number; hasLiveGrant: boolean }> = {}) =>
    inviteStatus({ ...base, ...patch }, { now: 5_000, hasLiveGrant: false, ...c });
  it('covers every status', () => {
    expect(s({})).toBe('sent');
    expect(s({ opened_at: 1 })).toBe('opened');
    expect(s({ uses: 1 }, { hasLiveGrant: true })).toBe('active');
    expect(s({ uses: 1 })).toBe('used_up');
    expect(s({}, { now: 10_000 })).toBe('expired');
    expect(s({ revoked_at: 1 }, { hasLiveGrant: true })).toBe('revoked');
    expect(s({ attempts: 5 })).toBe('locked');
  });
  it('counts uses left', () => {
    expect(usesLeft({ max_uses: 3, uses: 1 })).toBe(2);
    expect(usesLeft({ max_uses: -1, uses: 7 })).toBeNull();
  });
});
