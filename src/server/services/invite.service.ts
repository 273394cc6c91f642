import { randomUUID } from 'node:crypto';
import { usesWithin, type CreateInvitesResponse, type InviteLimits, type InviteStatus, type SiteSettings } from '../../contracts/invites.js';
import { publishAccessChange, type AccessChanged, type Bus } from '../adapters/bus/bus.js';
import type { Grant, Invite, InviteRole, Media, User } from '../db/schema.js';
import { canonicalEmail } from '../domain/email.js';
import type { EmailDelivery } from '../domain/mail-delivery.js';
import { inviteStatus, domainRefusal, rolesFor } from '../domain/invite-rules.js';
import { emailBelongsTo } from '../domain/account-lobby.js';
import type { SsoService } from './sso.service.js';
import { hashToken, looksLikeToken, newToken } from '../domain/tokens.js';
import type { Visitor } from '../domain/visitor.js';
import { AppError } from '../errors.js';
import type { GrantRepository, InviteRepository } from '../repositories/invite.repository.js';
import type { Transactor, Tx } from '../repositories/transaction.js';
import { userActor, type AuditService } from './audit.service.js';
import type { AuthService } from './auth.service.js';
import type { DomainEvents } from './domain-events.js';
import { inviteEmail, roleChangedEmail, type EventExtras } from './emails/invite-emails.js';
import type { LiveEventService } from './live-event.service.js';
import type { MailHealth, MailService, MailToSend } from './mail.service.js';
import type { MediaService } from './media.service.js';
import type { SettingsService } from './settings.service.js';

export interface InviteDeps {
  invites: InviteRepository;
  grants: GrantRepository;
  tx: Transactor;
  mail: MailService;
  settings: SettingsService;
  audit: AuditService;
  media: MediaService;
  auth: AuthService;
  /** Event invites carry the start time and a calendar file, and land on the event page or its recording. */
  liveEvents: LiveEventService;
  bus: Bus;
  events: DomainEvents;
  clock: () => number;
  publicUrl: string;
  /** Which SSO provider an address belongs to (the "invites to SSO domains" setting). */
  sso: SsoService;
}

/** One row of "People with access": the current link to a person, as the rules judge it now. */
export interface InviteView {
  invite: Invite;
  status: InviteStatus;
  /** The latest use of the link or of access it gave, if any. */
  lastAccessAt: number | null;
  /** How the email with this link stands; null when it was not emailed. */
  emailDelivery: EmailDelivery | null;
}

/** People with access's notice: is mail failing, and how many of this media's invitations wait. */
export interface InviteMailNotice {
  health: MailHealth;
  waiting: number;
}

const refusalMessages = {
  malformed: 'This is not a valid email address.',
  domain_blocked: 'Invites to this email domain are blocked on this site.',
  domain_not_allowed: 'This site only allows invites to certain email domains.',
  duplicate: 'This address appears more than once in the list.',
} as const;

const CHUNK = 500;
const chunks = <T>(xs: T[], n = CHUNK): T[][] => Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, (i + 1) * n));
/**
 * Invites: personal links to one media item for one person, People with access, role changes and
 * revokes. The lobby (lobby.service.ts) is the other half of the module: it turns a link into access.
 */
export class InviteService {
  private readonly links: InviteRepository;
  private readonly grants: GrantRepository;

  constructor(private readonly deps: InviteDeps) {
    this.links = deps.invites;
    this.grants = deps.grants;
    // Access ends with the media, in the deletion's own transaction.
    deps.events.on('media.deleting', ({ media, trx }) => this.endAllFor(media, trx));
  }

  linkFor(token: string): string {
    return `${this.deps.publicUrl}/i/${token}`;
  }

  /** The invite a link token belongs to (replaced and revoked ones too), or invalid_link. */
  /** The invite behind a link and its media in one lookup (the lobby's POST). */
  async byTokenWithMedia(token: string | undefined): Promise<{ invite: Invite; media: Media }> {
    if (!token || !looksLikeToken(token)) throw new AppError('invalid_link');
    const found = await this.links.findWithMediaByTokenHash(hashToken(token));
    if (!found) throw new AppError('invalid_link');
    return found;
  }

