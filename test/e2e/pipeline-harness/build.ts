import react from '@vitejs/plugin-react';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Bundles the harness page (and the components it mounts) into `outDir`, as the web app's build would. */
export async function buildHarness(outDir: string): Promise<void> {
  // Under vitest NODE_ENV is "test", which would make the React plugin emit the development JSX runtime.
  const saved = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await buildOnce(outDir);
  } finally {
    process.env.NODE_ENV = saved;
  }
}

async function buildOnce(outDir: string): Promise<void> {
  await build({
    configFile: false,
    root: here,
    logLevel: 'warn',
    mode: 'production',
    publicDir: false,
    plugins: [react()],
    define: { 'process.env.NODE_ENV': JSON.stringify('production') },
    build: { outDir, emptyOutDir: true, assetsInlineLimit: 0, sourcemap: false, reportCompressedSize: false },
  });
}
