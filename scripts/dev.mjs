/**
 * `npm run dev`: the server under `tsx watch` (restarts on change) and Vite's dev server
 * (hot reload, proxying /api and /i to the server). Open http://localhost:5173.
 * PORT moves the API server (default 3000), WEB_PORT the Vite server (default 5173).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from './build-if-stale.mjs';

const apiPort = process.env.PORT ?? '3000';
const webPort = process.env.WEB_PORT ?? '5173';
const bin = (name) => path.join(repoRoot, 'node_modules', '.bin', name);

const children = [
  spawn(bin('tsx'), ['watch', '--clear-screen=false', 'src/server/main.ts'], {
    cwd: repoRoot,
    stdio: 'inherit',
    // Links in emails must open the page through Vite, where the SPA is served in development.
    env: { ...process.env, PORT: apiPort, PUBLIC_URL: process.env.PUBLIC_URL ?? `http://localhost:${webPort}` },
  }),
  spawn(bin('vite'), ['--port', webPort, '--strictPort'], {
    cwd: repoRoot,
    stdio: 'inherit',
    env: { ...process.env, FOYER_DEV_API: process.env.FOYER_DEV_API ?? `http://localhost:${apiPort}` },
  }),
];

let stopping = false;
const stopAll = (signal = 'SIGTERM') => {
  if (stopping) return;
  stopping = true;
  for (const c of children) if (c.exitCode === null) c.kill(signal);
};
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => stopAll(signal));

let remaining = children.length;
let exitCode = 0;
for (const c of children) {
  c.on('exit', (code) => {
    // When one side dies the other is useless alone.
    if (!stopping && code !== 0) exitCode = code ?? 1;
    stopAll();
    if (--remaining === 0) process.exit(exitCode);
  });
}
