/** `drover deploy FILE|DIR`: create or update apps as one deployment, optionally following it live. */
import { type ApplyFlags, applyApps } from '../app-apply.js';
import { addClientOptions, withContext } from '../client-options.js';
import { readDefinitions } from '../definitions.js';
import { addWaitOptions } from '../deployment-progress.js';
import { example } from '../example.js';
import type { RegisterCommand } from '../register-command.js';

export const registerDeploy: RegisterCommand = (program) => {
  const cmd = addWaitOptions(
    example(
      addClientOptions(
        program
          .command('deploy')
          .description(
            'create or update the apps in a JSON/YAML file, a directory of them, or - (stdin); ' +
              '--wait follows the deployment live and exits 0 when it succeeds, 7 when it fails or times out',
          ),
      ),
      'drover deploy web.yaml --wait',
      'drover deploy apps/ --prune --yes --wait --timeout 120',
    ),
  )
    .argument('<file>', 'file, directory or -')
    .option('--prune', 'remove apps not in the definitions (after showing the plan)')
    .option('--yes', 'do not ask before pruning')
    .option('--dry-run', 'show the plan, change nothing')
    .option('--force', 'replace running deployments of these apps');
  cmd.action(
    withContext(async (ctx, file: string, opts: ApplyFlags) => {
      const { definitions } = await readDefinitions(file, 'apps');
      await applyApps(ctx, definitions, opts, `deploy ${file}`);
    }),
  );
};