  async byToken(token: string | undefined): Promise<Invite> {
    if (!token || !looksLikeToken(token)) throw new AppError('invalid_link');
    const invite = await this.links.findByTokenHash(hashToken(token));
    if (!invite) throw new AppError('invalid_link');
    return invite;
  }

  async ownerName(media: Media): Promise<string> {
    return (await this.deps.auth.findUser(media.owner_id))?.name ?? 'The media owner';
  }

  /** Where a person with this role lands: the media page, or for an event its page or recording. */
  async landingUrl(media: Media, role: InviteRole): Promise<string> {
    if (media.type !== 'live') return `/media/${media.id}`;
    return this.deps.liveEvents.landingPath(media, role);
  }

  /** When an event starts, for the lobby (which shows only that); undefined for other media. */
  async eventStart(media: Media): Promise<number | undefined> {
    if (media.type !== 'live') return undefined;
    return (await this.deps.liveEvents.find(media.id))?.starts_at;
  }

  /** Start time and calendar file for an event invite email; undefined for other media. */
  async eventExtras(media: Media): Promise<EventExtras | undefined> {
    if (media.type !== 'live') return undefined;
    const view = await this.deps.liveEvents.viewFor(media, 'viewer', false);
    // The calendar entry points at the event page, not the personal link: calendars get shared and synced.
    const ics = await this.deps.liveEvents.calendarAttachment(media.id, `${this.deps.publicUrl}/events/${media.id}`);
    return { startsAt: view.event.starts_at, ics: ics.content };
  }

  /**
   * The invited person behind a visitor's access to this media (for live rooms, where the person and
   * not the session is the participant): the address of the invite grant that lets them in, and the
   * name on that invite. Read from the grant on this media, whichever session or account holds it.
   * With several grants (e.g. the account's own and one on the browser session) the account's own
   * comes first, then the oldest, so the answer does not change from one visit to the next.
   */
  async invitedPerson(visitor: Visitor, media: Media): Promise<{ email: string; name: string | undefined } | undefined> {
    if (!visitor.session && !visitor.user) return undefined;
    const grants = await this.grants.liveFor({ mediaId: media.id, sessionId: visitor.session?.id, userId: visitor.user?.id, activeAt: this.deps.clock() });
    if (!grants.length) return undefined;
    const own = (g: Grant) => (visitor.user && g.user_id === visitor.user.id ? 0 : 1);
    const [grant] = [...grants].sort((a, b) => own(a) - own(b) || a.created_at - b.created_at || a.id.localeCompare(b.id));
    const invite = await this.links.findById(grant.invite_id);
    const name = invite ? `${invite.first_name} ${invite.last_name}`.trim() || invite.email.split('@')[0] : undefined;
    return { email: grant.email_canonical, name };
  }

  /**
   * Names invite guests (keyed by session id) by the invite behind their session, so the owner sees
   * the invited person in quiz results and viewing analytics.
   */
  async inviteesBySession(sessionIds: string[], mediaId: string): Promise<Map<string, { name: string | null; email: string }>> {
    const out = new Map<string, { name: string | null; email: string }>();
    for (const r of await this.grants.inviteesBySession(sessionIds, mediaId)) {
      if (r.session_id) out.set(r.session_id, { name: [r.first_name, r.last_name].filter(Boolean).join(' ') || null, email: r.email });
    }
    return out;
  }

  /** Names the invited people of a media item by their address (the newest invite to each). */
  async inviteesByEmail(emails: string[], mediaId: string): Promise<Map<string, { name: string | null; email: string }>> {
    const out = new Map<string, { name: string | null; email: string }>();
    for (const i of await this.links.newestByEmails(mediaId, emails)) {
      out.set(i.email_canonical, { name: [i.first_name, i.last_name].filter(Boolean).join(' ') || null, email: i.email });
    }
    return out;
  }

