/**
 * What the terminal allows: colours only on a TTY and never with NO_COLOR (or with FORCE_COLOR
 * set, always, for tests under tmux), the width tables must fit, whether a spinner may draw.
 * Decided once per command from the stream it writes to.
 */
import pc from 'picocolors';

export type Colors = ReturnType<typeof pc.createColors>;

export interface Terminal {
  /** Human output may redraw lines (spinner) and use colour. */
  tty: boolean;
  color: boolean;
  width: number;
  c: Colors;
  out(line?: string): void;
  err(line?: string): void;
}

export interface TerminalEnv {
  isTTY: boolean;
  columns: number | undefined;
  env: Record<string, string | undefined>;
}

/** no-color.org: present and not empty disables colour; FORCE_COLOR (not 0) forces it. */
export function colorEnabled(t: TerminalEnv): boolean {
  const noColor = t.env.NO_COLOR;
  if (noColor !== undefined && noColor !== '') return false;
  const force = t.env.FORCE_COLOR;
  if (force !== undefined && force !== '' && force !== '0') return true;
  return t.isTTY && t.env.TERM !== 'dumb';
}

export function processTerminal(): Terminal {
  const stdout = process.stdout;
  const color = colorEnabled({ isTTY: Boolean(stdout.isTTY), columns: stdout.columns, env: process.env });
  return {
    tty: Boolean(stdout.isTTY) && process.env.TERM !== 'dumb',
    color,
    width: stdout.isTTY && stdout.columns ? stdout.columns : Number(process.env.COLUMNS) || 120,
    c: pc.createColors(color),
    out: (line = '') => {
      stdout.write(`${line}\n`);
    },
    err: (line = '') => {
      process.stderr.write(`${line}\n`);
    },
  };
}
