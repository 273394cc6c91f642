import { ButtonLink } from '../ui/Button.js';
import { PageTitle } from '../ui/PageTitle.js';

export function NotFoundPage() {
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
