import { z } from 'zod';
import { idText, mediaTypeSchema } from './api.js';
import { multiLine, singleLine } from './text.js';

/** Invite roles. Media other than live events take `viewer` only. */
export const inviteRoles = ['viewer', 'speaker', 'moderator'] as const;
export const inviteRoleSchema = z.enum(inviteRoles);
export type InviteRoleDto = z.infer<typeof inviteRoleSchema>;

/** Email domains as stored and shown. */
export const domainListSchema = z.array(z.string().trim().min(1).max(253)).max(500);
/** Email domains as an admin sends them. */
export const domainListInput = z.array(singleLine().trim().min(1).max(253)).max(500);

/**
 * Account types decide the lobby (PRODUCT.md, "Account types"; docs/decisions.md): a logged-in person
 * whose email is the invited one goes straight in, or sees the lobby, by how their email is known.
 * An email nobody confirmed (a local account not yet confirmed, a provider that did not assert it,
 * a guest session of another invite) always sees the lobby: letting it in would let anyone claim any
 * address. For the other two the admin may require the lobby.
 */
export const accountLobbySchema = z.object({
  localConfirmed: z.enum(['straight_in', 'lobby']),
  localUnconfirmed: z.literal('lobby'),
  ssoVerified: z.enum(['straight_in', 'lobby']),
  ssoUnverified: z.literal('lobby'),
  guest: z.literal('lobby'),
});
export type AccountLobby = z.infer<typeof accountLobbySchema>;
export type AccountType = keyof AccountLobby;
export const defaultAccountLobby: AccountLobby = { localConfirmed: 'straight_in', localUnconfirmed: 'lobby', ssoVerified: 'straight_in', ssoUnverified: 'lobby', guest: 'lobby' };

/** Site settings with Kaltura's defaults (PRODUCT.md). */
export const siteSettingsSchema = z.object({
  linkDurationMinutes: z.number().int().min(1).max(525_600),
  /** 1 single use, N uses, -1 unlimited until expiry. */
  linkReusability: z.number().int().min(-1).max(10_000).refine((v) => v !== 0, 'Use -1 for unlimited, or 1 or more.'),
  bindToDevice: z.boolean(),
  blockedEmailDomains: domainListSchema,
  allowedEmailDomains: domainListSchema,
  lobbyVerification: z.enum(['email', 'email_code']),
  lobbyAttempts: z.number().int().min(1).max(100),
  selfServiceNewLink: z.boolean(),
  whoMayInvite: z.enum(['owners_and_admins', 'admins_only']),
  endedEventsGoToRecording: z.boolean(),
  /** The longest duration an owner may give one invite's link (the dialog's ceiling). */
  maxLinkDurationMinutes: z.number().int().min(1).max(525_600),
  /** The most uses an owner may give one invite's link; -1: any, unlimited included. */
  maxLinkReusability: z.number().int().min(-1).max(10_000).refine((v) => v !== 0, 'Use -1 for no limit, or 1 or more.'),
  /** Which logged-in accounts with the invited email go straight in (the rest see the lobby). */
  accountLobby: accountLobbySchema,
  /**
   * Invites to an address of an SSO provider's domains: `account` shares the media with the person's account
   * at that provider (only its verified sign-in opens the invite); `link` sends a link as to anyone (the lobby
   * offers the provider's sign-in); `refuse` refuses them, naming the provider.
   */
  ssoDomainInvites: z.enum(['account', 'link', 'refuse']),
  /** Storage each account may use, in bytes, unless an admin set the account's own; null: no limit. */
  defaultQuotaBytes: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).nullable(),
});
export type SiteSettings = z.infer<typeof siteSettingsSchema>;
/** The settings as an admin sends them (the form checks with it too). */
export const siteSettingsInput = siteSettingsSchema.extend({ blockedEmailDomains: domainListInput, allowedEmailDomains: domainListInput, accountLobby: accountLobbySchema.partial() });
export const siteSettingsPatch = siteSettingsInput.partial();

