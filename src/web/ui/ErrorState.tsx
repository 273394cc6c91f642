import { isApiError } from '../api/client.js';
import { Button } from './Button.js';
import { AlertIcon, RefreshIcon } from './icons.js';

/** A failed load, with the server's message and a way to try again. */
export function ErrorState({ error, onRetry, title = 'Could not load this' }: { error: unknown; onRetry?: () => void; title?: string }) {
  const message = isApiError(error) ? error.message : 'Something unexpected happened.';
  return (
    <div className="error-state" role="alert">
      <AlertIcon size={28} className="error-state-icon" />
      <h2 className="error-state-title">{title}</h2>
      <p className="error-state-text">{message}</p>
      {onRetry && (
        <Button icon={<RefreshIcon size={16} />} onClick={onRetry}>
          Try again
        </Button>
      )}
    </div>
  );
}
