import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// The dependency rule (docs/architecture.md): http/ and realtime/ are the edges; nothing below them
// imports them. domain/ is pure. Only the disk storage adapter touches files. Each group below lists
// every restriction that applies to its files, because a later block replaces an earlier one.
const noFs = {
  paths: ['fs', 'node:fs', 'fs/promises', 'node:fs/promises'].map((name) => ({
    name,
    message: 'Files go through Storage (adapters/storage); only the disk adapter uses node:fs.',
  })),
};
const noEdges = [
  { group: ['**/http/*', '**/http/**', '**/realtime/*', '**/realtime/**'], message: 'Layers point one way: http/ and realtime/ call services, never the other way round (docs/architecture.md).' },
];
const restrict = (extra = {}) => ['error', { paths: [...noFs.paths, ...(extra.paths ?? [])], patterns: [...(extra.patterns ?? [])] }];

export default defineConfig(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'data/**', '.test-data/**', 'test-results/**'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/web/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // the live benchmarks' scripts for the browser pages (classic scripts, also evaluated by Node in a vm)
    files: ['bench/**/page/*.js'],
    languageOptions: { sourceType: 'script', globals: { ...globals.browser } },
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    ignores: ['src/server/adapters/storage/**'],
    rules: { '@typescript-eslint/no-restricted-imports': restrict() },
  },
  {
    // The built web app (index.html held in memory) is the program's own files, not media: read from its directory.
    files: ['src/server/http/plugins/spa.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': 'off' },
  },
  {
    files: ['src/server/adapters/storage/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: noEdges }] },
  },
  {
    files: ['src/server/{services,repositories,adapters,db}/**/*.ts'],
    ignores: ['src/server/adapters/storage/**'],
    rules: { '@typescript-eslint/no-restricted-imports': restrict({ patterns: noEdges }) },
  },
  {
    // Services call repositories (and other modules' services); they never build queries themselves.
    files: ['src/server/services/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': restrict({
        paths: [{ name: 'kysely', message: 'Services call repositories, never raw Kysely (types are fine).', allowTypeImports: true }],
        patterns: noEdges,
      }),
    },
  },
  {
    // Rules without I/O: no database, network, queue or file access, no adapters, repositories or services.
    files: ['src/server/domain/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': restrict({
        paths: ['kysely', 'pg', 'better-sqlite3', 'ioredis', 'bullmq', 'nodemailer', 'node:net', 'node:http', 'node:child_process'].map((name) => ({
          name,
          message: 'domain/ holds rules only: no I/O.',
          allowTypeImports: name === 'kysely',
        })),
        patterns: [...noEdges, { group: ['**/adapters/**', '**/repositories/**', '**/services/**', '**/db/database*'], message: 'domain/ holds rules only: no I/O.' }],
      }),
    },
  },
  {
    // Unit tests next to the code may read fixtures from disk.
    files: ['src/**/*.test.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': 'off' },
  },
  {
    // Migrations are written against Kysely<any> on purpose: they must not depend on today's schema types.
    files: ['src/server/db/migrate.ts', 'src/server/db/migrations/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
