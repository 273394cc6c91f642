import { describe, expect, it } from 'vitest';
import { defaultSiteSettings } from '../../../contracts/invites.js';
import { changedSettings, describeMinutes, fromForm, settingsErrors, toForm } from './settings-form.js';

describe('settings form', () => {
  it('round-trips every setting, defaults included', () => {
    expect(fromForm(toForm(defaultSiteSettings))).toEqual(defaultSiteSettings);
    const custom = { ...defaultSiteSettings, linkReusability: 7, blockedEmailDomains: ['a.example', 'b.example'], lobbyVerification: 'email_code' as const };
    expect(fromForm(toForm(custom))).toEqual(custom);
    expect(fromForm({ ...toForm(defaultSiteSettings), reuse: 'unlimited' }).linkReusability).toBe(-1);
  });

  it('reads domain lists one per line, tolerating commas and blank lines', () => {
    const f = { ...toForm(defaultSiteSettings), blockedEmailDomains: ' corp.example\n\nother.example, third.example ' };
    expect(fromForm(f).blockedEmailDomains).toEqual(['corp.example', 'other.example', 'third.example']);
  });

  it('puts errors on the field that holds them', () => {
    const f = { ...toForm(defaultSiteSettings), linkDurationMinutes: '0', reuse: 'several' as const, uses: 'x', lobbyAttempts: '500' };
    expect(Object.keys(settingsErrors(f)).sort()).toEqual(['linkDurationMinutes', 'lobbyAttempts', 'uses']);
    expect(settingsErrors({ ...toForm(defaultSiteSettings), reuse: 'several', uses: '1' })).toHaveProperty('uses');
    expect(settingsErrors(toForm(defaultSiteSettings))).toEqual({});
    // the shared request schema's text rule, before anything is sent
    expect(settingsErrors({ ...toForm(defaultSiteSettings), blockedEmailDomains: 'corp\u0000.example' }).blockedEmailDomains).toContain('U+0000');
    expect(settingsErrors({ 'blockedEmailDomains': '"x y" is not a domain name.', 'linkReusability': 'bad' })).toEqual({ blockedEmailDomains: '"x y" is not a domain name.', uses: 'bad' });
  });

  it('edits the maximums an owner may choose, in days and uses, and keeps the defaults within them', () => {
    const f = toForm(defaultSiteSettings);
    expect(f.maxLinkDurationDays).toBe('30');
    expect(fromForm({ ...f, maxLinkDurationDays: '3' }).maxLinkDurationMinutes).toBe(4320);
    expect(fromForm({ ...f, maxReuse: 'limit', maxUses: '5' }).maxLinkReusability).toBe(5);
    expect(settingsErrors({ ...f, maxLinkDurationDays: 'soon' })).toHaveProperty('maxLinkDurationDays');
    // the default 24 h is longer than a half-day maximum: the default's field says so
    expect(settingsErrors({ ...f, maxLinkDurationDays: '0.5' })).toHaveProperty('linkDurationMinutes');
    // unlimited uses by default while owners may choose at most 5
    expect(settingsErrors({ ...f, reuse: 'unlimited', maxReuse: 'limit', maxUses: '5' })).toHaveProperty('uses');
    expect(settingsErrors({ ...f, reuse: 'several', uses: '3', maxReuse: 'limit', maxUses: '5' })).toEqual({});
    expect(settingsErrors({ maxLinkReusability: 'bad' })).toEqual({ maxUses: 'bad' });
  });

  it('edits the storage per account in GB, or no limit', () => {
    const f = toForm(defaultSiteSettings);
    expect(f.quota).toBe('none');
    expect(fromForm({ ...f, quota: 'limit', quotaGb: '5' }).defaultQuotaBytes).toBe(5 * 1024 ** 3);
    expect(fromForm({ ...f, quota: 'limit', quotaGb: '0,5' }).defaultQuotaBytes).toBe(1024 ** 3 / 2);
    expect(toForm({ ...defaultSiteSettings, defaultQuotaBytes: 1536 * 1024 ** 2 })).toMatchObject({ quota: 'limit', quotaGb: '1.5' });
    for (const bad of ['0', '-1', 'lots', '']) expect(settingsErrors({ ...f, quota: 'limit', quotaGb: bad }), bad).toHaveProperty('quotaGb');
    // a limit the field cannot hold is not an error while "no limit" is chosen
    expect(settingsErrors({ ...f, quota: 'none', quotaGb: 'x' })).toEqual({});
    expect(settingsErrors({ defaultQuotaBytes: 'too small' })).toEqual({ quotaGb: 'too small' });
  });

  it('sends only what changed', () => {
    expect(changedSettings(defaultSiteSettings, { ...defaultSiteSettings, lobbyAttempts: 3, blockedEmailDomains: ['x.example'] })).toEqual({ lobbyAttempts: 3, blockedEmailDomains: ['x.example'] });
  });

  it('says durations in words', () => {
    expect(describeMinutes('1440')).toBe('24 hours');
    expect(describeMinutes('4320')).toBe('3 days');
    expect(describeMinutes('90')).toBe('1 h 30 min');
    expect(describeMinutes('120')).toBe('2 hours');
    expect(describeMinutes('abc')).toBe('');
  });
});
