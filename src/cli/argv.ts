/**
 * Two rewrites before commander sees the arguments:
 * - client options given before the command (`drover --json app list`) move after it, so they
 *   work in either place;
 * - `drover agent list|drain|undrain ...` is the cluster command `agents`; any other `drover
 *   agent ...` stays the agent process (its `--token` is the cluster token, not an API token).
 */
import { CLIENT_FLAGS_WITH_VALUE, CLIENT_SWITCHES } from './client-options.js';

export const AGENT_SUBCOMMANDS = ['list', 'drain', 'undrain'] as const;

export function rewriteArgv(argv: readonly string[]): string[] {
  const [node = 'node', script = 'drover', ...rest] = argv;
  const hoisted: string[] = [];
  let i = 0;
  while (i < rest.length) {
    const arg = rest[i]!;
    const name = arg.split('=')[0]!;
    if ((CLIENT_SWITCHES as readonly string[]).includes(arg)) {
      hoisted.push(arg);
      i += 1;
    } else if ((CLIENT_FLAGS_WITH_VALUE as readonly string[]).includes(name)) {
      if (arg.includes('=')) {
        hoisted.push(arg);
        i += 1;
      } else {
        hoisted.push(arg, rest[i + 1] ?? '');
        i += 2;
      }
    } else break;
  }
  const command = rest.slice(i);
  if (command[0] === 'agent' && (AGENT_SUBCOMMANDS as readonly string[]).includes(command[1] ?? '')) {
    command[0] = 'agents';
  }
  // Only a cluster command takes client options; `up` and friends would refuse them.
  return [node, script, ...command, ...(command.length > 0 ? hoisted : [])];
}
