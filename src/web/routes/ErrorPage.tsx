import { isRouteErrorResponse, useRouteError } from 'react-router';
import { Brand } from '../ui/Brand.js';
import { Button } from '../ui/Button.js';
import { NotFoundPage } from './NotFoundPage.js';

/** The last line of defence: a render error anywhere below the router ends up here. */
export function ErrorPage() {
  const error = useRouteError();
  if (isRouteErrorResponse(error) && error.status === 404) return <NotFoundPage />;
  const detail = error instanceof Error ? error.message : isRouteErrorResponse(error) ? `${error.status} ${error.statusText}` : '';
  return (
    <div className="app-shell">
      <header className="app-header">
        <div className="app-header-inner">
          <a href="/" className="brand-link" aria-label="Foyer, go to library">
            <Brand />
          </a>
        </div>
      </header>
      <main className="app-main">
        <div className="page">
          <div className="status-page" role="alert">
            <p className="status-code">Oops</p>
            <h1 className="status-title">Something went wrong</h1>
            <p className="status-text">This page hit an unexpected error. Reloading usually helps; your data is safe.</p>
            {detail && <pre className="status-detail">{detail}</pre>}
            <div className="status-actions">
              <Button variant="primary" onClick={() => window.location.reload()}>
                Reload the page
              </Button>
              <a className="btn btn-secondary" href="/">
                <span>Go to your library</span>
              </a>
            </div>
          </div>
        </div>
      </main>
    </div>
  );
}
