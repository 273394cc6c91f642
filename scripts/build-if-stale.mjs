/**
 * Builds the server (tsc -> dist/server) and the web app (vite -> dist/web) when their output is
 * missing or older than any of their sources. Shared by `npm start` and the e2e global setup.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** What each build reads, and the file whose age stands for the whole output. */
export const targets = {
  server: {
    script: 'build:server',
    sources: ['src/server', 'src/contracts', 'tsconfig.json', 'tsconfig.server.json', 'package.json'],
    output: 'dist/server/main.js',
    // tsc never deletes; a clean output keeps files of removed sources from lingering.
    clean: ['dist/server', 'dist/contracts'],
  },
  web: {
    script: 'build:web',
    sources: ['src/web', 'src/contracts', 'vite.config.ts', 'scripts/compress-web.mjs', 'package.json'],
    output: 'dist/web/index.html',
    clean: [],
  },
};

function newestMtime(entry) {
  if (!existsSync(entry)) return 0;
  const st = statSync(entry);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const child of readdirSync(entry)) {
    if (child === 'node_modules' || child.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(path.join(entry, child)));
  }
  return newest;
}

/** Why the target needs a build, or null when its output is current. */
export function staleReason(name, root = repoRoot) {
  const t = targets[name];
  const out = path.join(root, t.output);
  if (!existsSync(out)) return `${t.output} is missing`;
  const built = statSync(out).mtimeMs;
  const newest = Math.max(...t.sources.map((s) => newestMtime(path.join(root, s))));
  return newest > built ? `sources changed since ${t.output} was built` : null;
}

function run(cmd, args, cwd) {
  return new Promise((resolve, reject) => {
    // Under vitest NODE_ENV is "test", which would make Vite ship React's development build.
    const child = spawn(cmd, args, { cwd, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} failed (${signal ?? `exit ${code}`})`)),
    );
  });
}

/**
 * Builds every stale target, in order. Returns the names it built.
 * @param {{ root?: string, only?: Array<'server'|'web'>, log?: (line: string) => void }} [opts]
 */
export async function buildIfStale(opts = {}) {
  const root = opts.root ?? repoRoot;
  const log = opts.log ?? ((line) => console.log(line));
  const built = [];
  for (const name of opts.only ?? ['server', 'web']) {
    const reason = staleReason(name, root);
    if (!reason) continue;
    log(`[foyer] building ${name}: ${reason}`);
    for (const dir of targets[name].clean) rmSync(path.join(root, dir), { recursive: true, force: true });
    await run('npm', ['run', '--silent', targets[name].script], root);
    built.push(name);
  }
  return built;
}
