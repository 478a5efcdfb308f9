import { type Logger, pino } from 'pino';

export type { Logger };

export interface LoggerOptions {
  level?: string;
  /** Write to this file descriptor (default stderr, so stdout stays for command output). */
  fd?: number;
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  return pino(
    { level: opts.level ?? 'info', base: undefined },
    pino.destination({ fd: opts.fd ?? 2, sync: false }),
  );
}

/** A logger that drops everything: for tests that do not assert on logs. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
