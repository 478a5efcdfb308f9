/** Test helper: a logger whose lines a test can search (rejections must be logged, not silent). */
import { type Logger, pino } from 'pino';

export interface CapturedLog {
  logger: Logger;
  lines: Array<Record<string, unknown>>;
  /** Whether some line contains `text` (in its message or any field). */
  has(text: string): boolean;
}

export function captureLog(): CapturedLog {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino(
    { level: 'debug', base: undefined },
    {
      write(s: string) {
        lines.push(JSON.parse(s) as Record<string, unknown>);
      },
    },
  );
  return { logger, lines, has: (text) => lines.some((l) => JSON.stringify(l).includes(text)) };
}