  /** The media, if this account may invite people to it. */
  async manageable(actor: User, mediaId: string): Promise<Media> {
    const media = await this.deps.media.getManaged(actor, mediaId);
    const settings = await this.deps.settings.get();
    if (settings.whoMayInvite === 'admins_only' && !actor.is_admin) {
      throw new AppError('forbidden', { message: 'On this site only admins can invite people.' });
    }
    return media;
  }

  /** The defaults and ceilings of one invite's link, for the "Invite people" dialog. */
  async limits(actor: User, mediaId: string): Promise<InviteLimits> {
    await this.manageable(actor, mediaId);
    const s = await this.deps.settings.get();
    return { linkDurationMinutes: s.linkDurationMinutes, linkReusability: s.linkReusability, maxLinkDurationMinutes: s.maxLinkDurationMinutes, maxLinkReusability: s.maxLinkReusability };
  }

  /** This invite's duration and uses: what the owner chose, else the site's defaults; above the site's maximum is refused. */
  private lifetimeFor(settings: SiteSettings, body: { linkDurationMinutes?: number; linkReusability?: number }) {
    const durationMinutes = body.linkDurationMinutes ?? settings.linkDurationMinutes;
    const maxUses = body.linkReusability ?? settings.linkReusability;
    const details: Record<string, string> = {};
    if (body.linkDurationMinutes !== undefined && durationMinutes > settings.maxLinkDurationMinutes) {
      details.linkDurationMinutes = `A link on this site can last at most ${durationText(settings.maxLinkDurationMinutes)}.`;
    }
    if (body.linkReusability !== undefined && !usesWithin(maxUses, settings.maxLinkReusability)) {
      details.linkReusability = `A link on this site can be used at most ${settings.maxLinkReusability === 1 ? 'once' : `${settings.maxLinkReusability} times`}.`;
    }
    if (Object.keys(details).length) {
      throw new AppError('lifetime_above_maximum', {
        message: Object.values(details).join(' '),
        details: { ...details, maxLinkDurationMinutes: settings.maxLinkDurationMinutes, maxLinkReusability: settings.maxLinkReusability },
      });
    }
    return { durationMinutes, maxUses };
  }

  private newInviteRow(opts: {
    media: Media;
    person: { email: string; canonical: string; firstName: string; lastName: string };
    role: InviteRole;
    message: string;
    sendEmail: boolean;
    createdBy: string | null;
    settings: SiteSettings;
    /** This invite's own duration and uses; the site's defaults when absent. */
    lifetime?: { durationMinutes: number; maxUses: number };
    /** Shared with the person's account at this SSO provider. */
    ssoProviderId?: string | null;
  }): { row: Invite; token: string } {
    const now = this.deps.clock();
    const token = newToken();
    const s = opts.settings;
    const durationMinutes = opts.lifetime?.durationMinutes ?? s.linkDurationMinutes;
    const maxUses = opts.lifetime?.maxUses ?? s.linkReusability;
    const row: Invite = {
      id: randomUUID(),
      media_id: opts.media.id,
      email: opts.person.email.trim(),
      email_canonical: opts.person.canonical,
      first_name: opts.person.firstName,
      last_name: opts.person.lastName,
      role: opts.role,
      message: opts.message,
      token_hash: hashToken(token),
      created_by: opts.createdBy,
      created_at: now,
      // Duration and reusability are fixed into the invite now: a later settings change never lengthens it.
      expires_at: now + durationMinutes * 60_000,
      duration_minutes: durationMinutes,
      max_uses: maxUses,
      uses: 0,
      bind_device: s.bindToDevice ? 1 : 0,
      device_hash: null,
      max_attempts: s.lobbyAttempts,
      attempts: 0,
      code_hash: null,
      code_expires_at: null,
      code_device_hash: null,
      sent_by_email: opts.sendEmail ? 1 : 0,
      opened_at: null,
      first_redeemed_at: null,
      last_access_at: null,
      revoked_at: null,
      replaced_by: null,
      replaced_at: null,
      sso_provider_id: opts.ssoProviderId ?? null,
    };
    return { row, token };
  }

