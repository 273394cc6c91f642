import type { Logger } from 'pino';
import { createLogger } from '../../src/server/logger.js';

export interface LogLine {
  level: number;
  msg?: string;
  [key: string]: unknown;
}

/**
 * A real pino logger (the app's own `createLogger`) whose JSON lines are kept in memory, so a test
 * can read what an operator would see on stdout. pino levels: 40 warn, 50 error, 60 fatal.
 */
export function captureLogs(level = 'warn'): { logger: Logger; lines: LogLine[]; atLeast(level: number): LogLine[] } {
  const lines: LogLine[] = [];
  const logger = createLogger(level, {
    write(chunk: string) {
      for (const line of chunk.split('\n')) if (line.trim()) lines.push(JSON.parse(line) as LogLine);
    },
  });
  return { logger, lines, atLeast: (l) => lines.filter((x) => x.level >= l) };
}
