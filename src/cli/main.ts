/**
 * The `drover` command line. Every command is one file under commands/, listed in commands.ts.
 * Errors carrying a DroverError code exit with that code's exit status; others with 1.
 */
import { Command, CommanderError } from 'commander';
import { isDroverError } from '../domain/errors.js';
import { droverVersion } from '../platform/version.js';
import { COMMANDS } from './commands.js';

export async function main(argv: string[]): Promise<number> {
  const program = new Command('drover')
    .description('Run Marathon apps and Chronos jobs on a cluster')
    .version(droverVersion())
    .exitOverride()
    .showHelpAfterError();
  let exitCode = 0;
  for (const register of COMMANDS) {
    register(program, (code) => {
      exitCode = code;
    });
  }
  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    if (isDroverError(err)) {
      console.error(`drover: ${err.message}`);
      for (const d of err.details) console.error(`  ${d.path}: ${d.errors.join('; ')}`);
      return err.exitCode;
    }
    console.error(`drover: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}
