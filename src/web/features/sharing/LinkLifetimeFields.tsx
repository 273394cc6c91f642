import { useId } from 'react';
import type { InviteLimits } from '../../../contracts/invites.js';
import { durationWords, usesWords, type LifetimeForm } from './link-lifetime.js';

/** This invite's link: how long it works (hours or days) and how often, starting from the site's default. */
export function LinkLifetimeFields({ value, onChange, limits, errors }: { value: LifetimeForm; onChange: (v: LifetimeForm) => void; limits: InviteLimits; errors: { duration?: string; uses?: string } }) {
  const id = useId();
  const set = (patch: Partial<LifetimeForm>) => onChange({ ...value, ...patch });
  const hintId = `${id}-hint`;
  return (
    <fieldset className={`field link-lifetime ${errors.duration || errors.uses ? 'field-invalid' : ''}`} aria-describedby={hintId}>
      <legend className="field-label">Link</legend>
      <div className="link-lifetime-row">
        <label htmlFor={`${id}-amount`} className="link-lifetime-label">
          Works for
        </label>
        <input
          id={`${id}-amount`}
          className="input input-inline"
          inputMode="numeric"
          aria-label="Link duration"
          value={value.amount}
          onChange={(e) => set({ amount: e.target.value })}
          aria-invalid={errors.duration ? true : undefined}
          aria-describedby={errors.duration ? `${id}-duration-error` : undefined}
        />
        <select className="input select input-inline" aria-label="Duration unit" value={value.unit} onChange={(e) => set({ unit: e.target.value as LifetimeForm['unit'] })}>
          <option value="hours">hours</option>
          <option value="days">days</option>
        </select>
        <select
          className="input select input-inline"
          aria-label="Link uses"
          value={value.reuse}
          onChange={(e) => set({ reuse: e.target.value as LifetimeForm['reuse'] })}
          aria-invalid={errors.uses ? true : undefined}
          aria-describedby={errors.uses ? `${id}-uses-error` : undefined}
        >
          <option value="single">single use</option>
          <option value="several">a number of uses</option>
          <option value="unlimited">unlimited uses</option>
        </select>
        {value.reuse === 'several' && (
          <input
            className="input input-inline"
            inputMode="numeric"
            aria-label="Number of uses"
            value={value.uses}
            onChange={(e) => set({ uses: e.target.value })}
            aria-invalid={errors.uses ? true : undefined}
          />
        )}
      </div>
      <p id={hintId} className="field-hint">
        Site default: {durationWords(limits.linkDurationMinutes)}, {usesWords(limits.linkReusability)}. Longest allowed: {durationWords(limits.maxLinkDurationMinutes)}
        {limits.maxLinkReusability === -1 ? '' : `, at most ${usesWords(limits.maxLinkReusability)}`}.
      </p>
      {errors.duration && (
        <p id={`${id}-duration-error`} className="field-error">
          {errors.duration}
        </p>
      )}
      {errors.uses && (
        <p id={`${id}-uses-error`} className="field-error">
          {errors.uses}
        </p>
      )}
    </fieldset>
  );
}