  async create(
    actor: User,
    mediaId: string,
    body: {
      people: Array<{ email: string; firstName?: string; lastName?: string }>;
      role: InviteRole;
      message: string;
      sendEmail: boolean;
      linkDurationMinutes?: number;
      linkReusability?: number;
    },
  ): Promise<CreateInvitesResponse> {
    const media = await this.manageable(actor, mediaId);
    if (!rolesFor(media.type).includes(body.role)) {
      throw new AppError('role_not_allowed', { message: `A ${media.type} invite can only give the viewer role.`, details: { allowed: rolesFor(media.type) } });
    }
    const settings = await this.deps.settings.get();
    const lifetime = this.lifetimeFor(settings, body);
    const refused: CreateInvitesResponse['refused'] = [];
    const accepted: Array<{ email: string; canonical: string; firstName: string; lastName: string; provider?: { id: string; name: string } }> = [];
    const seen = new Set<string>();
    // looked up once for the whole list (up to 10,000 addresses)
    const ssoOwners = settings.ssoDomainInvites === 'link' ? [] : await this.deps.sso.domainOwners();
    // shared with the account only where the provider's verified sign-in goes straight in; else a link as to anyone
    const sharesWith = (canonical: string) =>
      settings.ssoDomainInvites === 'account' && settings.accountLobby.ssoVerified === 'straight_in'
        ? ssoOwners.find((o) => !o.requireLobby && emailBelongsTo(canonical, o.domains))
        : undefined;
    for (const p of body.people) {
      const canonical = canonicalEmail(p.email);
      const shown = p.email.trim();
      if (!canonical) refused.push({ email: shown, reason: 'malformed', message: refusalMessages.malformed });
      else if (seen.has(canonical)) refused.push({ email: shown, reason: 'duplicate', message: refusalMessages.duplicate });
      else {
        const d = domainRefusal(canonical, settings);
        const provider = d || settings.ssoDomainInvites !== 'refuse' ? undefined : ssoOwners.find((o) => emailBelongsTo(canonical, o.domains));
        if (d) refused.push({ email: shown, reason: d, message: refusalMessages[d] });
        else if (provider) refused.push({ email: shown, reason: 'sso_domain', message: `This address belongs to ${provider.name}: people there sign in with ${provider.name}, and this site sends them no invite links.` });
        else {
          seen.add(canonical);
          const share = d ? undefined : sharesWith(canonical);
          accepted.push({ email: shown, canonical, firstName: p.firstName?.trim() ?? '', lastName: p.lastName?.trim() ?? '', provider: share && { id: share.id, name: share.name } });
        }
      }
    }

    const ownerName = await this.ownerName(media);
    const event = body.sendEmail ? await this.eventExtras(media) : undefined;
    const created: CreateInvitesResponse['created'] = [];
    const now = this.deps.clock();
    const actorInfo = userActor(actor);

    await this.deps.tx.run(async (trx) => {
      for (const batch of chunks(accepted)) {
        const existing = new Map((await this.links.currentFor(media.id, batch.map((b) => b.canonical), trx)).map((i) => [i.email_canonical, i]));
        const rows: Invite[] = [];
        const mails: MailToSend[] = [];
        const audits: Array<Parameters<AuditService['record']>[0]> = [];
        for (const person of batch) {
          const { row, token } = this.newInviteRow({ media, person, role: body.role, message: body.message, sendEmail: body.sendEmail, createdBy: actor.id, settings, lifetime, ssoProviderId: person.provider?.id });
          rows.push(row);
          const old = existing.get(person.canonical);
          created.push({ id: row.id, email: row.email, replaced: Boolean(old), ...(body.sendEmail ? {} : { link: this.linkFor(token) }) });
          audits.push({ action: 'invite.created', actor: actorInfo, mediaId: media.id, inviteId: row.id, details: { email: row.email, role: row.role, sendEmail: body.sendEmail, replaces: old?.id ?? null, durationMinutes: row.duration_minutes, maxUses: row.max_uses, ...(person.provider ? { account: person.provider.name } : {}) } });
          if (body.sendEmail) {
            mails.push({ kind: 'invite', to: row.email, inviteId: row.id, ...inviteEmail({ invite: row, media, ownerName, link: this.linkFor(token), event, provider: person.provider?.name }) });
            audits.push({ action: 'invite.sent', actor: actorInfo, mediaId: media.id, inviteId: row.id, details: { email: row.email } });
          }
        }
        await this.links.insertMany(rows, trx);
        for (const old of existing.values()) {
          const replacement = rows.find((r) => r.email_canonical === old.email_canonical)!;
          await this.links.update(old.id, { replaced_by: replacement.id, replaced_at: now }, trx);
        }
        for (const m of mails) await this.deps.mail.queue(m, trx);
        for (const a of audits) await this.deps.audit.record(a, trx);
      }
    });
    if (body.sendEmail && created.length) this.deps.mail.kick();
    return { created, refused };
  }

