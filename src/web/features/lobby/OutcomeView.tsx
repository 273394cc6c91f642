import { useEffect, useRef, useState } from 'react';
import type { LobbyErrorCode } from '../../../contracts/errors.js';
import { AlertIcon, ClockIcon, LinkIcon, LockIcon, TrashIcon } from '../../ui/icons.js';
import { NewLinkForm, NewLinkSent } from './new-link.js';
import { outcomes } from './outcomes.js';

const iconFor = (code: LobbyErrorCode) =>
  code === 'media_deleted' ? TrashIcon
  : code === 'link_expired' || code === 'link_used' ? ClockIcon
  : code === 'invalid_link' ? LinkIcon
  : code === 'invite_revoked' || code === 'device_mismatch' || code === 'domain_blocked' ? LockIcon
  : AlertIcon;

/**
 * One lobby outcome as its own page: what happened (help article), what to do next, and "email me a new link"
 * where a fresh link helps and the site allows it.
 */
export function OutcomeView({
  code,
  mediaTitle,
  selfServiceNewLink,
  email,
  onCode,
}: {
  code: LobbyErrorCode;
  mediaTitle?: string;
  selfServiceNewLink: boolean;
  /** The address the person typed (the invited one: the server only explains to them). */
  email?: string;
  /** Renewing turned out impossible: show that outcome instead. */
  onCode: (code: LobbyErrorCode) => void;
}) {
  const o = outcomes[code];
  const [sentTo, setSentTo] = useState<string>();
  const [asking, setAsking] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  // The form this replaces had focus; screen readers should hear the outcome next.
  useEffect(() => heading.current?.focus(), [code]);
  const Icon = iconFor(code);
  const canRenew = o.offersNewLink && selfServiceNewLink;
  return (
    <section className={`outcome outcome-${o.tone}`} aria-labelledby="outcome-title" data-outcome={code}>
      <span className="outcome-icon" aria-hidden="true">
        <Icon size={26} />
      </span>
      <h2 id="outcome-title" className="outcome-title" tabIndex={-1} ref={heading}>
        {o.title({ mediaTitle })}
      </h2>
      <p className="outcome-text">{o.explanation}</p>
      <p className="outcome-next">{o.nextStep}</p>
      {canRenew &&
        (sentTo ? (
          <NewLinkSent email={sentTo} />
        ) : asking || email ? (
          <div className="outcome-actions outcome-actions-block">
            <NewLinkForm
              email={email}
              onSent={setSentTo}
              onDeadEnd={(err) => onCode(err.code as LobbyErrorCode)}
              onCancel={email ? undefined : () => setAsking(false)}
            />
          </div>
        ) : (
          <div className="outcome-actions">
            <button type="button" className="btn btn-primary" onClick={() => setAsking(true)}>
              <span>Email me a new link</span>
            </button>
          </div>
        ))}
    </section>
  );
}
