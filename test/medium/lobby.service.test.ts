import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../../src/server/domain/tokens.js';
import { uniqueEmail } from '../factories/app.js';
import { testDialects } from '../factories/database.js';
import {
  createInvite,
  createLiveEvent,
  createOwner,
  createTestRuntime,
  grantRows,
  inviteRow,
  lobbyVisitor,
  newDeviceId,
  redeemInvite,
  sessionIdOf,
  uploadDocument,
  visitorFor,
  type TestRuntime,
} from '../factories/runtime.js';

/** The lobby service against a real database: the step that turns an invite link into access. */
describe.each(testDialects())('LobbyService on %s', (dialect) => {
  let rt: TestRuntime;

  beforeAll(async () => {
    rt = await createTestRuntime({ dialect });
  });
  afterAll(async () => {
    await rt?.close();
  });

  it('opening the link marks it opened without using it', async () => {
    const owner = await createOwner(rt);
    const doc = await uploadDocument(rt, owner, { fileName: 'Employee handbook.pdf' });
    const invite = await createInvite(rt, owner, doc.id);

    const info = await rt.services.lobby.info(invite.token, lobbyVisitor());

    expect(info.media).toMatchObject({ title: 'Employee handbook', type: 'document', ownerName: 'Olivia Owner', startsAt: null });
    expect(info.verification).toBe('email');
    expect(info.alreadyIn).toBeNull();
    const row = await inviteRow(rt, invite.inviteId);
    expect(Number(row.opened_at)).toBe(rt.testClock.now);
    expect(row.uses).toBe(0);
    expect(row.attempts).toBe(0);
    expect(await grantRows(rt, invite.inviteId)).toHaveLength(0);
  });

  it('the invited email redeems the link: a guest session, the landing url and the role, and one use', async () => {
    const owner = await createOwner(rt);
    const doc = await uploadDocument(rt, owner);
    const invite = await createInvite(rt, owner, doc.id);
    const deviceId = newDeviceId();

    // the canonical form of the address is compared, not the characters typed
    const entered = await rt.services.lobby.enter(invite.token, { email: `  ${invite.email.toUpperCase()} ` }, lobbyVisitor(deviceId));

    if (!('sessionToken' in entered)) throw new Error(`the lobby did not let the guest in: ${JSON.stringify(entered)}`);
    expect(entered.response).toEqual({ next: 'enter', url: `/media/${doc.id}`, role: 'viewer', mediaId: doc.id });
    expect(entered.sessionToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const row = await inviteRow(rt, invite.inviteId);
    expect(row.uses).toBe(1);
    expect(row.attempts).toBe(0);
    expect(row.device_hash).toBe(hashToken(deviceId));
    expect(Number(row.first_redeemed_at)).toBe(rt.testClock.now);
    const grants = await grantRows(rt, invite.inviteId);
    expect(grants).toHaveLength(1);
    expect(grants[0]).toMatchObject({ media_id: doc.id, role: 'viewer', session_id: sessionIdOf(entered.sessionToken), user_id: null, revoked_at: null });

    const visitor = await visitorFor(rt, entered.sessionToken);
    expect(visitor.user).toBeUndefined();
    expect(visitor.session).toMatchObject({ kind: 'guest', device_id: deviceId });
    expect(visitor.guest).toEqual({ media: [{ mediaId: doc.id, title: doc.title, type: 'document', role: 'viewer', expiresAt: grants[0].expires_at, email: grants[0].email_canonical }], ended: [] });
    expect(grants[0].expires_at).toBe(visitor.session!.expires_at);
    await expect(rt.services.access.view(visitor, doc.id)).resolves.toMatchObject({ role: 'viewer', canManage: false });
  });

  it('24 devices entering one single-use link at once: one use, one session, one grant, one redeemed entry; the rest write nothing', async () => {
    const owner = await createOwner(rt);
    const doc = await uploadDocument(rt, owner);
    for (const bindToDevice of [true, false]) {
      await rt.services.settings.update({ bindToDevice }, owner.user.id);
      const invite = await createInvite(rt, owner, doc.id);
      const devices = Array.from({ length: 24 }, () => newDeviceId());
      const results = await Promise.allSettled(devices.map((d) => rt.services.lobby.enter(invite.token, { email: invite.email }, lobbyVisitor(d))));

      const won = results.filter((r) => r.status === 'fulfilled');
      expect(won).toHaveLength(1);
      for (const r of results) if (r.status === 'rejected') expect(['link_used', 'device_mismatch']).toContain((r.reason as { code: string }).code);
      const winner = (won[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof rt.services.lobby.enter>>>).value;
      if (!('sessionToken' in winner)) throw new Error('the winner got no session');

      const row = await inviteRow(rt, invite.inviteId);
      expect(row.uses).toBe(1);
      const grants = await grantRows(rt, invite.inviteId);
      expect(grants).toHaveLength(1);
      expect(grants[0].session_id).toBe(sessionIdOf(winner.sessionToken));
      const sessions = await rt.database.db.selectFrom('sessions').select(['id', 'device_id']).where('device_id', 'in', devices).execute();
      expect(sessions).toEqual([{ id: sessionIdOf(winner.sessionToken), device_id: sessions[0].device_id }]);
      expect(row.device_hash).toBe(hashToken(sessions[0].device_id!));
      const audit = await rt.database.db.selectFrom('audit_log').select(['action']).where('invite_id', '=', invite.inviteId).execute();
      expect(audit.filter((a) => a.action === 'invite.redeemed')).toHaveLength(1);
      expect(audit.filter((a) => a.action === 'invite.refused')).toHaveLength(23);
    }
    await rt.services.settings.update({ bindToDevice: true }, owner.user.id);
  });

  it('a wrong email is refused with email_mismatch and counted as an attempt, until the link locks', async () => {
    const owner = await createOwner(rt);
    const doc = await uploadDocument(rt, owner);
    const invite = await createInvite(rt, owner, doc.id);
    const visitor = lobbyVisitor();

    await expect(rt.services.lobby.enter(invite.token, { email: uniqueEmail('stranger') }, visitor)).rejects.toMatchObject({ code: 'email_mismatch' });

    let row = await inviteRow(rt, invite.inviteId);
    expect(row.attempts).toBe(1);
    expect(row.uses).toBe(0);
    expect(row.device_hash).toBeNull();
    expect(await grantRows(rt, invite.inviteId)).toHaveLength(0);

    // the rest of the allowed attempts (5 by default) used up, even the right address is turned away
    for (let i = 1; i < row.max_attempts; i++) {
      await expect(rt.services.lobby.enter(invite.token, { email: uniqueEmail('stranger') }, visitor)).rejects.toMatchObject({ code: 'email_mismatch' });
    }
    row = await inviteRow(rt, invite.inviteId);
    expect(row.attempts).toBe(row.max_attempts);
    await expect(rt.services.lobby.enter(invite.token, { email: invite.email }, visitor)).rejects.toMatchObject({ code: 'too_many_attempts' });
    expect((await inviteRow(rt, invite.inviteId)).uses).toBe(0);
  });

  it('a used single-use link bound to its device is refused on another device with device_mismatch', async () => {
    const owner = await createOwner(rt);
    const doc = await uploadDocument(rt, owner);
    const invite = await createInvite(rt, owner, doc.id);
    await redeemInvite(rt, invite);

    await expect(rt.services.lobby.enter(invite.token, { email: invite.email }, lobbyVisitor())).rejects.toMatchObject({ code: 'device_mismatch' });

    expect((await inviteRow(rt, invite.inviteId)).uses).toBe(1);
    expect(await grantRows(rt, invite.inviteId)).toHaveLength(1);
  });

  it('a used single-use link not bound to a device is refused on another device with link_used', async () => {
    const owner = await createOwner(rt);
    const doc = await uploadDocument(rt, owner);
    // the binding is fixed into the invite when it is made: put the site setting back right after
    await rt.services.settings.update({ bindToDevice: false }, owner.user.id);
    const invite = await createInvite(rt, owner, doc.id).finally(() => rt.services.settings.update({ bindToDevice: true }, owner.user.id));
    expect((await inviteRow(rt, invite.inviteId)).bind_device).toBe(0);
    await redeemInvite(rt, invite);

    await expect(rt.services.lobby.enter(invite.token, { email: invite.email }, lobbyVisitor())).rejects.toMatchObject({ code: 'link_used' });

    expect((await inviteRow(rt, invite.inviteId)).uses).toBe(1);
    expect(await grantRows(rt, invite.inviteId)).toHaveLength(1);
  });

  it('the same device coming back with its session re-enters without using the link again, and the session rotates', async () => {
    const owner = await createOwner(rt);
    const doc = await uploadDocument(rt, owner);
    const invite = await createInvite(rt, owner, doc.id);
    const first = await redeemInvite(rt, invite);

    const info = await rt.services.lobby.info(invite.token, lobbyVisitor(first.deviceId, first.visitor));
    expect(info.alreadyIn).toEqual({ url: `/media/${doc.id}` });

    const again = await rt.services.lobby.enter(invite.token, { email: invite.email }, lobbyVisitor(first.deviceId, first.visitor));

    if (!('sessionToken' in again)) throw new Error(`the lobby did not let the guest back in: ${JSON.stringify(again)}`);
    expect(again.response).toEqual({ next: 'enter', url: `/media/${doc.id}`, role: 'viewer', mediaId: doc.id });
    expect(again.sessionToken).not.toBe(first.sessionToken);
    expect((await inviteRow(rt, invite.inviteId)).uses).toBe(1);
    // the old session is gone and the access moved to the new one
    expect(await rt.services.auth.resolve(first.sessionToken)).toBeUndefined();
    const grants = await grantRows(rt, invite.inviteId);
    expect(grants).toHaveLength(1);
    expect(grants[0].session_id).toBe(sessionIdOf(again.sessionToken));
    await expect(rt.services.access.view(await visitorFor(rt, again.sessionToken), doc.id)).resolves.toMatchObject({ role: 'viewer' });

    // the same device without the session holds no access: the link is used up
    await expect(rt.services.lobby.enter(invite.token, { email: invite.email }, lobbyVisitor(first.deviceId))).rejects.toMatchObject({ code: 'link_used' });
  });

  it('a revoked invite answers invite_revoked, and the guest session it gave ends', async () => {
    const owner = await createOwner(rt);
    const doc = await uploadDocument(rt, owner);
    const invite = await createInvite(rt, owner, doc.id);
    const guest = await redeemInvite(rt, invite);
    const unused = await createInvite(rt, owner, doc.id);

    expect(await rt.services.invites.revoke(owner.user, doc.id, [invite.inviteId, unused.inviteId])).toBe(2);

    await expect(rt.services.lobby.enter(unused.token, { email: unused.email }, lobbyVisitor())).rejects.toMatchObject({ code: 'invite_revoked' });
    const returning = await visitorFor(rt, guest.sessionToken);
    expect(returning.guest).toMatchObject({ media: [], ended: [{ mediaId: doc.id, reason: 'invite_revoked' }] });
    await expect(rt.services.lobby.enter(invite.token, { email: invite.email }, lobbyVisitor(guest.deviceId, returning))).rejects.toMatchObject({ code: 'invite_revoked' });
    await expect(rt.services.access.view(returning, doc.id)).rejects.toMatchObject({ code: 'invite_revoked' });
    expect((await grantRows(rt, invite.inviteId))[0].revoked_at).not.toBeNull();
    expect((await inviteRow(rt, unused.inviteId)).uses).toBe(0);
  });

  it('deleting the media ends the guest session with media_deleted and the link answers media_deleted', async () => {
    const owner = await createOwner(rt);
    const doc = await uploadDocument(rt, owner);
    const invite = await createInvite(rt, owner, doc.id);
    const guest = await redeemInvite(rt, invite);
    await expect(rt.services.access.view(guest.visitor, doc.id)).resolves.toMatchObject({ role: 'viewer' });

    await rt.services.media.delete(owner.user, doc.id);

    const after = await visitorFor(rt, guest.sessionToken);
    expect(after.guest).toMatchObject({ media: [], ended: [{ mediaId: doc.id, reason: 'media_deleted' }] });
    expect((await grantRows(rt, invite.inviteId))[0].revoked_at).not.toBeNull();
    await expect(rt.services.access.view(after, doc.id)).rejects.toMatchObject({ code: 'media_deleted' });
    await expect(rt.services.lobby.enter(invite.token, { email: invite.email }, lobbyVisitor(guest.deviceId, after))).rejects.toMatchObject({ code: 'media_deleted' });
  });

  it('an event invite lands on the event page with the invited role', async () => {
    const owner = await createOwner(rt);
    const event = await createLiveEvent(rt, owner, { title: 'Board meeting' });
    const invite = await createInvite(rt, owner, event.id, { role: 'moderator' });

    const info = await rt.services.lobby.info(invite.token, lobbyVisitor());
    expect(info.media).toMatchObject({ title: 'Board meeting', type: 'live', startsAt: new Date(event.view.event.starts_at).toISOString() });
    const guest = await redeemInvite(rt, invite);

    expect(guest.response).toEqual({ next: 'enter', url: `/events/${event.id}`, role: 'moderator', mediaId: event.id });
    expect((await grantRows(rt, invite.inviteId))[0].role).toBe('moderator');
  });

  it('"email me a new link" sends a fresh link to the invited address only; the old one stops working', async () => {
    const owner = await createOwner(rt);
    const doc = await uploadDocument(rt, owner);
    const invite = await createInvite(rt, owner, doc.id, { firstName: 'Nora' });

    await expect(rt.services.lobby.requestNewLink(invite.token, uniqueEmail('stranger'), lobbyVisitor())).rejects.toMatchObject({ code: 'email_mismatch' });
    expect((await inviteRow(rt, invite.inviteId)).attempts).toBe(1);

    await rt.services.lobby.requestNewLink(invite.token, invite.email, lobbyVisitor());

    const mail = await rt.mailer.waitFor(invite.email, (m) => m.subject.startsWith('Your new link'));
    const token = /\/i\/([A-Za-z0-9_-]{43})/.exec(mail.text)?.[1];
    expect(token).toBeDefined();
    expect(token).not.toBe(invite.token);
    const old = await inviteRow(rt, invite.inviteId);
    expect(old.replaced_by).not.toBeNull();
    await expect(rt.services.lobby.enter(invite.token, { email: invite.email }, lobbyVisitor())).rejects.toMatchObject({ code: 'link_expired' });
    const entered = await redeemInvite(rt, { token: token!, email: invite.email });
    expect(entered.response).toMatchObject({ next: 'enter', role: 'viewer', mediaId: doc.id });
    expect((await inviteRow(rt, old.replaced_by!)).uses).toBe(1);
  });
});
