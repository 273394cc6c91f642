import { randomUUID } from 'node:crypto';
import type { Insertable, Kysely } from 'kysely';
import type { CreateInvitesResponse, InviteRowDto, SiteSettings } from '../../contracts/invites.js';
import { accessTopic, type AccessChanged, type Bus } from '../adapters/bus/bus.js';
import type { DB, Grant, Invite, InviteRole, InvitesTable, Media, User } from '../db/schema.js';
import { canonicalEmail } from '../domain/email.js';
import { domainRefusal, inviteStatus, rolesFor, usesLeft } from '../domain/invite-rules.js';
import { hashToken, newToken } from '../domain/tokens.js';
import { AppError } from '../errors.js';
import { GrantRepository, InviteRepository } from '../repositories/invite.repository.js';
import { UserRepository } from '../repositories/user.repository.js';
import type { AuditActor, AuditService } from './audit.service.js';
import { inviteEmail, roleChangedEmail, type EventExtras } from './emails/invite-emails.js';
import type { MailService, MailToSend } from './mail.service.js';
import type { MediaService } from './media.service.js';
import type { SettingsService } from './settings.service.js';

export interface InviteDeps {
  db: Kysely<DB>;
  mail: MailService;
  settings: SettingsService;
  audit: AuditService;
  media: MediaService;
  bus: Bus;
  clock: () => number;
  publicUrl: string;
}

/** What other modules add to invites (live events add start time and calendar file, and where people land). */
export interface InviteHooks {
  eventExtras?: (media: Media) => Promise<EventExtras | undefined>;
  landingUrl?: (media: Media, role: InviteRole) => Promise<string | undefined>;
}

const refusalMessages = {
  malformed: 'This is not a valid email address.',
  domain_blocked: 'Invites to this email domain are blocked on this site.',
  domain_not_allowed: 'This site only allows invites to certain email domains.',
  duplicate: 'This address appears more than once in the list.',
} as const;

const CHUNK = 500;
const chunks = <T>(xs: T[], n = CHUNK): T[][] => Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, (i + 1) * n));
const iso = (ms: number) => new Date(ms).toISOString();

export const userActor = (u: User): AuditActor => ({ kind: 'user', id: u.id, label: u.email });

export class InviteService {
  readonly invites: InviteRepository;
  readonly grants: GrantRepository;
  readonly hooks: InviteHooks = {};
  private readonly users: UserRepository;

  constructor(private readonly deps: InviteDeps) {
    this.invites = new InviteRepository(deps.db);
    this.grants = new GrantRepository(deps.db);
    this.users = new UserRepository(deps.db);
  }

  linkFor(token: string): string {
    return `${this.deps.publicUrl}/i/${token}`;
  }

  async ownerName(media: Media): Promise<string> {
    return (await this.users.findById(media.owner_id))?.name ?? 'The media owner';
  }

  async landingUrl(media: Media, role: InviteRole): Promise<string> {
    return (await this.hooks.landingUrl?.(media, role)) ?? `/media/${media.id}`;
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

  private newInviteRow(opts: {
    media: Media;
    person: { email: string; canonical: string; firstName: string; lastName: string };
    role: InviteRole;
    message: string;
    sendEmail: boolean;
    createdBy: string | null;
    settings: SiteSettings;
  }): { row: Insertable<InvitesTable> & Invite; token: string } {
    const now = this.deps.clock();
    const token = newToken();
    const s = opts.settings;
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
      expires_at: now + s.linkDurationMinutes * 60_000,
      duration_minutes: s.linkDurationMinutes,
      max_uses: s.linkReusability,
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
    };
    return { row, token };
  }

