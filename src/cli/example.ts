import type { Command } from 'commander';

/** Every command's help ends with an example (issue 11): one place formats it. */
export function example(cmd: Command, ...lines: string[]): Command {
  return cmd.addHelpText('after', `\nExample:\n${lines.map((l) => `  ${l}`).join('\n')}`);
}
