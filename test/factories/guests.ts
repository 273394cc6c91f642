import { AppError } from '../../src/server/errors.js';
import { Agent, type TestApp } from './app.js';

/**
 * Invite guests for pipeline tests. The invite module (another branch) plugs its grants into
 * AccessService.rules; this stand-in uses that same seam: a guest session (no user) holds a viewer
 * grant on the media it was given, and is refused everything else as out of scope.
 */
export function installGuestGrants(t: TestApp) {
  const grants = new Set<string>();
  t.services.access.rules.push({
    roleFor: async (auth, media) => (auth.session && !auth.user && grants.has(`${auth.session.id}:${media.id}`) ? 'viewer' : undefined),
    scopeRefusal: async (auth) => (auth.session && !auth.user ? new AppError('out_of_scope') : undefined),
  });
  return {
    /** A browser holding a guest session with a viewer grant on `mediaId`. */
    async guest(mediaId: string) {
      const { token, session } = await t.services.auth.createSession({ userId: null, kind: 'guest' });
      grants.add(`${session.id}:${mediaId}`);
      const agent = new Agent(t.app);
      agent.cookies.set('foyer_session', token);
      return {
        agent,
        sessionId: session.id,
        revoke: () => grants.delete(`${session.id}:${mediaId}`),
      };
    },
  };
}
