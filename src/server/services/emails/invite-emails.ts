import type { MailAttachment } from '../../adapters/mail/mailer.js';
import type { Invite, Media } from '../../db/schema.js';
import { renderEmail } from './layout.js';

const typeNoun: Record<Media['type'], string> = { video: 'video', audio: 'audio file', document: 'document', quiz: 'quiz', live: 'live event' };
const roleNoun: Record<Invite['role'], string> = { viewer: 'viewer', moderator: 'moderator', speaker: 'speaker' };

const when = (ms: number) =>
  new Date(ms).toLocaleString('en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' }) + ' UTC';

export interface EventExtras {
  /** Event start, shown in the email. */
  startsAt: number;
  /** An .ics calendar file for the event. */
  ics?: string;
}

export interface InviteMailInput {
  invite: Pick<Invite, 'email' | 'first_name' | 'role' | 'message' | 'expires_at' | 'max_uses'>;
  media: Pick<Media, 'title' | 'type'>;
  ownerName: string;
  link: string;
  event?: EventExtras;
  /** Shared with the person's account at this SSO provider: the email says to sign in there. */
  provider?: string;
}

function greeting(firstName: string) {
  return firstName ? `Hi ${firstName},` : 'Hello,';
}

function usesLine(maxUses: number) {
  return maxUses === -1 ? '' : maxUses === 1 ? ' It works once, on one device.' : ` It works ${maxUses} times.`;
}

/** The invitation: media, owner, role, expiry, the owner's message and one button. */
export function inviteEmail(i: InviteMailInput) {
  const noun = typeNoun[i.media.type];
  const paragraphs = [
    greeting(i.invite.first_name),
    `${i.ownerName} invited you to the ${noun} “${i.media.title}” on Foyer, as ${roleNoun[i.invite.role]}.`,
  ];
  if (i.event) paragraphs.push(`The event starts ${when(i.event.startsAt)}.`);
  if (i.invite.message) paragraphs.push(`Message from ${i.ownerName}:\n${i.invite.message}`);
  paragraphs.push(
    i.provider
      ? `Sign in with ${i.provider} to open it: it is shared with your ${i.provider} account (${i.invite.email}), and the link below takes you there. Open it before ${when(i.invite.expires_at)}.`
      : `This link is personal: when you open it, enter this email address (${i.invite.email}). It is valid until ${when(i.invite.expires_at)}.${usesLine(i.invite.max_uses)}`,
  );
  const body = renderEmail({
    heading: `${i.ownerName} invited you to “${i.media.title}”`,
    paragraphs,
    button: { label: i.provider ? `Sign in with ${i.provider} to open it` : i.media.type === 'live' ? 'Join the event' : `Open the ${noun}`, url: i.link },
    footer: 'Do not forward this email: the link works only for the address it was sent to. If you did not expect it, you can ignore it.',
  });
  const attachments: MailAttachment[] | undefined = i.event?.ics
    ? [{ filename: 'event.ics', contentType: 'text/calendar; charset=utf-8; method=REQUEST', content: i.event.ics }]
    : undefined;
  return { subject: i.provider ? `${i.ownerName} shared “${i.media.title}” with you` : `${i.ownerName} invited you to “${i.media.title}”`, ...body, attachments };
}

/** A fresh link the invitee asked for in the lobby. */
export function newLinkEmail(i: InviteMailInput) {
  const body = renderEmail({
    heading: `Your new link to “${i.media.title}”`,
    paragraphs: [
      greeting(i.invite.first_name),
      `You asked for a new link to the ${typeNoun[i.media.type]} “${i.media.title}” from ${i.ownerName}. Your earlier link no longer works.`,
      `Valid until ${when(i.invite.expires_at)}.${usesLine(i.invite.max_uses)}`,
    ],
    button: { label: 'Open your new link', url: i.link },
    footer: 'If you did not ask for this, you can ignore it: the link works only with your email address.',
  });
  return { subject: `Your new link to “${i.media.title}”`, ...body };
}

export function roleChangedEmail(i: Omit<InviteMailInput, 'link'> & { url: string }) {
  const body = renderEmail({
    heading: `Your role in “${i.media.title}” changed`,
    paragraphs: [greeting(i.invite.first_name), `${i.ownerName} changed your role in “${i.media.title}” to ${roleNoun[i.invite.role]}.`],
    button: { label: 'Open it', url: i.url },
  });
  return { subject: `You are now ${roleNoun[i.invite.role]} in “${i.media.title}”`, ...body };
}

export function lobbyCodeEmail(opts: { title: string; code: string }) {
  const body = renderEmail({
    heading: `Your code: ${opts.code}`,
    paragraphs: [`Enter this code in the lobby to open “${opts.title}”. It is valid for 10 minutes.`],
    footer: 'If you did not try to open this link, ignore this email; nobody can use the code without your invite.',
  });
  return { subject: `${opts.code} is your Foyer code`, ...body };
}
