import type { ComponentType, ReactNode } from 'react';
import { createBrowserRouter } from 'react-router';
import { RequireAdmin, RequireUser } from './features/session/guards.js';
import { ErrorPage } from './routes/ErrorPage.js';
import { LobbyPage } from './routes/LobbyPage.js';
import { NotFoundPage } from './routes/NotFoundPage.js';
import { pages } from './routes/pages.js';

/**
 * A page loaded when its address is first visited (its own chunk: docs/web-app.md, "Code splitting"),
 * inside its guard. The lobby, where invite links land, and the error pages are in the first chunk.
 */
const page =
  <M,>(load: () => Promise<M>, pick: (m: M) => ComponentType, Guard?: ComponentType<{ children: ReactNode }>) =>
  async () => {
    const Page = pick(await load());
    return { element: Guard ? <Guard><Page /></Guard> : <Page /> };
  };

/** Every page address of the SPA. The server answers /api/* and /i/* itself. */
export const router = createBrowserRouter([
  {
    errorElement: <ErrorPage />,
    children: [
      { path: '/login', lazy: page(pages.login, (m) => m.LoginPage) },
      { path: '/signup', lazy: page(pages.signUp, (m) => m.SignUpPage) },
      { path: '/verify-email', lazy: page(pages.verifyEmail, (m) => m.VerifyEmailPage) },
      { path: '/sso/error', lazy: page(pages.ssoError, (m) => m.SsoErrorPage) },
      { path: '/sso/link', lazy: page(pages.ssoLink, (m) => m.SsoLinkPage) },
      // Where an invite link lands: the server moved the token into a cookie and redirected here.
      { path: '/lobby', element: <LobbyPage /> },
      {
        lazy: page(pages.appLayout, (m) => m.AppLayout),
        children: [
          { index: true, lazy: page(pages.library, (m) => m.LibraryPage, RequireUser) },
          // Not behind RequireUser: invite guests (no account) open their one media here too.
          { path: '/media/:id', lazy: page(pages.media, (m) => m.MediaPage) },
          // Live events: guests with an event invite land on /events/:id too.
          { path: '/events/:id', lazy: page(pages.liveEvent, (m) => m.LiveEventRoute) },
          { path: '/events/new', lazy: page(pages.liveEventEditor, (m) => m.LiveEventEditorPage, RequireUser) },
          { path: '/events/:id/edit', lazy: page(pages.liveEventEditor, (m) => m.LiveEventEditorPage, RequireUser) },
          { path: '/account/tokens', lazy: page(pages.apiTokens, (m) => m.ApiTokensPage, RequireUser) },
          { path: '/admin/outbox', lazy: page(pages.outbox, (m) => m.OutboxPage, RequireAdmin) },
          { path: '/admin/settings', lazy: page(pages.adminSettings, (m) => m.AdminSettingsPage, RequireAdmin) },
          { path: '/admin/audit', lazy: page(pages.adminAudit, (m) => m.AdminAuditPage, RequireAdmin) },
          { path: '/admin/outbox/:mailId', lazy: page(pages.outboxMessage, (m) => m.OutboxMessagePage, RequireAdmin) },
          { path: '*', element: <NotFoundPage /> },
        ],
      },
    ],
  },
]);
