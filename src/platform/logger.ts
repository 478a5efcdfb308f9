import { type Logger, pino } from 'pino';
import pinoPretty from 'pino-pretty';

export type { Logger };

/** `json`: one JSON object per line (for log shippers); `pretty`: coloured human lines (a terminal). */
export type LogFormat = 'json' | 'pretty';

export interface LoggerOptions {
  level?: string;
  /** Write to this file descriptor (default stderr, so stdout stays for command output). */
  fd?: number;
  format?: LogFormat | undefined;
  /** Colours in the pretty format (default: on; the CLI turns them off for NO_COLOR). */
  colorize?: boolean | undefined;
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  const fd = opts.fd ?? 2;
  const base = { level: opts.level ?? 'info', base: undefined };
  if (opts.format === 'pretty') {
    // In-process and synchronous: no worker thread, and every line is out before an exit.
    return pino(
      base,
      pinoPretty({
        destination: fd,
        sync: true,
        colorize: opts.colorize ?? true,
        translateTime: 'SYS:HH:MM:ss.l',
        ignore: 'pid,hostname,component',
        messageFormat: '{if component}{component}: {end}{msg}',
        singleLine: true,
      }),
    );
  }
  return pino(base, pino.destination({ fd, sync: false }));
}

/** A logger that drops everything: for tests that do not assert on logs. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
