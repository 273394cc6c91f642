/**
 * The pages that load when first used, each its own chunk. One loader per page, shared by the router
 * and by whoever fetches a page ahead of time (the lobby prefetches the shell and the media page while
 * the person types): the browser loads each module once, whoever asks first.
 */
export const pages = {
  login: () => import('./LoginPage.js'),
  signUp: () => import('./SignUpPage.js'),
  verifyEmail: () => import('./VerifyEmailPage.js'),
  appLayout: () => import('./AppLayout.js'),
  library: () => import('./LibraryPage.js'),
  media: () => import('./MediaPage.js'),
  liveEvent: () => import('./LiveEventRoute.js'),
  liveEventEditor: () => import('./LiveEventEditorPage.js'),
  outbox: () => import('./OutboxPage.js'),
  outboxMessage: () => import('./OutboxMessagePage.js'),
  adminSettings: () => import('./AdminSettingsPage.js'),
  adminAudit: () => import('./AdminAuditPage.js'),
  apiTokens: () => import('./ApiTokensPage.js'),
  ssoError: () => import('./SsoErrorPage.js'),
  ssoLink: () => import('./SsoLinkPage.js'),
};
