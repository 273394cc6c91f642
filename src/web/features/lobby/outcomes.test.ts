import { describe, expect, it } from 'vitest';
import { errorCodes, lobbyErrorCodes } from '../../../contracts/errors.js';
import { isDeadEnd, outcomes } from './outcomes.js';

/** Codes after the "invites and lobby" marker in the list that only owners meet (never a lobby or guest page). */
const ownerOnly = new Set(['role_not_allowed']);

describe('lobby outcomes copy', () => {
  it('has copy for every invite and lobby error code the server can answer', () => {
    // Live room codes come after the invite codes; the live pages handle them, not the lobby.
    const inviteCodes = errorCodes.slice(errorCodes.indexOf('email_mismatch'), errorCodes.indexOf('event_not_started')).filter((c) => !ownerOnly.has(c));
    expect(inviteCodes.length).toBeGreaterThan(10);
    for (const code of [...inviteCodes, ...lobbyErrorCodes]) {
      const o = outcomes[code as keyof typeof outcomes];
      expect(o, code).toBeDefined();
      expect(o.title({}).length, code).toBeGreaterThan(5);
      expect(o.explanation.length, code).toBeGreaterThan(10);
      expect(o.nextStep.length, code).toBeGreaterThan(10);
    }
    for (const code of lobbyErrorCodes) expect(errorCodes).toContain(code);
  });

  it("gives each outcome of PRODUCT.md's table its own page or inline message, with the help article's next step", () => {
    expect(outcomes.email_mismatch).toMatchObject({ display: 'inline', nextStep: 'Enter the same email that received the invite.' });
    for (const code of ['link_expired', 'link_used', 'too_many_attempts'] as const) {
      expect(isDeadEnd(code)).toBe(true);
      expect(outcomes[code].nextStep).toBe('Ask the media owner for a new link.');
      expect(outcomes[code].offersNewLink).toBe(true);
    }
    expect(outcomes.device_mismatch.explanation).toMatch(/one device/);
    expect(outcomes.device_mismatch.offersNewLink).toBe(true);
    for (const code of ['invite_revoked', 'media_deleted'] as const) {
      expect(outcomes[code].explanation).toMatch(/The link will no longer work\./);
      expect(outcomes[code].offersNewLink).toBe(false);
    }
    expect(outcomes.domain_blocked.nextStep).toBe('Contact the media owner to use a different email.');
    expect(outcomes.invalid_link.nextStep).toMatch(/^Check the link/);
    const titles = new Set(Object.values(outcomes).map((o) => o.title({})));
    expect(titles.size).toBe(Object.keys(outcomes).length);
  });

  it('names the media in the out-of-scope title when it is known', () => {
    expect(outcomes.out_of_scope.title({ mediaTitle: 'Launch keynote' })).toBe('Your invite gives you access only to “Launch keynote”');
  });
});
