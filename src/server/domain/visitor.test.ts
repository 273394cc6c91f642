import { describe, expect, it } from 'vitest';
import { guestRefusal, guestScopeOf, type GuestGrantFacts } from './visitor.js';

const row = (over: Partial<GuestGrantFacts>): GuestGrantFacts => ({ media_id: 'm1', email_canonical: 'pat@example.com', role: 'viewer', expires_at: 2_000, revoked_at: null, title: 'One', type: 'video', deleted_at: null, ...over });

describe('guestScopeOf', () => {
  it('holds each live, unexpired media once, in its highest role and latest expiry, never past the session', () => {
    const scope = guestScopeOf(
      [row({}), row({ role: 'moderator', expires_at: 3_000 }), row({ media_id: 'm2', title: 'Two', expires_at: 999 }), row({ media_id: 'm3', title: 'Three', expires_at: 9_000 })],
      1_000,
      5_000,
    );
    expect(scope.media).toEqual([
      { mediaId: 'm1', title: 'One', type: 'video', role: 'moderator', expiresAt: 3_000, email: 'pat@example.com' },
      { mediaId: 'm3', title: 'Three', type: 'video', role: 'viewer', expiresAt: 5_000, email: 'pat@example.com' },
    ]);
    expect(scope.ended).toEqual([]);
  });

  it('names media lost to a revoke or a deletion, unless another grant still opens it', () => {
    const scope = guestScopeOf(
      [row({ revoked_at: 500 }), row({ media_id: 'm2', title: 'Two', revoked_at: 600, deleted_at: 600 }), row({ media_id: 'm3', revoked_at: 100 }), row({ media_id: 'm3', title: 'Three' })],
      1_000,
      5_000,
    );
    expect(scope.media.map((m) => m.mediaId)).toEqual(['m3']);
    expect(scope.ended).toEqual([
      { mediaId: 'm1', title: 'One', reason: 'invite_revoked' },
      { mediaId: 'm2', title: 'Two', reason: 'media_deleted' },
    ]);
    expect(guestRefusal(scope, 'm1').code).toBe('invite_revoked');
    expect(guestRefusal(scope, 'm2').code).toBe('media_deleted');
    expect(guestRefusal(scope, 'elsewhere')).toMatchObject({ code: 'out_of_scope', message: 'Your invite gives you access only to “Three”.' });
    expect(guestRefusal({ media: [], ended: scope.ended }).code).toBe('media_deleted');
  });
});
