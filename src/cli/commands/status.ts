/** `drover status`: the cluster on one screen (leader, agents, resources, apps by state, deployments, failing jobs). */
import { addClientOptions, withContext } from '../client-options.js';
import { example } from '../example.js';
import { paintState } from '../output/state-colors.js';
import { renderFields } from '../output/table.js';
import type { RegisterCommand } from '../register-command.js';
import { appStatus } from '../render/app-status.js';
import { agentState } from './agents.js';

export const registerStatus: RegisterCommand = (program) => {
  example(
    addClientOptions(
      program
        .command('status')
        .description('cluster summary: leader, agents, resources, apps by state, deployments, failing jobs'),
    ),
    'drover status',
    'drover status --json | jq .apps',
  ).action(
    withContext(async (ctx) => {
      const c = ctx.client;
      const [info, agents, apps, queue, deployments, jobs] = await Promise.all([
        c.cluster.info(),
        c.agents.list(),
        c.apps.list({ embed: ['counts', 'deployments'] }),
        c.queue.list(),
        c.deployments.list(),
        c.jobs.summary().catch(() => []),
      ]);
      const queued = new Map(queue.map((q) => [q.app.id, q]));
      const byState: Record<string, number> = {};
      for (const a of apps) {
        const s = appStatus(a, queued.get(a.id));
        byState[s] = (byState[s] ?? 0) + 1;
      }
      const live = agents.filter((a) => a.connected);
      const sum = (f: (a: (typeof agents)[number]) => number) =>
        Math.round(live.reduce((n, a) => n + f(a), 0) * 100) / 100;
      const resources = {
        cpus: { used: sum((a) => a.resources.used.cpus), total: sum((a) => a.resources.total.cpus) },
        mem: { used: sum((a) => a.resources.used.mem), total: sum((a) => a.resources.total.mem) },
      };
      const failing = jobs.filter((j) => j.status === 'failure').map((j) => j.name);
      const summary = {
        leader: info.leader,
        version: info.version,
        agents: {
          total: agents.length,
          connected: live.length,
          draining: agents.filter((a) => a.draining).length,
        },
        resources,
        apps: { total: apps.length, byState },
        tasks: apps.reduce((n, a) => n + (a.tasksRunning ?? 0), 0),
        deployments: deployments.map((d) => ({
          id: d.id,
          apps: d.affectedApps,
          step: d.currentStep,
          steps: d.totalSteps,
        })),
        jobs: { total: jobs.length, failing },
      };
      if (ctx.json) return ctx.printJson(summary);
      const { term } = ctx;
      const states = Object.entries(byState)
        .sort()
        .map(([s, n]) => `${n} ${paintState(term, s)}`)
        .join(', ');
      const pct = (u: number, t: number) => (t > 0 ? ` (${Math.round((u / t) * 100)}%)` : '');
      const fields: Array<[string, string]> = [
        ['master', `${ctx.url} (leader ${info.leader}, drover ${info.version})`],
        [
          'agents',
          `${live.length}/${agents.length} connected${summary.agents.draining ? `, ${summary.agents.draining} draining` : ''}` +
            agents
              .filter((a) => agentState(a) !== 'connected')
              .map((a) => `; ${a.id} ${paintState(term, agentState(a))}`)
              .join(''),
        ],
        [
          'cpus',
          `${resources.cpus.used} / ${resources.cpus.total}${pct(resources.cpus.used, resources.cpus.total)}`,
        ],
        [
          'mem',
          `${resources.mem.used} / ${resources.mem.total} MB${pct(resources.mem.used, resources.mem.total)}`,
        ],
        ['apps', apps.length === 0 ? 'none (drover deploy app.json --wait)' : `${apps.length}: ${states}`],
        ['tasks', `${summary.tasks} running`],
        [
          'deployments',
          deployments.length === 0
            ? 'none running'
            : deployments
                .map((d) => `${d.id} ${d.affectedApps.join(',')} step ${d.currentStep}/${d.totalSteps}`)
                .join('; '),
        ],
        [
          'jobs',
          `${jobs.length}${failing.length > 0 ? `, ${term.c.red(`${failing.length} failing`)}: ${failing.join(', ')}` : ', none failing'}`,
        ],
      ];
      term.out(renderFields(term, fields));
    }),
  );
};
