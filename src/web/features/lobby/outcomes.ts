import type { LobbyErrorCode } from '../../../contracts/errors.js';
import { quotedTitles } from '../access/guest-scope.js';

/**
 * What a person sees for each answer the lobby (or an invite guest's page) can give: one place for the copy,
 * taken from the help article's troubleshooting section. The browser branches on the code, never on the server's text.
 */
export interface Outcome {
  /** Heading of the outcome page, or the title of the inline message. */
  title: (ctx: OutcomeContext) => string;
  /** Why it happened, in the help article's words. */
  explanation: string;
  /** What to do about it. */
  nextStep: string;
  /**
   * `page`: the link cannot be used; the outcome replaces the form.
   * `inline`: the person can fix it in the form (shown at the field).
   * `alert`: a temporary refusal shown above the form.
   */
  display: 'page' | 'inline' | 'alert';
  /** "Email me a new link" helps here (shown when the site allows it). */
  offersNewLink: boolean;
  /** Visual weight of the page: a dead end (`error`), or something the person can act on (`warning`). */
  tone: 'error' | 'warning' | 'info';
}

export interface OutcomeContext {
  /** The media the invite is for, when known. */
  mediaTitle?: string;
  /** Every media an invite guest holds ("your invite gives you access only to …"), when known. */
  mediaTitles?: readonly string[];
}

const ASK_OWNER = 'Ask the media owner for a new link.';

export const outcomes: Record<LobbyErrorCode, Outcome> = {
  email_mismatch: {
    title: () => 'That email doesn’t match the invite',
    explanation: 'The link only opens for the email address it was sent to.',
    nextStep: 'Enter the same email that received the invite.',
    display: 'inline',
    offersNewLink: false,
    tone: 'error',
  },
  link_expired: {
    title: () => 'This link has expired',
    explanation: 'Your link may only work for a limited time, depending on site settings.',
    nextStep: ASK_OWNER,
    display: 'page',
    offersNewLink: true,
    tone: 'warning',
  },
  link_used: {
    title: () => 'This link was already used',
    explanation: 'Your link may only work once, depending on site settings.',
    nextStep: ASK_OWNER,
    display: 'page',
    offersNewLink: true,
    tone: 'warning',
  },
  device_mismatch: {
    title: () => 'This link is tied to another device',
    explanation: 'Links work on one device: the first device that opened this link is the only one it works on. If you switch devices, you’ll need a new link.',
    nextStep: 'Open the link on the device you used first, or ask the media owner for a new link.',
    display: 'page',
    offersNewLink: true,
    tone: 'warning',
  },
  invite_revoked: {
    title: () => 'This invite was removed',
    explanation: 'The media owner removed your invite. The link will no longer work.',
    nextStep: 'If you still need access, contact the media owner.',
    display: 'page',
    offersNewLink: false,
    tone: 'error',
  },
  media_deleted: {
    title: (c) => (c.mediaTitle ? `“${c.mediaTitle}” was deleted` : 'This media was deleted'),
    explanation: 'The media this invite was for has been deleted. The link will no longer work.',
    nextStep: 'If you think this is a mistake, contact the media owner.',
    display: 'page',
    offersNewLink: false,
    tone: 'error',
  },
  domain_blocked: {
    title: () => 'Your email domain is blocked',
    explanation: 'Some organizations block invites to certain email domains, and this site now blocks yours.',
    nextStep: 'Contact the media owner to use a different email.',
    display: 'page',
    offersNewLink: false,
    tone: 'error',
  },
  too_many_attempts: {
    title: () => 'Too many wrong attempts',
    explanation: 'To keep it safe, the link locked itself after too many email addresses or codes that did not match.',
    nextStep: ASK_OWNER,
    display: 'page',
    offersNewLink: true,
    tone: 'warning',
  },
  invalid_link: {
    title: () => 'This link isn’t valid',
    explanation: 'The address may be incomplete or mistyped. Some email apps break long links across lines.',
    nextStep: 'Check the link: open it straight from the invite email, or copy the whole link into the address bar.',
    display: 'page',
    offersNewLink: false,
    tone: 'warning',
  },
  code_required: {
    title: () => 'Enter the code',
    explanation: 'This site checks invites with a 6-digit code sent to the invited address.',
    nextStep: 'Enter the 6-digit code we emailed to you.',
    display: 'inline',
    offersNewLink: false,
    tone: 'info',
  },
  code_invalid: {
    title: () => 'That code isn’t right',
    explanation: 'The code is wrong or has expired. Codes work for 10 minutes, on the device that asked for them.',
    nextStep: 'Check the latest email and try again, or send a new code.',
    display: 'inline',
    offersNewLink: false,
    tone: 'error',
  },
  out_of_scope: {
    title: (c) =>
      c.mediaTitles?.length
        ? `Your invite gives you access only to ${quotedTitles(c.mediaTitles)}`
        : c.mediaTitle
          ? `Your invite gives you access only to “${c.mediaTitle}”`
          : 'Your invite gives you access only to the media you were invited to',
    explanation: 'This page is not part of it: an invite opens the media it was sent for, not other areas of the site.',
    nextStep: 'Go back to the media you were invited to.',
    display: 'page',
    offersNewLink: false,
    tone: 'info',
  },
  new_link_limit: {
    title: () => 'A new link is already on its way',
    explanation: 'New links were sent to the invited address several times in the last hour; the newest one is the one that works.',
    nextStep: 'Check that inbox (and its spam folder), or try again in an hour. The media owner can also send you a new link.',
    display: 'alert',
    offersNewLink: false,
    tone: 'warning',
  },
  rate_limited: {
    title: () => 'Too many tries',
    explanation: 'Too many tries came from your network in a short time.',
    nextStep: 'Wait a few minutes, then try again.',
    display: 'alert',
    offersNewLink: false,
    tone: 'warning',
  },
  validation_failed: {
    title: () => 'Check what you entered',
    explanation: 'Something in the form is missing or not in the right format.',
    nextStep: 'Enter the email address the invite was sent to.',
    display: 'inline',
    offersNewLink: false,
    tone: 'error',
  },
};

export const isLobbyErrorCode = (code: string): code is LobbyErrorCode => Object.hasOwn(outcomes, code);

/** The outcomes that end the lobby: the link cannot be used as it is. */
export const isDeadEnd = (code: string): code is LobbyErrorCode => isLobbyErrorCode(code) && outcomes[code].display === 'page';
