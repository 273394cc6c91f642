/** `npm start`: build what is missing or stale, then run the server (which migrates and serves). */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { buildIfStale, repoRoot } from './build-if-stale.mjs';

try {
  await buildIfStale();
} catch (err) {
  console.error(`[foyer] build failed: ${err.message}`);
  process.exit(1);
}

const child = spawn(process.execPath, [...process.execArgv, path.join(repoRoot, 'dist/server/main.js'), ...process.argv.slice(2)], {
  cwd: process.cwd(),
  stdio: 'inherit',
});

// The server shuts down gracefully on SIGINT/SIGTERM; pass them on and exit as it exits.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    if (child.exitCode === null) child.kill(signal);
  });
}
child.on('exit', (code, signal) => {
  process.exit(code ?? (signal ? 128 + ({ SIGINT: 2, SIGTERM: 15, SIGHUP: 1 }[signal] ?? 1) : 1));
});
