import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { RouterProvider } from 'react-router/dom';
import { isApiError } from './api/client.js';
import { queryKeys } from './api/endpoints.js';
import { reportAccessError } from './features/access/refusal-store.js';
import { router } from './router.js';
import { ToastProvider } from './ui/Toasts.js';
import './styles/tokens.css';
import './styles/base.css';
import './styles/controls.css';
import './styles/widgets.css';
import './styles/feedback.css';
import './styles/surfaces.css';
import './styles/layout.css';
import './styles/auth.css';
import './styles/media.css';
import './styles/admin.css';
import './styles/lobby.css';
import './styles/sharing.css';
import './styles/invite-dialog.css';
import './styles/settings.css';
import './styles/pipeline.css';
import './features/live/live.css';

/** A refused invite session (revoked, media deleted) also changes who the visitor is: ask again. */
const onApiError = (err: unknown) => {
  const refusal = reportAccessError(err);
  if (refusal && refusal.code !== 'out_of_scope') void queryClient.invalidateQueries({ queryKey: queryKeys.session });
};

const queryClient = new QueryClient({
  queryCache: new QueryCache({ onError: onApiError }),
  mutationCache: new MutationCache({ onError: onApiError }),
  defaultOptions: {
    queries: {
      // Retrying a 4xx cannot change the answer; retry only network and server failures.
      retry: (count, err) => count < 2 && (!isApiError(err) || err.status === 0 || err.status >= 500),
      refetchOnWindowFocus: false,
    },
  },
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <ToastProvider>
        <RouterProvider router={router} />
      </ToastProvider>
    </QueryClientProvider>
  </StrictMode>,
);
