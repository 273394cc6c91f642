import { usesWithin, type InviteLimits } from '../../../contracts/invites.js';

/** One invite's link lifetime as the dialog edits it: a number of hours or days, and its uses. */
export interface LifetimeForm {
  amount: string;
  unit: 'hours' | 'days';
  reuse: 'single' | 'several' | 'unlimited';
  uses: string;
}

/** The site's default, in the unit a person would say it in (24 h stays hours; 3 days is days). */
export function lifetimeForm(limits: Pick<InviteLimits, 'linkDurationMinutes' | 'linkReusability'>): LifetimeForm {
  const m = limits.linkDurationMinutes;
  const asDays = m % 1440 === 0 && m >= 2880;
  const r = limits.linkReusability;
  return {
    amount: asDays ? String(m / 1440) : String(Math.max(1, Math.round(m / 60))),
    unit: asDays ? 'days' : 'hours',
    reuse: r === -1 ? 'unlimited' : r === 1 ? 'single' : 'several',
    uses: r > 1 ? String(r) : '3',
  };
}

/** "24 hours", "3 days", "90 minutes": a duration in minutes as words. */
export function durationWords(minutes: number): string {
  if (minutes % 1440 === 0 && minutes >= 2880) return `${minutes / 1440} days`;
  if (minutes % 60 === 0) return minutes === 60 ? '1 hour' : `${minutes / 60} hours`;
  if (minutes < 60) return minutes === 1 ? '1 minute' : `${minutes} minutes`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

export const usesWords = (uses: number) => (uses === -1 ? 'unlimited uses' : uses === 1 ? 'single use' : `${uses.toLocaleString()} uses`);

/** The minutes and uses the form says, or the field errors that stop it (checked against the site's maximums). */
export function readLifetime(f: LifetimeForm, limits: InviteLimits): { minutes: number; uses: number; errors: { duration?: string; uses?: string } } {
  const amount = /^\d+$/.test(f.amount.trim()) ? Number(f.amount.trim()) : Number.NaN;
  const minutes = amount * (f.unit === 'days' ? 1440 : 60);
  const usesNumber = /^\d+$/.test(f.uses.trim()) ? Number(f.uses.trim()) : Number.NaN;
  const uses = f.reuse === 'unlimited' ? -1 : f.reuse === 'single' ? 1 : usesNumber;
  const errors: { duration?: string; uses?: string } = {};
  if (!Number.isInteger(amount) || amount < 1) errors.duration = `Enter a whole number of ${f.unit}, 1 or more.`;
  else if (minutes > limits.maxLinkDurationMinutes) errors.duration = `A link on this site can last at most ${durationWords(limits.maxLinkDurationMinutes)}.`;
  if (f.reuse === 'several' && (!Number.isInteger(usesNumber) || usesNumber < 2 || usesNumber > 10_000)) errors.uses = 'Enter a whole number of uses from 2 to 10,000.';
  else if (!usesWithin(uses, limits.maxLinkReusability)) {
    errors.uses = `A link on this site can be used at most ${limits.maxLinkReusability === 1 ? 'once' : `${limits.maxLinkReusability.toLocaleString()} times`}.`;
  }
  return { minutes, uses, errors };
}
