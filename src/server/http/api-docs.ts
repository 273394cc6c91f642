import type { FastifyInstance } from 'fastify';
import swaggerUi from '@fastify/swagger-ui';

/** Foyer's mark (src/web/favicon.svg), and the mark with the name for the docs' top bar. */
const MARK = `<rect width="32" height="32" rx="8" fill="#4353d6"/><path d="M10 25V9.5A1.5 1.5 0 0 1 11.5 8h9A1.5 1.5 0 0 1 22 9.5V25" fill="none" stroke="#fff" stroke-width="2.2" stroke-linecap="round"/><path d="M10 25l7-2.2V10.6L10 8.5" fill="rgba(255,255,255,.85)"/><circle cx="15" cy="17" r="1.1" fill="#4353d6"/><path d="M7 25h18" stroke="#fff" stroke-width="2.2" stroke-linecap="round"/>`;
const FAVICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">${MARK}</svg>`;
const LOGO = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 172 32" width="172" height="32" role="img" aria-label="Foyer"><title>Foyer</title>${MARK}<text x="42" y="23" font-family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif" font-size="20" font-weight="700" fill="#1b1f3b">Foyer</text><text x="110" y="23" font-family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif" font-size="20" font-weight="400" fill="#5b6178">API</text></svg>`;

/** Foyer's look for Swagger UI: a light header in Foyer's colours, system fonts, no external resources. */
const CSS = `
body { margin: 0; }
.foyer-docs-header { display: flex; align-items: center; gap: 12px; padding: 12px 20px; background: #fff; border-bottom: 1px solid #e3e5ef; }
.foyer-docs-header a { display: inline-flex; }
.foyer-docs-header img { height: 32px; width: auto; }
.swagger-ui, .swagger-ui .info .title, .swagger-ui .opblock-tag { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
.swagger-ui .info .title { color: #1b1f3b; }
.swagger-ui .btn.authorize, .swagger-ui .btn.execute { border-color: #4353d6; }
.swagger-ui .btn.execute { background: #4353d6; }
`;

/**
 * Foyer's header above the docs. Swagger UI's own top bar (StandaloneLayout) renders its logo as an SVG
 * with a <style> element, which the site's CSP blocks; the docs use BaseLayout and this header instead.
 */
const JS = `(function () {
  function header() {
    var root = document.getElementById('swagger-ui');
    if (!root || document.querySelector('.foyer-docs-header')) return;
    var bar = document.createElement('header');
    bar.className = 'foyer-docs-header';
    var link = document.createElement('a');
    link.href = '/';
    link.setAttribute('aria-label', 'Foyer home');
    var img = document.createElement('img');
    img.src = 'data:image/svg+xml;base64,${Buffer.from(LOGO).toString('base64')}';
    img.alt = 'Foyer';
    link.appendChild(img);
    bar.appendChild(link);
    root.parentNode.insertBefore(bar, root);
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', header);
  else header();
})();
`;

/**
 * `/api/docs`: Swagger UI with Foyer's name, logo and favicon, under the site's own Content Security Policy
 * (no `staticCSP`: the plugin's own policy would replace Foyer's; what that policy allowed — Swagger UI's
 * top bar with its inline <style> — is left out instead).
 */
export async function registerApiDocs(app: FastifyInstance): Promise<void> {
  await app.register(swaggerUi, {
    routePrefix: '/api/docs',
    theme: {
      title: 'Foyer API',
      css: [{ filename: 'foyer.css', content: CSS }],
      js: [{ filename: 'foyer.js', content: JS }],
      favicon: [{ filename: 'favicon.svg', rel: 'icon', sizes: 'any', type: 'image/svg+xml', content: Buffer.from(FAVICON) }],
    },
    uiConfig: { layout: 'BaseLayout', deepLinking: true, docExpansion: 'list', defaultModelsExpandDepth: 0 },
  });
}
