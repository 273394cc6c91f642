import { describe, expect, it } from 'vitest';
import { defaultSiteSettings } from '../../../contracts/invites.js';
import { durationWords, lifetimeForm, readLifetime } from './link-lifetime.js';

const limits = { linkDurationMinutes: 1440, linkReusability: 1, maxLinkDurationMinutes: 43_200, maxLinkReusability: -1 };

describe("one invite's link lifetime", () => {
  it('starts from the site default in hours or days, never minutes', () => {
    expect(lifetimeForm(limits)).toEqual({ amount: '24', unit: 'hours', reuse: 'single', uses: '3' });
    expect(lifetimeForm({ linkDurationMinutes: 4320, linkReusability: -1 })).toMatchObject({ amount: '3', unit: 'days', reuse: 'unlimited' });
    expect(lifetimeForm({ linkDurationMinutes: 90, linkReusability: 5 })).toMatchObject({ amount: '2', unit: 'hours', reuse: 'several', uses: '5' });
    expect(lifetimeForm(defaultSiteSettings)).toMatchObject({ amount: '24', unit: 'hours' });
  });

  it('reads hours and days into minutes', () => {
    expect(readLifetime({ amount: '3', unit: 'days', reuse: 'several', uses: '4' }, limits)).toEqual({ minutes: 4320, uses: 4, errors: {} });
    expect(readLifetime({ amount: '48', unit: 'hours', reuse: 'unlimited', uses: '' }, limits)).toEqual({ minutes: 2880, uses: -1, errors: {} });
  });

  it('refuses what is above the site maximum, or not a number, at its field', () => {
    const capped = { ...limits, maxLinkDurationMinutes: 10_080, maxLinkReusability: 5 };
    expect(readLifetime({ amount: '8', unit: 'days', reuse: 'single', uses: '' }, capped).errors).toEqual({ duration: 'A link on this site can last at most 7 days.' });
    expect(readLifetime({ amount: '7', unit: 'days', reuse: 'unlimited', uses: '' }, capped).errors).toEqual({ uses: 'A link on this site can be used at most 5 times.' });
    expect(readLifetime({ amount: '7', unit: 'days', reuse: 'several', uses: '6' }, capped).errors.uses).toBe('A link on this site can be used at most 5 times.');
    expect(readLifetime({ amount: '1.5', unit: 'hours', reuse: 'several', uses: 'x' }, capped).errors).toEqual({
      duration: 'Enter a whole number of hours, 1 or more.',
      uses: 'Enter a whole number of uses from 2 to 10,000.',
    });
  });

  it('says durations in words', () => {
    expect(durationWords(1440)).toBe('24 hours');
    expect(durationWords(4320)).toBe('3 days');
    expect(durationWords(60)).toBe('1 hour');
    expect(durationWords(90)).toBe('1 h 30 min');
  });
});
