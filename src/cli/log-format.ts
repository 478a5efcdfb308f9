/**
 * `--log-format auto|json|pretty` for `drover up`, `master` and `agent`: auto is pretty
 * (coloured lines: time, level, component, message, key fields) when the log goes to a terminal,
 * JSON lines otherwise, so a service manager or a pipe gets one JSON object per line.
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { LogFormat } from '../platform/logger.js';
import { colorEnabled } from './output/terminal.js';

export interface LogOutput {
  logFormat: LogFormat;
  logColor: boolean;
}

export function addLogFormatOption(cmd: Command): Command {
  return cmd.addOption(
    new Option('--log-format <format>', 'auto (pretty on a terminal, else json), json or pretty')
      .default('auto')
      .argParser((v: string) => {
        if (v !== 'auto' && v !== 'json' && v !== 'pretty')
          throw new InvalidArgumentError(`expected auto, json or pretty, got '${v}'`);
        return v;
      }),
  );
}

/** Logs go to stderr: that is the stream whose terminal decides. */
export function logOutput(flag: string): LogOutput {
  const tty = Boolean(process.stderr.isTTY);
  const logFormat: LogFormat = flag === 'json' || flag === 'pretty' ? flag : tty ? 'pretty' : 'json';
  return { logFormat, logColor: colorEnabled({ isTTY: tty, columns: undefined, env: process.env }) };
}
