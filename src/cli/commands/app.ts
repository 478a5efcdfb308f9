import type { App } from '../../client/types.js';
import { DroverError } from '../../domain/errors.js';
import { type ApplyFlags, applyApps } from '../app-apply.js';
import { showApp } from '../app-details.js';
import { appLogs } from '../app-logs.js';
import { addClientOptions, type CommandContext, withContext } from '../client-options.js';
import { readDefinitions } from '../definitions.js';
import { addWaitOptions, runDeployment, type WaitFlags } from '../deployment-progress.js';
import { example } from '../example.js';
import { paintState } from '../output/state-colors.js';
import { renderTable } from '../output/table.js';
import { relativeTime } from '../output/time.js';
import { intFlag } from '../parse-flags.js';
import type { RegisterCommand } from '../register-command.js';
import { appStatus, instancesCell, whatRuns } from '../render/app-status.js';
import { jsonDiff } from '../render/json-diff.js';

const abs = (id: string) => (id.startsWith('/') ? id : `/${id}`);

export const registerApp: RegisterCommand = (program) => {
  const app = program.command('app').description('Marathon apps: list, deploy, scale, logs, roll back');
  example(app, 'drover app list', 'drover app scale /web 3 --wait', 'drover app logs /web -f');
  const sub = (name: string, desc: string, ...examples: string[]) =>
    example(addClientOptions(app.command(name).description(desc)), ...examples);

  sub(
    'list',
    'apps with status, instances, resources and version',
    'drover app list',
    'drover app list --label tier==web --json',
  )
    .option('--label <selector>', "Marathon's label selector (tier==web, tier!=db, ...)")
    .action(
      withContext(async (ctx, opts: { label?: string }) => {
        const [apps, queue] = await Promise.all([
          ctx.client.apps.list({
            embed: ['counts', 'deployments'],
            ...(opts.label ? { label: opts.label } : {}),
          }),
          ctx.client.queue.list(),
        ]);
        if (ctx.json) return ctx.printJson({ apps });
        if (apps.length === 0) return ctx.term.out('No apps yet. Deploy one: drover deploy app.json --wait');
        const queued = new Map(queue.map((q) => [q.app.id, q]));
        const now = Date.now();
        ctx.term.out(
          renderTable(
            ctx.term,
            ['ID', 'STATUS', 'INSTANCES', 'CPUS', 'MEM', 'VERSION', 'RUNS'],
            apps.map((a) => [
              a.id,
              paintState(ctx.term, appStatus(a, queued.get(a.id))),
              instancesCell(a),
              String(a.cpus),
              String(a.mem),
              relativeTime(a.version, now),
              whatRuns(a),
            ]),
          ),
        );
      }),
    );

  sub('show', 'one app: definition, tasks, deployments, last failure', 'drover app show /web')
    .argument('<id>', 'app id')
    .action(
      withContext(async (ctx, id: string) => {
        const a = await ctx.client.apps.show(abs(id), {
          embed: ['tasks', 'counts', 'deployments', 'lastTaskFailure'],
        });
        if (ctx.json) return ctx.printJson({ app: a });
        showApp(ctx, a);
      }),
    );

  addWaitOptions(
    sub(
      'add',
      'create apps from a JSON/YAML file, a directory of them, or - (stdin)',
      'drover app add web.yaml --wait',
      'cat web.json | drover app add -',
    )
      .argument('<file>', 'file, directory or -')
      .option('--force', 'replace a running deployment of the same app'),
  ).action(
    withContext(async (ctx, file: string, opts: WaitFlags & { force?: boolean }) => {
      const { definitions } = await readDefinitions(file, 'apps');
      const created: unknown[] = [];
      for (const d of definitions) {
        await runDeployment(
          ctx,
          opts,
          `add ${String(d.value.id)}`,
          async () => {
            const a = await ctx.client.apps.create(d.value as { id: string });
            created.push(a);
            const id = a.deployments?.[0]?.id;
            return id ? { deploymentId: id, version: a.version } : undefined;
          },
          { quietJson: true },
        );
      }
      if (ctx.json) ctx.printJson(created.length === 1 ? created[0] : created);
    }),
  );

  addWaitOptions(
    sub(
      'update',
      'create or update apps from a file, a directory or -; --prune removes apps not in it',
      'drover app update apps/ --prune --dry-run',
      'drover app update web.yaml --wait',
    )
      .argument('<file>', 'file, directory or -')
      .option('--prune', 'remove apps not in the definitions (after showing the plan)')
      .option('--yes', 'do not ask before pruning')
      .option('--dry-run', 'show the plan, change nothing')
      .option('--force', 'replace running deployments of these apps'),
  ).action(
    withContext(async (ctx, file: string, opts: ApplyFlags) => {
      const { definitions } = await readDefinitions(file, 'apps');
      await applyApps(ctx, definitions, opts, `update ${file}`);
    }),
  );

  addWaitOptions(
    sub('scale', 'set the number of instances', 'drover app scale /web 5 --wait')
      .argument('<id>', 'app id')
      .argument('<instances>', 'how many', intFlag(0, 100_000))
      .option('--force', 'replace a running deployment'),
  ).action(
    withContext(async (ctx, id: string, n: number, opts: WaitFlags & { force?: boolean }) => {
      await runDeployment(ctx, opts, `scale ${abs(id)} to ${n}`, () =>
        ctx.client.apps.scale(abs(id), n, { force: Boolean(opts.force) }),
      );
    }),
  );

  addWaitOptions(
    sub('restart', 'replace every task under the upgrade strategy', 'drover app restart /web --wait')
      .argument('<id>', 'app id')
      .option('--force', 'replace a running deployment'),
  ).action(
    withContext(async (ctx, id: string, opts: WaitFlags & { force?: boolean }) => {
      await runDeployment(ctx, opts, `restart ${abs(id)}`, () =>
        ctx.client.apps.restart(abs(id), { force: Boolean(opts.force) }),
      );
    }),
  );

  addWaitOptions(
    sub('remove', 'delete an app and stop its tasks', 'drover app remove /web --wait')
      .argument('<id>', 'app id')
      .option('--force', 'replace a running deployment of the app'),
  ).action(
    withContext(async (ctx, id: string, opts: WaitFlags & { force?: boolean }) => {
      await runDeployment(ctx, opts, `remove ${abs(id)}`, () =>
        ctx.client.apps.remove(abs(id), { force: Boolean(opts.force) }),
      );
    }),
  );

  sub('tasks', "an app's tasks with state, host, ports and health", 'drover app tasks /web')
    .argument('<id>', 'app id')
    .action(
      withContext(async (ctx, id: string) => {
        const tasks = await ctx.client.apps.tasks(abs(id));
        if (ctx.json) return ctx.printJson({ tasks });
        if (tasks.length === 0)
          return ctx.term.out(`No tasks of ${abs(id)}. Scale it up: drover app scale ${abs(id)} 1`);
        const now = Date.now();
        ctx.term.out(
          renderTable(
            ctx.term,
            ['TASK', 'STATE', 'HEALTH', 'HOST', 'PORTS', 'STARTED', 'VERSION'],
            tasks.map((t) => [
              t.id,
              paintState(ctx.term, t.state),
              health(ctx, t.healthCheckResults),
              t.host,
              t.ports.join(','),
              relativeTime(t.startedAt ?? t.stagedAt, now),
              relativeTime(t.version, now),
            ]),
          ),
        );
      }),
    );

  sub(
    'logs',
    "a task's (or every task of an app's) stdout or stderr; -f follows",
    'drover app logs /web --tail 20',
    'drover app logs web.3f2a... --stderr -f',
  )
    .argument('<task-or-app>', 'task id or app id')
    .option('--stderr', 'stderr instead of stdout')
    .option('--tail <n>', 'only the last n lines', intFlag(0, 100_000))
    .option('-f, --follow', 'keep printing new lines until Ctrl-C')
    .action(
      withContext(
        async (ctx, target: string, opts: { stderr?: boolean; tail?: number; follow?: boolean }) => {
          await appLogs(ctx, target, opts);
        },
      ),
    );

  sub('versions', "an app's stored versions, newest first", 'drover app versions /web')
    .argument('<id>', 'app id')
    .action(
      withContext(async (ctx, id: string) => {
        const versions = await ctx.client.apps.versions(abs(id));
        if (ctx.json) return ctx.printJson({ versions });
        const now = Date.now();
        ctx.term.out(
          renderTable(
            ctx.term,
            ['VERSION', 'AGE'],
            versions.map((v) => [v, relativeTime(v, now)]),
          ),
        );
      }),
    );

  addWaitOptions(
    sub(
      'rollback',
      'make the app what it was at VERSION (default: the previous version)',
      'drover app rollback /web --wait',
    )
      .argument('<id>', 'app id')
      .argument('[version]', 'a version from `drover app versions`')
      .option('--force', 'replace a running deployment'),
  ).action(
    withContext(
      async (ctx, id: string, version: string | undefined, opts: WaitFlags & { force?: boolean }) => {
        const to = version ?? (await previousVersion(ctx, abs(id)));
        await runDeployment(ctx, opts, `rollback ${abs(id)} to ${to}`, () =>
          ctx.client.apps.rollback(abs(id), to, { force: Boolean(opts.force) }),
        );
      },
    ),
  );

  sub(
    'diff',
    'what changed between VERSION (default: the previous one) and the current definition',
    'drover app diff /web',
  )
    .argument('<id>', 'app id')
    .argument('[version]', 'a version from `drover app versions`')
    .action(
      withContext(async (ctx, id: string, version: string | undefined) => {
        const from = version ?? (await previousVersion(ctx, abs(id)));
        const [old, current] = await Promise.all([
          ctx.client.apps.version(abs(id), from),
          ctx.client.apps.show(abs(id)),
        ]);
        const strip = (a: App) => {
          const {
            version: _v,
            versionInfo: _vi,
            tasks: _t,
            deployments: _d,
            tasksHealthy,
            tasksRunning,
            tasksStaged,
            tasksUnhealthy,
            lastTaskFailure,
            ...rest
          } = a as App & Record<string, unknown>;
          return rest;
        };
        const lines = jsonDiff(strip(old), strip(current));
        if (ctx.json) return ctx.printJson({ from, to: current.version, changes: lines });
        ctx.term.out(ctx.term.c.dim(`--- ${abs(id)} ${from}\n+++ ${abs(id)} ${current.version}`));
        if (lines.length === 0) return ctx.term.out('no differences');
        for (const l of lines) {
          if ('old' in l) ctx.term.out(ctx.term.c.red(`- ${l.path}: ${JSON.stringify(l.old)}`));
          if ('new' in l) ctx.term.out(ctx.term.c.green(`+ ${l.path}: ${JSON.stringify(l.new)}`));
        }
      }),
    );

  addWaitOptions(
    sub('kill', 'kill a task (it is replaced unless --scale)', 'drover app kill web.3f2a... --scale')
      .argument('<task>', 'task id')
      .option('--scale', "lower the app's instances instead of replacing the task"),
  ).action(
    withContext(async (ctx, taskId: string, opts: WaitFlags & { scale?: boolean }) => {
      if (opts.scale) {
        await runDeployment(ctx, opts, `kill ${taskId}`, async () => {
          const r = (await ctx.client.tasks.kill([taskId], { scale: true })) as {
            deploymentId?: string;
            version?: string;
          };
          if (!r?.deploymentId) throw new DroverError('TASK_NOT_FOUND', `Task '${taskId}' does not exist`);
          return { deploymentId: r.deploymentId, version: r.version ?? '' };
        });
        return;
      }
      const r = (await ctx.client.tasks.kill([taskId])) as { tasks?: unknown[] };
      if (!r?.tasks || r.tasks.length === 0)
        throw new DroverError('TASK_NOT_FOUND', `Task '${taskId}' does not exist`);
      if (ctx.json) return ctx.printJson(r);
      ctx.term.out(`killed ${taskId} (its app replaces it)`);
    }),
  );
};

function health(ctx: CommandContext, results: Array<{ alive?: boolean }>): string {
  if (results.length === 0) return '-';
  return paintState(ctx.term, results.every((r) => r.alive) ? 'healthy' : 'unhealthy');
}

async function previousVersion(ctx: CommandContext, id: string): Promise<string> {
  const versions = await ctx.client.apps.versions(id);
  const prev = versions[1];
  if (!prev) throw new DroverError('VERSION_NOT_FOUND', `${id} has no previous version`);
  return prev;
}