export const defaultSiteSettings: SiteSettings = {
  linkDurationMinutes: 1440,
  linkReusability: 1,
  bindToDevice: true,
  blockedEmailDomains: [],
  allowedEmailDomains: [],
  lobbyVerification: 'email',
  lobbyAttempts: 5,
  selfServiceNewLink: true,
  whoMayInvite: 'owners_and_admins',
  endedEventsGoToRecording: true,
  maxLinkDurationMinutes: 43_200,
  maxLinkReusability: -1,
  accountLobby: defaultAccountLobby,
  ssoDomainInvites: 'account',
  defaultQuotaBytes: null,
};

/** Is `uses` (-1 unlimited) within `max` (-1 any)? */
export const usesWithin = (uses: number, max: number) => max === -1 || (uses !== -1 && uses <= max);

/** What an owner may choose for one invite's link: the site's defaults and ceilings (`GET /api/invite-limits`). */
export const inviteLimitsSchema = z.object({
  linkDurationMinutes: z.number().int(),
  linkReusability: z.number().int(),
  maxLinkDurationMinutes: z.number().int(),
  maxLinkReusability: z.number().int(),
});
export type InviteLimits = z.infer<typeof inviteLimitsSchema>;

export const MAX_INVITES_PER_REQUEST = 10_000;

export const invitePersonSchema = z.object({
  email: singleLine().max(320),
  firstName: singleLine().trim().max(100).optional().default(''),
  lastName: singleLine().trim().max(100).optional().default(''),
});

export const createInvitesBody = z.object({
  people: z.array(invitePersonSchema).min(1, 'Add at least one email address.').max(MAX_INVITES_PER_REQUEST),
  role: inviteRoleSchema.default('viewer'),
  message: multiLine().trim().max(2000).optional().default(''),
  sendEmail: z.boolean().default(true),
  /** This invite's link duration (default: the site's); at most the site's maximum (`lifetime_above_maximum`). */
  linkDurationMinutes: z.number().int().min(1).max(525_600).optional(),
  /** This invite's uses, 1..N or -1 unlimited (default: the site's); within the site's maximum. */
  linkReusability: z.number().int().min(-1).max(10_000).refine((v) => v !== 0, 'Use -1 for unlimited, or 1 or more.').optional(),
});
export type CreateInvitesBody = z.input<typeof createInvitesBody>;

export const refusalReasons = ['malformed', 'domain_blocked', 'domain_not_allowed', 'duplicate', 'sso_domain'] as const;
export const createInvitesResponse = z.object({
  created: z.array(z.object({ id: z.string(), email: z.string(), replaced: z.boolean(), link: z.string().optional() })),
  refused: z.array(z.object({ email: z.string(), reason: z.enum(refusalReasons), message: z.string() })),
});
export type CreateInvitesResponse = z.infer<typeof createInvitesResponse>;

export const emailDeliveryStatuses = ['sending', 'retrying', 'sent', 'failed'] as const;

export const inviteStatuses = ['sent', 'opened', 'active', 'expired', 'used_up', 'revoked', 'locked'] as const;
export const inviteStatusSchema = z.enum(inviteStatuses);
export type InviteStatus = z.infer<typeof inviteStatusSchema>;

export const inviteRowSchema = z.object({
  id: z.string(),
  email: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  role: inviteRoleSchema,
  status: inviteStatusSchema,
  /** null: unlimited. */
  usesLeft: z.number().nullable(),
  expiresAt: z.string(),
  deviceBound: z.boolean(),
  lastAccessAt: z.string().nullable(),
  createdAt: z.string(),
  sentByEmail: z.boolean(),
  /** Shared with the person's account at an SSO provider: only its verified sign-in opens it (docs/invites.md). */
  sharedWithAccount: z.boolean(),
  /** How the email with this link stands; null when the link was not emailed (or was before this was tracked). */
  emailDelivery: z
    .object({
      /** sending: queued or being tried; retrying: the last try failed, see nextTryAt and problem; sent; failed: for good. */
      status: z.enum(emailDeliveryStatuses),
      attempts: z.number().int(),
      lastTryAt: z.string().nullable(),
      nextTryAt: z.string().nullable(),
      /** retrying: the last error; failed: why it was given up. Plain words. */
      problem: z.string().nullable(),
      sentAt: z.string().nullable(),
    })
    .nullable(),
});
export type InviteRowDto = z.infer<typeof inviteRowSchema>;
export type EmailDeliveryDto = NonNullable<InviteRowDto['emailDelivery']>;
export const inviteListSchema = z.object({ items: z.array(inviteRowSchema) });