  async list(actor: User, mediaId: string): Promise<InviteView[]> {
    const media = await this.deps.media.getManaged(actor, mediaId);
    const [invites, grants] = await Promise.all([this.links.listCurrent(media.id), this.grants.liveForMedia(media.id)]);
    const byPerson = new Map<string, Grant[]>();
    for (const g of grants) byPerson.set(g.email_canonical, [...(byPerson.get(g.email_canonical) ?? []), g]);
    const deliveries = await this.deps.mail.deliveryForInvites(invites.filter((i) => i.sent_by_email === 1).map((i) => i.id));
    const now = this.deps.clock();
    return invites.map((i) => {
      const personGrants = i.revoked_at === null ? (byPerson.get(i.email_canonical) ?? []) : [];
      const lastGrant = Math.max(0, ...personGrants.map((g) => g.last_access_at));
      const last = Math.max(i.last_access_at ?? 0, lastGrant);
      return { invite: i, status: inviteStatus(i, { now, hasLiveGrant: personGrants.length > 0 }), lastAccessAt: last || null, emailDelivery: deliveries.get(i.id) ?? null };
    });
  }

  /** Whether site mail is failing, and how many of this media's current invitations are not emailed yet. */
  async mailNotice(actor: User, mediaId: string): Promise<InviteMailNotice> {
    const media = await this.deps.media.getManaged(actor, mediaId);
    const invites = (await this.links.listCurrent(media.id)).filter((i) => i.sent_by_email === 1);
    const [deliveries, health] = await Promise.all([this.deps.mail.deliveryForInvites(invites.map((i) => i.id)), this.deps.mail.health()]);
    const waiting = [...deliveries.values()].filter((d) => d.status === 'sending' || d.status === 'retrying').length;
    return { health, waiting };
  }

  private async currentInvite(media: Media, inviteId: string): Promise<Invite> {
    const invite = await this.links.findById(inviteId);
    if (!invite || invite.media_id !== media.id || invite.replaced_by !== null) throw new AppError('not_found', { message: 'Invite not found.' });
    return invite;
  }

