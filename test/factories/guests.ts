import { hashToken } from '../../src/server/domain/tokens.js';
import { Agent, type TestApp } from './app.js';
import { enter, invite, openLink } from './invites.js';

/** The id the server keeps for this browser's session: sessions are stored by the SHA-256 of the cookie token. */
export function sessionIdOf(agent: Agent): string {
  const token = agent.cookies.get('foyer_session');
  if (!token) throw new Error('this browser holds no session');
  return hashToken(token);
}

/** A browser that passes the lobby of an invite link with the invited email; fails loudly when it is refused. */
export async function passLobby(agent: Agent, link: string, email: string) {
  await openLink(agent, link);
  const res = await enter(agent, { email });
  if (res.statusCode !== 200 || res.json().next !== 'enter') throw new Error(`lobby refused: ${res.statusCode} ${res.body}`);
  return res.json() as { next: 'enter'; url: string; role: string; mediaId: string };
}

/**
 * An invited guest, the real way: the owner invites the person (no email, the link is shown once),
 * and the person, in a browser of their own (own cookies, own device), opens the link and passes the lobby.
 * The guest's name (in rooms, results and analytics) is the invite's first and last name.
 */
export async function invitedGuest(t: Pick<TestApp, 'app'>, owner: Agent, mediaId: string, opts: { role?: string; firstName?: string; lastName?: string; email?: string } = {}) {
  const role = opts.role ?? 'viewer';
  const firstName = opts.firstName ?? 'Gail';
  const lastName = opts.lastName ?? 'Guest';
  const inv = await invite(t, owner, mediaId, { email: opts.email, role, firstName, lastName });
  const agent = new Agent(t.app);
  const entered = await passLobby(agent, inv.link, inv.email);
  if (entered.role !== role) throw new Error(`expected the ${role} role, the lobby gave ${entered.role}`);
  return {
    agent,
    sessionId: sessionIdOf(agent),
    name: `${firstName} ${lastName}`.trim(),
    role,
    email: inv.email,
    inviteId: inv.inviteId,
    link: inv.link,
    /** The owner revokes this invite ("Revoke access"): the link dies and the guest's session ends. */
    revoke: () => revokeInvite(owner, mediaId, inv.inviteId),
  };
}

export type InvitedGuest = Awaited<ReturnType<typeof invitedGuest>>;

/** The owner changes the role of an invite in "People with access". */
export async function changeRole(owner: Agent, mediaId: string, inviteId: string, role: string) {
  const res = await owner.patch(`/api/media/${mediaId}/invites/${inviteId}`, { role });
  if (res.statusCode !== 200) throw new Error(`role change failed: ${res.statusCode} ${res.body}`);
  return res.json().invite as { id: string; role: string };
}

/** The owner revokes an invite. */
export async function revokeInvite(owner: Agent, mediaId: string, inviteId: string) {
  const res = await owner.delete(`/api/media/${mediaId}/invites/${inviteId}`);
  if (res.statusCode !== 200) throw new Error(`revoke failed: ${res.statusCode} ${res.body}`);
}

/**
 * An upgrade as the product does it: the owner invites the same person again with a higher role, and the
 * guest opens the newer link in the same browser and passes the lobby. Their session rotates (a new id).
 */
export async function reinvite(t: Pick<TestApp, 'app'>, owner: Agent, mediaId: string, guest: { agent: Agent; email: string }, role: string) {
  const inv = await invite(t, owner, mediaId, { email: guest.email, role });
  const entered = await passLobby(guest.agent, inv.link, guest.email);
  if (entered.role !== role) throw new Error(`expected the ${role} role, the lobby gave ${entered.role}`);
  return { inviteId: inv.inviteId, sessionId: sessionIdOf(guest.agent) };
}
