import type { GuestMediaDto } from '../../../contracts/api.js';
import { ButtonLink } from '../../ui/Button.js';
import { ArrowLeftIcon, LockIcon, TrashIcon } from '../../ui/icons.js';
import { PageTitle } from '../../ui/PageTitle.js';
import { outcomes } from '../lobby/outcomes.js';
import type { AccessRefusalCode } from './refusal-store.js';

/**
 * The page shown instead of any other when the visitor may not be here: an invite guest outside their media
 * (out_of_scope), or anyone whose invite was revoked or whose media was deleted while they were browsing.
 */
export function AccessRefusedPage({
  code,
  mediaTitle,
  backTo,
  isUser,
  shared,
}: {
  code: AccessRefusalCode;
  mediaTitle?: string;
  /** The guest's own media page (out_of_scope). */
  backTo?: string;
  /** Logged-in accounts still have their library to go to. */
  isUser?: boolean;
  /** Every media an invite guest holds: out_of_scope names them all and links each. */
  shared?: readonly GuestMediaDto[];
}) {
  const o = outcomes[code];
  const several = code === 'out_of_scope' && shared && shared.length > 1 ? shared : undefined;
  const title = o.title({ mediaTitle, mediaTitles: several?.map((m) => m.title) });
  const Icon = code === 'media_deleted' ? TrashIcon : LockIcon;
  return (
    <div className="page">
      <PageTitle>{title}</PageTitle>
      <section className={`outcome outcome-page outcome-${o.tone}`} aria-labelledby="outcome-title" data-outcome={code}>
        <span className="outcome-icon" aria-hidden="true">
          <Icon size={28} />
        </span>
        <h1 id="outcome-title" className="outcome-title">
          {title}
        </h1>
        <p className="outcome-text">{o.explanation}</p>
        <p className="outcome-next">{o.nextStep}</p>
        <div className="outcome-actions">
          {several?.map((m) => (
            <ButtonLink key={m.mediaId} to={m.url} variant="secondary" icon={<ArrowLeftIcon size={18} />}>
              {`Back to “${m.title}”`}
            </ButtonLink>
          ))}
          {code === 'out_of_scope' && !several && backTo && (
            <ButtonLink to={backTo} variant="primary" icon={<ArrowLeftIcon size={18} />}>
              {mediaTitle ? `Back to “${mediaTitle}”` : 'Back to your media'}
            </ButtonLink>
          )}
          {code !== 'out_of_scope' && isUser && (
            <ButtonLink to="/" variant="secondary">
              Go to your library
            </ButtonLink>
          )}
        </div>
      </section>
    </div>
  );
}