  async create(
    actor: User,
    mediaId: string,
    body: { people: Array<{ email: string; firstName?: string; lastName?: string }>; role: InviteRole; message: string; sendEmail: boolean },
  ): Promise<CreateInvitesResponse> {
    const media = await this.manageable(actor, mediaId);
    if (!rolesFor(media.type).includes(body.role)) {
      throw new AppError('role_not_allowed', { message: `A ${media.type} invite can only give the viewer role.`, details: { allowed: rolesFor(media.type) } });
    }
    const settings = await this.deps.settings.get();
    const refused: CreateInvitesResponse['refused'] = [];
    const accepted: Array<{ email: string; canonical: string; firstName: string; lastName: string }> = [];
    const seen = new Set<string>();
    for (const p of body.people) {
      const canonical = canonicalEmail(p.email);
      const shown = p.email.trim();
      if (!canonical) refused.push({ email: shown, reason: 'malformed', message: refusalMessages.malformed });
      else if (seen.has(canonical)) refused.push({ email: shown, reason: 'duplicate', message: refusalMessages.duplicate });
      else {
        const d = domainRefusal(canonical, settings);
        if (d) refused.push({ email: shown, reason: d, message: refusalMessages[d] });
        else {
          seen.add(canonical);
          accepted.push({ email: shown, canonical, firstName: p.firstName?.trim() ?? '', lastName: p.lastName?.trim() ?? '' });
        }
      }
    }

    const ownerName = await this.ownerName(media);
    const event = body.sendEmail ? await this.hooks.eventExtras?.(media) : undefined;
    const created: CreateInvitesResponse['created'] = [];
    const now = this.deps.clock();
    const actorInfo = userActor(actor);

    await this.deps.db.transaction().execute(async (trx) => {
      for (const batch of chunks(accepted)) {
        const existing = new Map((await this.invites.currentFor(media.id, batch.map((b) => b.canonical), trx)).map((i) => [i.email_canonical, i]));
        const rows: Invite[] = [];
        const mails: MailToSend[] = [];
        const audits: Array<Parameters<AuditService['record']>[0]> = [];
        for (const person of batch) {
          const { row, token } = this.newInviteRow({ media, person, role: body.role, message: body.message, sendEmail: body.sendEmail, createdBy: actor.id, settings });
          rows.push(row);
          const old = existing.get(person.canonical);
          created.push({ id: row.id, email: row.email, replaced: Boolean(old), ...(body.sendEmail ? {} : { link: this.linkFor(token) }) });
          audits.push({ action: 'invite.created', actor: actorInfo, mediaId: media.id, inviteId: row.id, details: { email: row.email, role: row.role, sendEmail: body.sendEmail, replaces: old?.id ?? null } });
          if (body.sendEmail) {
            mails.push({ kind: 'invite', to: row.email, ...inviteEmail({ invite: row, media, ownerName, link: this.linkFor(token), event }) });
            audits.push({ action: 'invite.sent', actor: actorInfo, mediaId: media.id, inviteId: row.id, details: { email: row.email } });
          }
        }
        await trx.insertInto('invites').values(rows).execute();
        for (const old of existing.values()) {
          const replacement = rows.find((r) => r.email_canonical === old.email_canonical)!;
          await this.invites.update(old.id, { replaced_by: replacement.id, replaced_at: now }, trx);
        }
        for (const m of mails) await this.deps.mail.queue(m, trx);
        for (const a of audits) await this.deps.audit.record(a, trx);
      }
    });
    if (body.sendEmail && created.length) this.deps.mail.kick();
    return { created, refused };
  }

  async list(actor: User, mediaId: string): Promise<InviteRowDto[]> {
    const media = await this.deps.media.getManaged(actor, mediaId);
    const [invites, grants] = await Promise.all([this.invites.listCurrent(media.id), this.grants.liveForMedia(media.id)]);
    const byPerson = new Map<string, Grant[]>();
    for (const g of grants) byPerson.set(g.email_canonical, [...(byPerson.get(g.email_canonical) ?? []), g]);
    const now = this.deps.clock();
    return invites.map((i) => {
      const personGrants = i.revoked_at === null ? (byPerson.get(i.email_canonical) ?? []) : [];
      const lastGrant = Math.max(0, ...personGrants.map((g) => g.last_access_at));
      const last = Math.max(i.last_access_at ?? 0, lastGrant);
      return {
        id: i.id,
        email: i.email,
        firstName: i.first_name,
        lastName: i.last_name,
        role: i.role,
        status: inviteStatus(i, { now, hasLiveGrant: personGrants.length > 0 }),
        usesLeft: usesLeft(i),
        expiresAt: iso(i.expires_at),
        deviceBound: i.device_hash !== null,
        lastAccessAt: last ? iso(last) : null,
        createdAt: iso(i.created_at),
        sentByEmail: i.sent_by_email === 1,
      };
    });
  }

  async csv(actor: User, mediaId: string): Promise<string> {
    const rows = await this.list(actor, mediaId);
    const cell = (v: unknown) => {
      const s = v === null || v === undefined ? '' : String(v);
      // Leading =, +, - or @ would run as a formula in spreadsheets.
      const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
      return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
    };
    const head = ['email', 'first_name', 'last_name', 'role', 'status', 'uses_left', 'expires_at', 'device_bound', 'last_access_at', 'invited_at'];
    const lines = rows.map((r) =>
      [r.email, r.firstName, r.lastName, r.role, r.status, r.usesLeft ?? 'unlimited', r.expiresAt, r.deviceBound ? 'yes' : 'no', r.lastAccessAt ?? '', r.createdAt].map(cell).join(','),
    );
    return [head.join(','), ...lines].join('\r\n') + '\r\n';
  }