  /**
   * A fresh link for the same person and role; the old link dies. Returns the new row and its token.
   * Runs inside the caller's transaction (and must not touch the database outside it: SQLite has one connection).
   */
  async replaceLink(
    old: Invite,
    opts: { by: string | null; sendEmail: boolean; media: Media; settings: SiteSettings },
    trx: Tx,
  ): Promise<{ invite: Invite; token: string }> {
    const { media, settings } = opts;
    const { row, token } = this.newInviteRow({
      media,
      person: { email: old.email, canonical: old.email_canonical, firstName: old.first_name, lastName: old.last_name },
      role: old.role,
      message: old.message,
      sendEmail: opts.sendEmail,
      createdBy: opts.by,
      settings,
      // A fresh link lasts as long as this invite's did, and works as often (within today's site maximum).
      lifetime: {
        durationMinutes: Math.min(old.duration_minutes, settings.maxLinkDurationMinutes),
        maxUses: usesWithin(old.max_uses, settings.maxLinkReusability) ? old.max_uses : settings.maxLinkReusability,
      },
    });
    await this.links.insert(row, trx);
    await this.links.update(old.id, { replaced_by: row.id, replaced_at: this.deps.clock() }, trx);
    // Grants keep working; they now belong to the current link.
    await this.grants.moveToInvite(old.id, row.id, trx);
    // An email with the old link still waiting (a mail outage) would arrive dead: it is not sent.
    await this.deps.mail.withdrawForInvites([old.id], 'replaced', trx);
    return { invite: row, token };
  }

  async resend(actor: User, mediaId: string, inviteId: string): Promise<{ row: InviteView; link?: string }> {
    return this.reissue(actor, mediaId, inviteId, true);
  }

  async copyNewLink(actor: User, mediaId: string, inviteId: string): Promise<{ row: InviteView; link?: string }> {
    return this.reissue(actor, mediaId, inviteId, false);
  }

  private async reissue(actor: User, mediaId: string, inviteId: string, sendEmail: boolean) {
    const media = await this.manageable(actor, mediaId);
    const old = await this.currentInvite(media, inviteId);
    if (old.revoked_at !== null) throw new AppError('conflict', { message: 'This invite was revoked. Invite the person again instead.' });
    const ownerName = await this.ownerName(media);
    const event = sendEmail ? await this.eventExtras(media) : undefined;
    const settings = await this.deps.settings.get();
    const { invite, token } = await this.deps.tx.run(async (trx) => {
      const next = await this.replaceLink(old, { by: actor.id, sendEmail, media, settings }, trx);
      await this.deps.audit.record({ action: 'invite.link_replaced', actor: userActor(actor), mediaId: media.id, inviteId: next.invite.id, details: { replaces: old.id, sentByEmail: sendEmail } }, trx);
      if (sendEmail) {
        await this.deps.mail.queue({ kind: 'invite', to: next.invite.email, inviteId: next.invite.id, ...inviteEmail({ invite: next.invite, media, ownerName, link: this.linkFor(next.token), event }) }, trx);
        await this.deps.audit.record({ action: 'invite.sent', actor: userActor(actor), mediaId: media.id, inviteId: next.invite.id, details: { email: next.invite.email } }, trx);
      }
      return next;
    });
    if (sendEmail) this.deps.mail.kick();
    const row = (await this.list(actor, mediaId)).find((r) => r.invite.id === invite.id)!;
    return { row, ...(sendEmail ? {} : { link: this.linkFor(token) }) };
  }

  async changeRole(actor: User, mediaId: string, inviteId: string, role: InviteRole): Promise<InviteView> {
    const media = await this.manageable(actor, mediaId);
    if (!rolesFor(media.type).includes(role)) throw new AppError('role_not_allowed');
    const invite = await this.currentInvite(media, inviteId);
    if (invite.revoked_at !== null) throw new AppError('conflict', { message: 'This invite was revoked.' });
    const grants = await this.grants.liveForPerson(media.id, invite.email_canonical);
    if (invite.role !== role) {
      const ownerName = await this.ownerName(media);
      // Read before the transaction: SQLite has one connection, and the transaction holds it.
      const url = `${this.deps.publicUrl}${await this.landingUrl(media, role)}`;
      await this.deps.tx.run(async (trx) => {
        await this.links.update(invite.id, { role }, trx);
        await this.grants.update(grants.map((g) => g.id), { role }, trx);
        await this.deps.audit.record({ action: 'invite.role_changed', actor: userActor(actor), mediaId: media.id, inviteId: invite.id, details: { from: invite.role, to: role } }, trx);
        await this.deps.mail.queue(
          { kind: 'role_changed', to: invite.email, ...roleChangedEmail({ invite: { ...invite, role }, media, ownerName, url }) },
          trx,
        );
      });
      this.deps.mail.kick();
      await this.announce({ mediaId: media.id, grants, role, reason: 'changed' });
    }
    return (await this.list(actor, mediaId)).find((r) => r.invite.id === invite.id)!;
  }

