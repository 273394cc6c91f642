import type { Media } from '../../src/server/db/schema.js';
import type { RequestAuth } from '../../src/server/http/plugins/session.js';
import type { AccessRule } from '../../src/server/services/access.service.js';
import { Agent, type TestApp } from './app.js';

/**
 * Stand-in for the invite module's access rule until it lands: grants a role on one media item
 * to a session (a guest) or an account. Tests change or remove grants to play upgrades and revokes.
 */
export class TestGrantRule implements AccessRule {
  private readonly grants = new Map<string, string>();

  private key = (mediaId: string, who: string) => `${mediaId}|${who}`;

  grant(mediaId: string, who: { sessionId?: string; userId?: string }, role: string | null): void {
    const id = who.sessionId ? `s:${who.sessionId}` : `u:${who.userId}`;
    if (role) this.grants.set(this.key(mediaId, id), role);
    else this.grants.delete(this.key(mediaId, id));
  }

  async roleFor(auth: RequestAuth, media: Media): Promise<string | undefined> {
    return (
      (auth.session && this.grants.get(this.key(media.id, `s:${auth.session.id}`))) ||
      (auth.user && this.grants.get(this.key(media.id, `u:${auth.user.id}`))) ||
      undefined
    );
  }
}

/** Installs (once per app) the test grant rule. */
export function grantRule(t: TestApp): TestGrantRule {
  const existing = t.services.access.rules.find((r) => r instanceof TestGrantRule);
  if (existing) return existing as TestGrantRule;
  const rule = new TestGrantRule();
  t.services.access.rules.push(rule);
  return rule;
}

/** A guest visitor: an invite-style session with no account, as the lobby would create. */
export async function guestAgent(t: TestApp, name = 'guest'): Promise<{ agent: Agent; sessionId: string; token: string; name: string }> {
  const agent = new Agent(t.app);
  await agent.get('/api/health');
  const { token, session } = await t.services.auth.createSession({ userId: null, kind: 'guest' });
  agent.cookies.set('foyer_session', token);
  return { agent, sessionId: session.id, token, name };
}

const HOUR = 3600_000;

/** Creates a live event through the API; by default a webcast that starts an hour after the test clock. */
export async function createEvent(t: TestApp, owner: Agent, over: Record<string, unknown> = {}) {
  const startsAt = new Date(t.clock.now + HOUR).toISOString();
  const endsAt = new Date(t.clock.now + 2 * HOUR).toISOString();
  const res = await owner.post('/api/events', {
    kind: 'webcast',
    title: 'Quarterly town hall',
    description: 'Numbers and questions',
    startsAt,
    endsAt,
    timeZone: 'Europe/Berlin',
    ...over,
  });
  if (res.statusCode !== 201) throw new Error(`event create failed: ${res.statusCode} ${res.body}`);
  return res.json() as import('../../src/contracts/live.js').EventPageDto;
}
