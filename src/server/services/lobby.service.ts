import { createHash, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import type { LobbyEnterResponse, LobbyInfo } from '../../contracts/invites.js';
import type { Grant, Invite, InviteRole, Media, Session, User } from '../db/schema.js';
import { canonicalEmail } from '../domain/email.js';
import { higherRole, redemptionRefusal, SELF_SERVICE_LINKS_PER_WINDOW, SELF_SERVICE_WINDOW_MS } from '../domain/invite-rules.js';
import { hashToken } from '../domain/tokens.js';
import type { Visitor } from '../domain/visitor.js';
import { AppError } from '../errors.js';
import type { GrantRepository, InviteRepository } from '../repositories/invite.repository.js';
import type { Transactor, Tx } from '../repositories/transaction.js';
import type { AuditActor, AuditService } from './audit.service.js';
import type { AuthService } from './auth.service.js';
import { lobbyCodeEmail, newLinkEmail } from './emails/invite-emails.js';
import type { InviteService } from './invite.service.js';
import type { MailService } from './mail.service.js';
import type { MediaService } from './media.service.js';
import type { SettingsService } from './settings.service.js';
import type { SsoService } from './sso.service.js';
import { accountTypeOf, goesStraightIn } from '../domain/account-lobby.js';
import { isoOrNull } from '../domain/time.js';

const CODE_TTL_MS = 10 * 60_000;

export interface LobbyDeps {
  /** The lobby is the invite module's other half: it reads and uses links directly. */
  links: InviteRepository;
  grants: GrantRepository;
  tx: Transactor;
  invites: InviteService;
  auth: AuthService;
  /** How a logged-in visitor's session knows its email (the account types that decide the lobby). */
  sso: SsoService;
  media: MediaService;
  settings: SettingsService;
  audit: AuditService;
  mail: MailService;
  clock: () => number;
  sessionTtlMs: number;
}

export interface LobbyVisitor {
  auth: Visitor;
  deviceId: string;
}

export interface Entered {
  response: Extract<LobbyEnterResponse, { next: 'enter' }>;
  /** A fresh session token to set as the cookie (the session rotates on every entry). */
  sessionToken: string;
  sessionTtlMs: number;
}

const codeHash = (inviteId: string, code: string) => createHash('sha256').update(`${inviteId}:${code}`).digest('base64url');
const sameHash = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** The lobby: what an invite is for, and the one step that turns a link into access. */
export class LobbyService {
  constructor(private readonly deps: LobbyDeps) {}

  private inviteFor(token: string | undefined): Promise<Invite> {
    return this.deps.invites.byToken(token);
  }

  /**
   * A logged-in account whose email is the invited one and whose account type goes straight in
   * (domain/account-lobby.ts: confirmed local accounts and provider-verified SSO sign-ins, unless the
   * admin requires the lobby for them).
   */
  private async verifiedInvitee(auth: Visitor, invite: Invite): Promise<User | undefined> {
    const u = auth.user;
    if (!u || u.email_canonical !== invite.email_canonical) return undefined;
    const [facts, settings] = await Promise.all([this.deps.sso.signInFacts(auth), this.deps.settings.get()]);
    // Shared with the account at a provider: only that provider's sign-in, with this email asserted as verified.
    if (invite.sso_provider_id) return facts.sso?.providerId === invite.sso_provider_id && accountTypeOf(facts) === 'ssoVerified' ? u : undefined;
    return goesStraightIn(facts, settings.accountLobby) ? u : undefined;
  }

  private actor(visitor: LobbyVisitor, invite: Invite): AuditActor {
    const u = visitor.auth.user;
    return u ? { kind: 'user', id: u.id, label: u.email } : { kind: 'guest', id: null, label: invite.email };
  }

  /** Grants this visitor already holds on the media through this person's invites. */
  private async heldGrants(visitor: LobbyVisitor, invite: Invite, trx?: Tx): Promise<Grant[]> {
    const sessionId = visitor.auth.session?.id;
    const userId = (await this.verifiedInvitee(visitor.auth, invite))?.id;
    // A visitor with no session holds nothing: no query (the common first pass through the lobby).
    if (!sessionId && !userId) return [];
    const held = await this.deps.grants.liveFor({ mediaId: invite.media_id, sessionId, userId, activeAt: this.deps.clock() }, trx);
    return held.filter((g) => g.email_canonical === invite.email_canonical);
  }

  async info(token: string | undefined, visitor: LobbyVisitor): Promise<LobbyInfo> {
    const invite = await this.inviteFor(token);
    const media = (await this.deps.media.findAnyById(invite.media_id))!;
    const settings = await this.deps.settings.get();
    const now = this.deps.clock();
    if (invite.opened_at === null) {
      // Shown for the owner as "opened". Not a use, not an attempt, no session: scanners change nothing that matters.
      // one transaction, so one commit: a webinar's start brings thousands of first opens at once
      await this.deps.tx.run(async (trx) => {
        await this.deps.links.update(invite.id, { opened_at: now }, trx);
        await this.deps.audit.record({ action: 'invite.opened', actor: this.actor(visitor, invite), mediaId: media.id, inviteId: invite.id }, trx);
      });
    }
    const held = media.deleted_at === null && invite.revoked_at === null ? await this.heldGrants(visitor, invite) : [];
    const heldRole = held.reduce<InviteRole | undefined>((r, g) => (r ? higherRole(r, g.role) : g.role), undefined);
    // A newer link with a higher role must go through the lobby (or auto-enter) to upgrade.
    const alreadyIn = heldRole && higherRole(heldRole, invite.role) === heldRole ? { url: await this.deps.invites.landingUrl(media, heldRole) } : null;
    const eventStart = await this.deps.invites.eventStart(media);
    const autoEnter = Boolean(await this.verifiedInvitee(visitor.auth, invite));
    // "Sign in with <provider> to go straight in": only where such a sign-in would skip the lobby
    const accountShare = invite.sso_provider_id ? await this.shareProvider(invite.sso_provider_id) : null;
    const ssoProviders = accountShare || autoEnter || alreadyIn || settings.accountLobby.ssoVerified !== 'straight_in' ? [] : await this.deps.sso.providersForEmail(invite.email_canonical, '/lobby');
    return {
      media: { title: media.title, type: media.type, ownerName: await this.deps.invites.ownerName(media), startsAt: isoOrNull(eventStart) },
      verification: settings.lobbyVerification,
      selfServiceNewLink: settings.selfServiceNewLink,
      codePending: invite.code_hash !== null && (invite.code_expires_at ?? 0) > now && invite.code_device_hash === hashToken(visitor.deviceId),
      autoEnter,
      alreadyIn,
      ssoProviders,
      accountShare: accountShare && { providerName: accountShare.name, startUrl: accountShare.startUrl },
    };
  }

  /** The provider an account share opens through; a removed provider still names the way (its people sign in as the admin arranges). */
  private async shareProvider(providerId: string): Promise<{ name: string; startUrl: string }> {
    return (await this.deps.sso.shareProvider(providerId, '/lobby')) ?? { name: 'your organisation', startUrl: '/login' };
  }

  /**
   * The lobby's POST. Checks the email, then every rule, then uses the link in one conditional update,
   * grants access and rotates the session. Wrong emails and codes are counted even though the call fails.
   */
  async enter(token: string | undefined, input: { email?: string; code?: string }, visitor: LobbyVisitor): Promise<Entered | Extract<LobbyEnterResponse, { next: 'code' }>> {
    const { invite, media } = await this.deps.invites.byTokenWithMedia(token);
    await this.refuseIfLocked(invite, visitor);
    const settings = await this.deps.settings.get();
    const now = this.deps.clock();
    const deviceHash = hashToken(visitor.deviceId);
    const account = await this.verifiedInvitee(visitor.auth, invite);
    const typed = input.email !== undefined ? canonicalEmail(input.email) : account?.email_canonical;
    if (invite.sso_provider_id && !account) {
      // the link alone opens nothing: no email, no code, only the provider's verified sign-in
      const { name } = await this.shareProvider(invite.sso_provider_id);
      await this.refused(invite, visitor, 'sso_sign_in_required');
      throw new AppError('sso_sign_in_required', { message: `This was shared with your ${name} account. Sign in with ${name} to open it.`, details: { provider: name } });
    }
    if (input.email === undefined && !account) throw new AppError('validation_failed', { message: 'Enter the email address the invite was sent to.', details: { email: 'required' } });

    if (typed !== invite.email_canonical) {
      if (invite.attempts < invite.max_attempts) await this.deps.links.countAttempt(invite.id);
      await this.refused(invite, visitor, 'email_mismatch');
      throw new AppError('email_mismatch');
    }

    // The same device coming back with its access still valid goes straight in, without using the link again.
    const held = media.deleted_at === null && invite.revoked_at === null ? await this.heldGrants(visitor, invite) : [];
    const refusal = redemptionRefusal(invite, { now, deviceHash, mediaDeleted: media.deleted_at !== null, settings });
    if (refusal && !(held.length && (refusal === 'link_used' || refusal === 'link_expired'))) {
      await this.refused(invite, visitor, refusal);
      throw new AppError(refusal);
    }

    // In email_code mode a code mailed to the invited address proves the person reads that mailbox.
    // A logged-in account with that verified address has already proved it.
    if (settings.lobbyVerification === 'email_code' && !account && !held.length) {
      if (!input.code) return this.sendCode(invite, media, visitor, deviceHash);
      const valid =
        invite.code_hash !== null &&
        (invite.code_expires_at ?? 0) > now &&
        invite.code_device_hash === deviceHash &&
        sameHash(invite.code_hash, codeHash(invite.id, input.code));
      if (!valid) {
        await this.deps.links.countAttempt(invite.id);
        await this.refused(invite, visitor, 'code_invalid');
        throw new AppError('code_invalid');
      }
    }

    return this.redeem({ invite, media, visitor, deviceHash, account, held });
  }

  private async sendCode(invite: Invite, media: Media, visitor: LobbyVisitor, deviceHash: string): Promise<Extract<LobbyEnterResponse, { next: 'code' }>> {
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    await this.deps.tx.run(async (trx) => {
      await this.deps.links.update(invite.id, { code_hash: codeHash(invite.id, code), code_expires_at: this.deps.clock() + CODE_TTL_MS, code_device_hash: deviceHash }, trx);
      await this.deps.mail.queue({ kind: 'lobby_code', to: invite.email, ...lobbyCodeEmail({ title: media.title, code }) }, trx);
      await this.deps.audit.record({ action: 'invite.code_sent', actor: this.actor(visitor, invite), mediaId: media.id, inviteId: invite.id }, trx);
    });
    this.deps.mail.kick();
    return { next: 'code', message: 'We emailed a 6-digit code to the invited address. Enter it to continue.' };
  }

  private async redeem(opts: { invite: Invite; media: Media; visitor: LobbyVisitor; deviceHash: string; account?: User; held: Grant[] }): Promise<Entered> {
    const { invite, media, visitor, account, held } = opts;
    const now = this.deps.clock();
    const oldSession: Session | undefined = visitor.auth.session;
    const heldRole = held.reduce<InviteRole | undefined>((r, g) => (r ? higherRole(r, g.role) : g.role), undefined);
    // A newer invite never lowers a role the person already holds.
    const role = heldRole ? higherRole(heldRole, invite.role) : invite.role;
    const reentry = held.length > 0 && heldRole === role;
    const user = visitor.auth.user;
    // A guest's access to this media lasts the invite's duration from this pass; accounts keep their login's.
    const accessMs = user ? this.deps.sessionTtlMs : Math.min(invite.duration_minutes * 60_000, this.deps.sessionTtlMs);
    const grantExpiresAt = user ? null : now + accessMs;

    const result = !oldSession && !user && !held.length ? await this.redeemFresh({ invite, media, visitor, deviceHash: opts.deviceHash, role, accessMs, now }) : await this.deps.tx.run(async (trx) => {
      if (!reentry && !(await this.deps.links.redeem({ id: invite.id, now, deviceHash: opts.deviceHash }, trx))) {
        return { lost: true as const };
      }
      // Rotate the session: accounts keep their login; a guest session holds every media this device
      // passed the lobby for, so what the old one held (other media too, each with its own expiry) moves along.
      const created = await this.deps.auth.createSession(
        // an account's session keeps how it signed in (an SSO identity decides its lobby and its logout)
        user ? { userId: user.id, deviceId: visitor.deviceId, kind: 'user', identityId: oldSession?.identity_id ?? undefined } : { userId: null, deviceId: visitor.deviceId, kind: 'guest', ttlMs: accessMs },
        trx,
      );
      if (oldSession) {
        await this.deps.grants.moveToSession(oldSession.id, created.session.id, trx);
        await this.deps.auth.endSession(oldSession.id, trx);
      }
      const heldIds = held.map((g) => g.id);
      if (heldIds.length) {
        await this.deps.grants.update(heldIds, { role, last_access_at: now, invite_id: invite.id, ...(grantExpiresAt !== null ? { expires_at: grantExpiresAt } : {}) }, trx);
      } else {
        await this.deps.grants.insert(
          {
            id: randomUUID(),
            media_id: media.id,
            invite_id: invite.id,
            email_canonical: invite.email_canonical,
            role,
            session_id: account ? null : created.session.id,
            user_id: account ? account.id : null,
            created_at: now,
            last_access_at: now,
            revoked_at: null,
            expires_at: account ? null : grantExpiresAt,
          },
          trx,
        );
      }
      let sessionExpiresAt = created.session.expires_at;
      if (!user) {
        // The session lasts as long as the longest access it now holds.
        sessionExpiresAt = Math.max(sessionExpiresAt, (await this.deps.grants.latestExpiry(created.session.id, trx)) ?? 0);
        if (sessionExpiresAt !== created.session.expires_at) await this.deps.auth.extendSession(created.session.id, sessionExpiresAt, trx);
      }
      await this.deps.audit.record(
        { action: 'invite.redeemed', actor: this.actor(visitor, invite), mediaId: media.id, inviteId: invite.id, details: { role, reentry, account: Boolean(account), upgradedFrom: heldRole && heldRole !== role ? heldRole : undefined } },
        trx,
      );
      return { lost: false as const, created, sessionExpiresAt };
    });

    if (result.lost) {
      // Another request used the link first (or it changed underneath): say why, as the rules see it now.
      const fresh = (await this.deps.links.findById(invite.id))!;
      const settings = await this.deps.settings.get();
      const refusal = redemptionRefusal(fresh, { now, deviceHash: opts.deviceHash, mediaDeleted: false, settings }) ?? 'link_used';
      await this.refused(invite, visitor, refusal);
      throw new AppError(refusal);
    }

    if (heldRole && role !== heldRole) {
      await this.deps.invites.announce({
        mediaId: media.id,
        grants: held,
        role,
        reason: 'upgraded',
        rotatedSessions: oldSession ? { [oldSession.id]: result.created.session.id } : undefined,
      });
    } else if (oldSession && held.length) {
      await this.deps.invites.announce({ mediaId: media.id, grants: held, role, reason: 'changed', rotatedSessions: { [oldSession.id]: result.created.session.id } });
    }
    return {
      response: { next: 'enter', url: await this.deps.invites.landingUrl(media, role), role, mediaId: media.id },
      sessionToken: result.created.token,
      sessionTtlMs: result.sessionExpiresAt - now,
    };
  }

  /**
   * A device with no session passing the lobby for the first time: the use, a new guest session, its
   * grant and the audit entry are written in one go (one statement on PostgreSQL), nothing before or
   * after. What the general path does besides (moving an old session's grants, the latest expiry of
   * what the session holds) has nothing to act on here: the new session holds only this grant.
   */
  private async redeemFresh(o: { invite: Invite; media: Media; visitor: LobbyVisitor; deviceHash: string; role: InviteRole; accessMs: number; now: number }) {
    const { invite, media, role, now } = o;
    const created = this.deps.auth.newSession({ userId: null, deviceId: o.visitor.deviceId, kind: 'guest', ttlMs: o.accessMs });
    const used = await this.deps.links.redeemFresh({
      claim: { id: invite.id, now, deviceHash: o.deviceHash },
      session: created.session,
      grant: {
        id: randomUUID(),
        media_id: media.id,
        invite_id: invite.id,
        email_canonical: invite.email_canonical,
        role,
        session_id: created.session.id,
        user_id: null,
        created_at: now,
        last_access_at: now,
        revoked_at: null,
        expires_at: now + o.accessMs,
      },
      audit: this.deps.audit.entry({ action: 'invite.redeemed', actor: this.actor(o.visitor, invite), mediaId: media.id, inviteId: invite.id, details: { role, reentry: false, account: false } }),
    });
    return used ? { lost: false as const, created, sessionExpiresAt: created.session.expires_at } : { lost: true as const };
  }

  /**
   * A locked link (its lobby attempts used up) answers every POST the same way, before any email or
   * code is looked at: otherwise "mismatch" versus "locked" would tell a guesser which address was invited.
   */
  private async refuseIfLocked(invite: Invite, visitor: LobbyVisitor): Promise<void> {
    if (invite.attempts < invite.max_attempts) return;
    await this.refused(invite, visitor, 'too_many_attempts');
    throw new AppError('too_many_attempts');
  }

  private async refused(invite: Invite, visitor: LobbyVisitor, code: string): Promise<void> {
    await this.deps.audit.record({ action: 'invite.refused', actor: this.actor(visitor, invite), mediaId: invite.media_id, inviteId: invite.id, details: { code } });
  }

  /** "Email me a new link": a fresh link to the invited address only; the old one dies; the owner sees it in the audit log. */
  async requestNewLink(token: string | undefined, email: string, visitor: LobbyVisitor): Promise<void> {
    const invite = await this.inviteFor(token);
    await this.refuseIfLocked(invite, visitor);
    const settings = await this.deps.settings.get();
    if (canonicalEmail(email) !== invite.email_canonical) {
      if (invite.attempts < invite.max_attempts) await this.deps.links.countAttempt(invite.id);
      await this.refused(invite, visitor, 'email_mismatch');
      throw new AppError('email_mismatch');
    }
    if (!settings.selfServiceNewLink) throw new AppError('forbidden', { message: 'This site does not send new links from the lobby. Ask the media owner for a new link.' });
    const media = (await this.deps.media.findAnyById(invite.media_id))!;
    const refusal = redemptionRefusal(invite, { now: this.deps.clock(), deviceHash: '', mediaDeleted: media.deleted_at !== null, settings });
    if (refusal === 'media_deleted' || refusal === 'invite_revoked' || refusal === 'domain_blocked') {
      await this.refused(invite, visitor, refusal);
      throw new AppError(refusal);
    }
    // A link that was already replaced: send a fresh one for the person's current invite.
    let current = invite;
    while (current.replaced_by) current = (await this.deps.links.findById(current.replaced_by))!;
    if (current.revoked_at !== null) throw new AppError('invite_revoked');
    // Old forwarded links must not keep killing the person's current link and mailing them.
    const recent = await this.deps.links.countSelfServiceSince(media.id, current.email_canonical, this.deps.clock() - SELF_SERVICE_WINDOW_MS);
    if (recent >= SELF_SERVICE_LINKS_PER_WINDOW) {
      await this.refused(invite, visitor, 'new_link_limit');
      throw new AppError('new_link_limit', { details: { limit: SELF_SERVICE_LINKS_PER_WINDOW, windowMinutes: SELF_SERVICE_WINDOW_MS / 60_000 } });
    }
    const ownerName = await this.deps.invites.ownerName(media);
    await this.deps.tx.run(async (trx) => {
      const next = await this.deps.invites.replaceLink(current, { by: null, sendEmail: true, media, settings }, trx);
      await this.deps.mail.queue({ kind: 'new_link', to: current.email, inviteId: next.invite.id, ...newLinkEmail({ invite: next.invite, media, ownerName, link: this.deps.invites.linkFor(next.token) }) }, trx);
      await this.deps.audit.record({ action: 'invite.new_link_requested', actor: this.actor(visitor, invite), mediaId: media.id, inviteId: next.invite.id, details: { replaces: current.id } }, trx);
    });
    this.deps.mail.kick();
  }
}
