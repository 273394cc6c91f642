import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The few local files Foyer keeps outside media storage: the data folder, the SQLite file's folder,
 * the generated session secret, and the built web app. Synchronous: they are read once at start.
 */
export function ensureDir(dir: string): void {
  mkdirSync(dir, { recursive: true });
}

export function fileExists(file: string): boolean {
  return existsSync(file);
}

/** The secret stored in `file`, or a new one from `generate` written there (owner-only) on first start. */
export function readOrCreateSecret(file: string, generate: () => string): string {
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  ensureDir(path.dirname(file));
  const secret = generate();
  writeFileSync(file, secret + '\n', { mode: 0o600 });
  return secret;
}
