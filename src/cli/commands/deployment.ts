/** `drover deployment list|rollback ID|stop ID`. */
import { addClientOptions, withContext } from '../client-options.js';
import { addWaitOptions, runDeployment, type WaitFlags } from '../deployment-progress.js';
import { example } from '../example.js';
import { renderTable } from '../output/table.js';
import { relativeTime } from '../output/time.js';
import type { RegisterCommand } from '../register-command.js';

export const registerDeployment: RegisterCommand = (program) => {
  const dep = program.command('deployment').description('running deployments: list, roll back, stop');
  example(dep, 'drover deployment list', 'drover deployment rollback 5ed4c0c5-...');
  const sub = (name: string, desc: string, ...examples: string[]) =>
    example(addClientOptions(dep.command(name).description(desc)), ...examples);

  sub(
    'list',
    'running deployments with their step and affected apps',
    'drover deployment list --json',
  ).action(
    withContext(async (ctx) => {
      const list = await ctx.client.deployments.list();
      if (ctx.json) return ctx.printJson(list);
      if (list.length === 0) return ctx.term.out('No deployments running.');
      const now = Date.now();
      ctx.term.out(
        renderTable(
          ctx.term,
          ['ID', 'APPS', 'STEP', 'ACTIONS', 'STARTED'],
          list.map((d) => [
            d.id,
            d.affectedApps.join(','),
            `${d.currentStep}/${d.totalSteps}`,
            d.currentActions.map((a) => `${a.action} ${a.app}`).join(', '),
            relativeTime(d.version, now),
          ]),
        ),
      );
    }),
  );

  addWaitOptions(
    sub(
      'rollback',
      'roll the deployment back (a new deployment undoes it)',
      'drover deployment rollback 5ed4c0c5-... --wait',
    ).argument('<id>', 'deployment id'),
  ).action(
    withContext(async (ctx, id: string, opts: WaitFlags) => {
      await runDeployment(ctx, opts, `rollback of ${id}`, () => ctx.client.deployments.rollback(id));
    }),
  );

  sub('stop', 'stop the deployment where it is (no rollback)', 'drover deployment stop 5ed4c0c5-...')
    .argument('<id>', 'deployment id')
    .action(
      withContext(async (ctx, id: string) => {
        await ctx.client.deployments.stop(id);
        if (ctx.json) return ctx.printJson({ id, stopped: true });
        ctx.term.out(`stopped deployment ${id}`);
      }),
    );
};