  private async currentInvite(media: Media, inviteId: string): Promise<Invite> {
    const invite = await this.invites.findById(inviteId);
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
    trx: Kysely<DB>,
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
    });
    await this.invites.insert(row, trx);
    await this.invites.update(old.id, { replaced_by: row.id, replaced_at: this.deps.clock() }, trx);
    // Grants keep working; they now belong to the current link.
    await trx.updateTable('grants').set({ invite_id: row.id }).where('invite_id', '=', old.id).execute();
    return { invite: row, token };
  }

  async resend(actor: User, mediaId: string, inviteId: string): Promise<{ row: InviteRowDto; link?: string }> {
    return this.reissue(actor, mediaId, inviteId, true);
  }

  async copyNewLink(actor: User, mediaId: string, inviteId: string): Promise<{ row: InviteRowDto; link?: string }> {
    return this.reissue(actor, mediaId, inviteId, false);
  }

  private async reissue(actor: User, mediaId: string, inviteId: string, sendEmail: boolean) {
    const media = await this.manageable(actor, mediaId);
    const old = await this.currentInvite(media, inviteId);
    if (old.revoked_at !== null) throw new AppError('conflict', { message: 'This invite was revoked. Invite the person again instead.' });
    const ownerName = await this.ownerName(media);
    const event = sendEmail ? await this.hooks.eventExtras?.(media) : undefined;
    const settings = await this.deps.settings.get();
    const { invite, token } = await this.deps.db.transaction().execute(async (trx) => {
      const next = await this.replaceLink(old, { by: actor.id, sendEmail, media, settings }, trx);
      await this.deps.audit.record({ action: 'invite.link_replaced', actor: userActor(actor), mediaId: media.id, inviteId: next.invite.id, details: { replaces: old.id, sentByEmail: sendEmail } }, trx);
      if (sendEmail) {
        await this.deps.mail.queue({ kind: 'invite', to: next.invite.email, ...inviteEmail({ invite: next.invite, media, ownerName, link: this.linkFor(next.token), event }) }, trx);
        await this.deps.audit.record({ action: 'invite.sent', actor: userActor(actor), mediaId: media.id, inviteId: next.invite.id, details: { email: next.invite.email } }, trx);
      }
      return next;
    });
    if (sendEmail) this.deps.mail.kick();
    const row = (await this.list(actor, mediaId)).find((r) => r.id === invite.id)!;
    return { row, ...(sendEmail ? {} : { link: this.linkFor(token) }) };
  }

  async changeRole(actor: User, mediaId: string, inviteId: string, role: InviteRole): Promise<InviteRowDto> {
    const media = await this.manageable(actor, mediaId);
    if (!rolesFor(media.type).includes(role)) throw new AppError('role_not_allowed');
    const invite = await this.currentInvite(media, inviteId);
    if (invite.revoked_at !== null) throw new AppError('conflict', { message: 'This invite was revoked.' });
    const grants = await this.grants.liveForPerson(media.id, invite.email_canonical);
    if (invite.role !== role) {
      const ownerName = await this.ownerName(media);
      // Read before the transaction: the landing hook queries outside it, which would wait on the
      // transaction's own connection (SQLite has one) and never return.
      const url = `${this.deps.publicUrl}${await this.landingUrl(media, role)}`;
      await this.deps.db.transaction().execute(async (trx) => {
        await this.invites.update(invite.id, { role }, trx);
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
    return (await this.list(actor, mediaId)).find((r) => r.id === invite.id)!;
  }

  async revoke(actor: User, mediaId: string, inviteIds: string[]): Promise<number> {
    const media = await this.manageable(actor, mediaId);
    const now = this.deps.clock();
    let count = 0;
    const affected: Grant[] = [];
    await this.deps.db.transaction().execute(async (trx) => {
      for (const id of inviteIds) {
        const invite = await this.invites.findById(id, trx);
        if (!invite || invite.media_id !== media.id || invite.revoked_at !== null) continue;
        await this.invites.update(invite.id, { revoked_at: now }, trx);
        const grants = await this.grants.liveForPerson(media.id, invite.email_canonical, trx);
        await this.endGrants(grants, 'invite_revoked', trx);
        affected.push(...grants);
        await this.deps.audit.record({ action: 'invite.revoked', actor: userActor(actor), mediaId: media.id, inviteId: invite.id, details: { email: invite.email } }, trx);
        count++;
      }
    });
    await this.announce({ mediaId: media.id, grants: affected, role: null, reason: 'revoked' });
    return count;
  }

  /** Revokes grants and ends the guest sessions that held them, so their next request is refused with the reason. */
  async endGrants(grants: Grant[], reason: 'invite_revoked' | 'media_deleted', trx: Kysely<DB>): Promise<void> {
    if (grants.length === 0) return;
    await this.grants.update(grants.map((g) => g.id), { revoked_at: this.deps.clock() }, trx);
    const sessionIds = grants.map((g) => g.session_id).filter((s): s is string => !!s);
    if (sessionIds.length) {
      await trx.updateTable('sessions').set({ ended_reason: reason }).where('id', 'in', sessionIds).where('user_id', 'is', null).execute();
    }
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
    await this.deps.bus.publish(accessTopic(opts.mediaId), msg);
  }

  /** Media deletion: every invite's grants end and their guest sessions are refused with media_deleted. */
  async onMediaDeleted(media: Media, trx: Kysely<DB>): Promise<Grant[]> {
    const grants = await this.grants.liveForMedia(media.id, trx);
    await this.endGrants(grants, 'media_deleted', trx);
    return grants;
  }
}
