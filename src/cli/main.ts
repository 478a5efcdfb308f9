/**
 * The `drover` command line. Every command is one file under commands/, listed in commands.ts.
 * Errors end the command with the exit status of their registry code (error-output.ts).
 */
import { Command } from 'commander';
import { droverVersion } from '../platform/version.js';
import { rewriteArgv } from './argv.js';
import { COMMANDS } from './commands.js';
import { reportError } from './error-output.js';

export function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command('drover')
    .description('Run Marathon apps and Chronos jobs on a cluster')
    .version(droverVersion())
    .exitOverride()
    .showHelpAfterError()
    .addHelpText(
      'after',
      `
Cluster commands talk to a master's API: --url (DROVER_URL, default http://127.0.0.1:8080),
--user user:password (DROVER_HTTP_CREDENTIALS) or --token (DROVER_API_TOKEN), --json, --ca FILE.

Example:
  drover up                          # a master and 2 agents on this machine
  drover deploy examples/apps/ --wait
  drover status`,
    );
  for (const register of COMMANDS) register(program, setExit);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  const program = buildProgram((code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync(rewriteArgv(argv));
    return exitCode;
  } catch (err) {
    return reportError(err, (line) => process.stderr.write(`${line}\n`));
  }
}
