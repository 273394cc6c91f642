import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const apiTarget = process.env.FOYER_DEV_API ?? 'http://localhost:3000';

/**
 * The SPA lives in src/web and builds to dist/web, which the server serves with an SPA fallback.
 * In development Vite proxies the server's own addresses (/api, /i) so cookies and the
 * same-origin CSRF check behave as in production (the Host header is kept).
 */
export default defineConfig({
  root: here('./src/web'),
  publicDir: false,
  plugins: [react()],
  build: {
    outDir: here('./dist/web'),
    emptyOutDir: true,
    sourcemap: true,
    // The CSP forbids inline scripts; never inline assets as data: URLs into scripts either.
    assetsInlineLimit: 0,
    rolldownOptions: {
      output: {
        // Pages and viewers are their own chunks (src/web/router.tsx, features/media/viewers.ts). The
        // libraries every page needs (React, the router, React Query) change far less often than the app:
        // one file of their own stays cached across releases. Others (hls.js, pdf.js) stay in the chunk
        // that uses them, so the lobby never downloads them.
        codeSplitting: { groups: [{ name: 'vendor', test: /[\\/]node_modules[\\/](react|react-dom|scheduler|react-router|@tanstack[\\/][^\\/]+|cookie|set-cookie-parser)[\\/]/ }] },
      },
    },
  },
  server: {
    port: 5173,
    proxy: {
      '/api': { target: apiTarget, changeOrigin: false },
      '/i/': { target: apiTarget, changeOrigin: false },
    },
  },
});
