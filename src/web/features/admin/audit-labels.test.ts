import { describe, expect, it } from 'vitest';
import type { AuditEntryDto } from '../../../contracts/invites.js';
import { describeAudit, shortDuration } from './audit-labels.js';

const entry = (action: string, details: Record<string, unknown>): AuditEntryDto => ({
  id: '1',
  at: '2026-12-02T10:00:00.000Z',
  action,
  actor: { kind: 'user', id: 'u', label: 'admin@example.com' },
  mediaId: null,
  mediaTitle: null,
  inviteId: null,
  details,
});

describe('audit log lines', () => {
  it('says a settings change with its values before and after, in words', () => {
    const line = describeAudit(
      entry('settings.changed', {
        changed: ['linkDurationMinutes', 'linkReusability', 'bindToDevice', 'blockedEmailDomains', 'lobbyVerification'],
        from: { linkDurationMinutes: 1440, linkReusability: 1, bindToDevice: true, blockedEmailDomains: [], lobbyVerification: 'email' },
        to: { linkDurationMinutes: 4320, linkReusability: -1, bindToDevice: false, blockedEmailDomains: ['a.example', 'b.example'], lobbyVerification: 'email_code' },
      }),
    );
    expect(line).toBe(
      'Link duration: 24 h → 3 d · Link reusability: single use → unlimited · Bind to device: on → off · Blocked email domains: none → a.example, b.example · Lobby verification: email → email and a code',
    );
  });

  it('names the settings of older entries that kept only the names', () => {
    expect(describeAudit(entry('settings.changed', { changed: ['lobbyAttempts', 'maxLinkReusability'] }))).toBe('Changed: Lobby attempts, Most uses owners may choose');
  });

  it("says an invite's own link lifetime", () => {
    expect(describeAudit(entry('invite.created', { email: 'a@example.com', role: 'viewer', durationMinutes: 4320, maxUses: 2 }))).toBe('a@example.com as viewer · link for 3 d, 2 uses');
  });

  it('writes durations short', () => {
    expect([1440, 4320, 90, 30, 60].map(shortDuration)).toEqual(['24 h', '3 d', '1 h 30 min', '30 min', '1 h']);
  });
});
