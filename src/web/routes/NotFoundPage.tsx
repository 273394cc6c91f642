import { AccessRefusedPage } from '../features/access/AccessRefusedPage.js';
import { useSession } from '../features/session/useSession.js';
import { ButtonLink } from '../ui/Button.js';
import { PageTitle } from '../ui/PageTitle.js';

export function NotFoundPage() {
  const guest = useSession().data?.guest;
  // For an invite guest every other address is outside the invite.
  if (guest) return <AccessRefusedPage code="out_of_scope" mediaTitle={guest.media[0]!.title} backTo={guest.media[0]!.url} shared={guest.media} />;
  return (
    <div className="page">
      <PageTitle>Page not found</PageTitle>
      <div className="status-page">
        <p className="status-code">404</p>
        <h1 className="status-title">Page not found</h1>
        <p className="status-text">The address may be mistyped, or the page has moved.</p>
        <ButtonLink to="/" variant="primary">
          Go to your library
        </ButtonLink>
      </div>
    </div>
  );
}
