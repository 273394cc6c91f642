/**
 * `npm test [-- vitest args]`: runs vitest with its usual output, then prints one summary line
 * `tests: N passed, N failed, N skipped` and exits with vitest's exit code.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot } from './build-if-stale.mjs';

const dir = mkdtempSync(path.join(tmpdir(), 'foyer-vitest-'));
const report = path.join(dir, 'report.json');
const args = ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)];

const child = spawn(path.join(repoRoot, 'node_modules', '.bin', 'vitest'), args, { cwd: repoRoot, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.exitCode === null && child.kill(signal));

child.on('exit', (code, signal) => {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  try {
    const r = JSON.parse(readFileSync(report, 'utf8'));
    passed = r.numPassedTests ?? 0;
    failed = r.numFailedTests ?? 0;
    skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  } catch {
    // No report: vitest died before writing one; the exit code below says it failed.
  }
  rmSync(dir, { recursive: true, force: true });
  process.stdout.write(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  process.exit(code ?? (signal ? 1 : 0));
});
