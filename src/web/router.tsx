import { createBrowserRouter } from 'react-router';
import { RequireAdmin, RequireUser } from './features/session/guards.js';
import { AdminAuditPage } from './routes/AdminAuditPage.js';
import { AdminSettingsPage } from './routes/AdminSettingsPage.js';
import { AppLayout } from './routes/AppLayout.js';
import { ErrorPage } from './routes/ErrorPage.js';
import { LibraryPage } from './routes/LibraryPage.js';
import { LiveEventEditorPage } from './routes/LiveEventEditorPage.js';
import { LiveEventRoute } from './routes/LiveEventRoute.js';
import { LobbyPage } from './routes/LobbyPage.js';
import { LoginPage } from './routes/LoginPage.js';
import { MediaPage } from './routes/MediaPage.js';
import { NotFoundPage } from './routes/NotFoundPage.js';
import { OutboxMessagePage } from './routes/OutboxMessagePage.js';
import { OutboxPage } from './routes/OutboxPage.js';
import { SignUpPage } from './routes/SignUpPage.js';
import { VerifyEmailPage } from './routes/VerifyEmailPage.js';

/** Every page address of the SPA. The server answers /api/* and /i/* itself. */
export const router = createBrowserRouter([
  {
    errorElement: <ErrorPage />,
    children: [
      { path: '/login', element: <LoginPage /> },
      { path: '/signup', element: <SignUpPage /> },
      { path: '/verify-email', element: <VerifyEmailPage /> },
      // Where an invite link lands: the server moved the token into a cookie and redirected here.
      { path: '/lobby', element: <LobbyPage /> },
      {
        element: <AppLayout />,
        children: [
          {
            index: true,
            element: (
              <RequireUser>
                <LibraryPage />
              </RequireUser>
            ),
          },
          // Not behind RequireUser: invite guests (no account) open their one media here too.
          { path: '/media/:id', element: <MediaPage /> },
          // Live events: guests with an event invite land on /events/:id too.
          { path: '/events/:id', element: <LiveEventRoute /> },
          {
            path: '/events/new',
            element: (
              <RequireUser>
                <LiveEventEditorPage />
              </RequireUser>
            ),
          },
          {
            path: '/events/:id/edit',
            element: (
              <RequireUser>
                <LiveEventEditorPage />
              </RequireUser>
            ),
          },
          {
            path: '/admin/outbox',
            element: (
              <RequireAdmin>
                <OutboxPage />
              </RequireAdmin>
            ),
          },
          {
            path: '/admin/settings',
            element: (
              <RequireAdmin>
                <AdminSettingsPage />
              </RequireAdmin>
            ),
          },
          {
            path: '/admin/audit',
            element: (
              <RequireAdmin>
                <AdminAuditPage />
              </RequireAdmin>
            ),
          },
          {
            path: '/admin/outbox/:mailId',
            element: (
              <RequireAdmin>
                <OutboxMessagePage />
              </RequireAdmin>
            ),
          },
          { path: '*', element: <NotFoundPage /> },
        ],
      },
    ],
  },
]);