export const changeRoleBody = z.object({ role: inviteRoleSchema });
export const bulkRevokeBody = z.object({ ids: z.array(singleLine().max(100)).min(1).max(MAX_INVITES_PER_REQUEST) });
/** `/api/media/:id/invites/:inviteId/…` */
export const inviteParams = z.object({ id: idText(), inviteId: idText() });
export const newLinkResponse = z.object({ invite: inviteRowSchema, link: z.string().optional() });

/** What the lobby shows: what the invite is for, never the invited address. */
export const lobbyInfoSchema = z.object({
  media: z.object({ title: z.string(), type: mediaTypeSchema, ownerName: z.string(), startsAt: z.string().nullable() }),
  verification: z.enum(['email', 'email_code']),
  selfServiceNewLink: z.boolean(),
  /** A code was mailed to this device and is waiting to be typed. */
  codePending: z.boolean(),
  /** Logged in with the invited, verified email: the page enters without asking. */
  autoEnter: z.boolean(),
  /** This device already holds access through this invite: go straight there. */
  alreadyIn: z.object({ url: z.string() }).nullable(),
  /**
   * Providers whose sign-in would take this person straight in (the invited email's domain belongs to
   * them and the site lets their verified accounts skip the lobby): "Sign in with <name> to go straight in".
   */
  ssoProviders: z.array(z.object({ id: z.string(), name: z.string(), startUrl: z.string() })),
  /** Shared with the person's account at this provider: only signing in there opens it (no email to type). */
  accountShare: z.object({ providerName: z.string(), startUrl: z.string() }).nullable(),
});
export type LobbyInfo = z.infer<typeof lobbyInfoSchema>;

export const lobbyEnterBody = z.object({
  email: singleLine().max(320).optional(),
  code: singleLine().trim().regex(/^\d{6}$/, 'Enter the 6 digits from the email.').optional(),
});
export const lobbyEnterResponse = z.discriminatedUnion('next', [
  z.object({ next: z.literal('enter'), url: z.string(), role: inviteRoleSchema, mediaId: z.string() }),
  z.object({ next: z.literal('code'), message: z.string() }),
]);
export type LobbyEnterResponse = z.infer<typeof lobbyEnterResponse>;

export const lobbyNewLinkBody = z.object({ email: singleLine().min(1, 'Enter your email address.').max(320) });

/** Every action the audit log records. */
export const auditActions = [
  'invite.created',
  'invite.sent',
  'invite.opened',
  'invite.redeemed',
  'invite.refused',
  'invite.revoked',
  'invite.role_changed',
  'invite.new_link_requested',
  'invite.link_replaced',
  'invite.code_sent',
  'settings.changed',
  'media.deleted',
  'token.created',
  'token.revoked',
  'user.quota_changed',
] as const;
export type AuditActionName = (typeof auditActions)[number];

export const auditEntrySchema = z.object({
  id: z.string(),
  at: z.string(),
  action: z.string(),
  actor: z.object({ kind: z.enum(['user', 'guest', 'system']), id: z.string().nullable(), label: z.string() }),
  mediaId: z.string().nullable(),
  mediaTitle: z.string().nullable(),
  inviteId: z.string().nullable(),
  details: z.record(z.string(), z.unknown()).nullable(),
});
export type AuditEntryDto = z.infer<typeof auditEntrySchema>;
export const auditListSchema = z.object({ items: z.array(auditEntrySchema) });
/** The media the audit log mentions, by title, for the admin page's picker (deleted ones too). */
export const auditMediaListSchema = z.object({ items: z.array(z.object({ id: z.string(), title: z.string(), type: z.string(), deleted: z.boolean() })) });
export type AuditMediaDto = z.infer<typeof auditMediaListSchema>['items'][number];
export const auditQuery = z.object({
  action: singleLine().max(60).optional(),
  mediaId: singleLine().max(100).optional(),
  inviteId: singleLine().max(100).optional(),
  from: z.iso.datetime().optional(),
  to: z.iso.datetime().optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});
