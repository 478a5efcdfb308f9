/**
 * How a failed command ends: the message, every `details` path, a hint where one helps, and the
 * exit status from the error registry (README "CLI": 1 generic, 2 usage, 3 not found, 4 conflict,
 * 5 invalid, 6 unavailable, 7 deployment failed, 8 auth).
 */
import { CommanderError } from 'commander';
import { isApiError } from '../client/api-error.js';
import { isDroverError } from '../domain/errors.js';

export function reportError(err: unknown, write: (line: string) => void): number {
  if (err instanceof CommanderError) {
    // Help and version are exits with status 0; anything else commander refuses is usage.
    if (err.exitCode === 0 || err.code === 'commander.helpDisplayed' || err.code === 'commander.version')
      return 0;
    return 2;
  }
  if (isApiError(err)) {
    write(`drover: ${err.message}`);
    for (const d of err.details) write(`  ${d.path || '/'}: ${d.errors.join('; ')}`);
    const deployments = (err.body as { deployments?: Array<{ id: string }> } | undefined)?.deployments;
    if (Array.isArray(deployments) && deployments.length > 0) {
      write(
        `  running deployment(s): ${deployments.map((d) => d.id).join(', ')} (retry with --force to replace)`,
      );
    }
    if (err.status === 0) {
      write('  Is a master running there? Start one with `drover up` (or `drover master`),');
      write('  or point at yours with --url or DROVER_URL.');
    }
    if (err.status === 401)
      write(
        '  Give credentials with --user user:password or --token (DROVER_HTTP_CREDENTIALS, DROVER_API_TOKEN).',
      );
    return err.exitCode;
  }
  if (isDroverError(err)) {
    write(`drover: ${err.message}`);
    for (const d of err.details) write(`  ${d.path}: ${d.errors.join('; ')}`);
    return err.exitCode;
  }
  write(`drover: ${err instanceof Error ? err.message : String(err)}`);
  return 1;
}