  async revoke(actor: User, mediaId: string, inviteIds: string[]): Promise<number> {
    const media = await this.manageable(actor, mediaId);
    const now = this.deps.clock();
    let count = 0;
    const affected: Grant[] = [];
    await this.deps.tx.run(async (trx) => {
      for (const id of inviteIds) {
        const invite = await this.links.findById(id, trx);
        if (!invite || invite.media_id !== media.id || invite.revoked_at !== null) continue;
        await this.links.update(invite.id, { revoked_at: now }, trx);
        await this.deps.mail.withdrawForInvites([invite.id], 'revoked', trx);
        const grants = await this.grants.liveForPerson(media.id, invite.email_canonical, trx);
        await this.endGrants(grants, trx);
        affected.push(...grants);
        await this.deps.audit.record({ action: 'invite.revoked', actor: userActor(actor), mediaId: media.id, inviteId: invite.id, details: { email: invite.email } }, trx);
        count++;
      }
    });
    await this.announce({ mediaId: media.id, grants: affected, role: null, reason: 'revoked' });
    return count;
  }

  /**
   * Revokes grants: only these media leave the sessions that held them, each of which keeps its other
   * media; the next request for a revoked one is refused with its reason (read off the grant and the media).
   */
  private async endGrants(grants: Grant[], trx: Tx): Promise<void> {
    if (grants.length === 0) return;
    await this.grants.update(grants.map((g) => g.id), { revoked_at: this.deps.clock() }, trx);
  }

  /** Tells open live connections that access changed (after commit: never inside a transaction). */
  async announce(opts: { mediaId: string; grants: Grant[]; role: string | null; reason: AccessChanged['reason']; rotatedSessions?: Record<string, string> }): Promise<void> {
    if (opts.grants.length === 0 && !opts.rotatedSessions) return;
    const msg: AccessChanged = {
      mediaId: opts.mediaId,
      sessionIds: [...new Set(opts.grants.map((g) => g.session_id).filter((s): s is string => !!s))],
      userIds: [...new Set(opts.grants.map((g) => g.user_id).filter((s): s is string => !!s))],
      role: opts.role,
      reason: opts.reason,
      ...(opts.rotatedSessions ? { rotatedSessions: opts.rotatedSessions } : {}),
    };
    await publishAccessChange(this.deps.bus, msg);
  }

  /**
   * Media deletion: every invite's grants end and their guest sessions are refused with media_deleted.
   * (Open rooms hear of the deletion from the live module, after commit.)
   */
  private async endAllFor(media: Media, trx: Tx): Promise<void> {
    await this.endGrants(await this.grants.liveForMedia(media.id, trx), trx);
  }

  // ------------------------------------------------------------ for the lobby, the other half of this module

  /** Live grants a visitor holds on a media item (by session, or by account when `userId` is given). */
  liveGrants(opts: { mediaId: string; sessionId?: string; userId?: string }, trx?: Tx): Promise<Grant[]> {
    return this.grants.liveFor(opts, trx);
  }

}

/** 90 → "90 minutes", 1440 → "24 hours", 4320 → "3 days". */
function durationText(minutes: number): string {
  if (minutes % 1440 === 0 && minutes >= 2880) return `${minutes / 1440} days`;
  if (minutes % 60 === 0) return minutes === 60 ? '1 hour' : `${minutes / 60} hours`;
  return `${minutes} minutes`;
}
