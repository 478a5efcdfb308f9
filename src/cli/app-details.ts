/**
 * What `drover app show` prints for one app: its fields (status, instances, resources, what runs,
 * versions, deployments, constraints, health checks, the last failure), then its tasks.
 */
import type { App } from '../client/types.js';
import type { CommandContext } from './client-options.js';
import { paintState } from './output/state-colors.js';
import { renderFields, renderTable } from './output/table.js';
import { absoluteTime } from './output/time.js';
import { appStatus, instancesCell, whatRuns } from './render/app-status.js';

export function showApp(ctx: CommandContext, a: App): void {
  const { term } = ctx;
  const fields: Array<[string, string]> = [
    ['id', a.id],
    ['status', paintState(term, appStatus(a, undefined))],
    ['instances', instancesCell(a)],
    ['resources', `cpus ${a.cpus}, mem ${a.mem} MB, disk ${a.disk} MB`],
    ['runs', whatRuns(a)],
    ['version', absoluteTime(a.version)],
    ['config changed', absoluteTime(a.versionInfo?.lastConfigChangeAt)],
  ];
  if ((a.deployments ?? []).length > 0)
    fields.push(['deployments', a.deployments!.map((d) => d.id).join(', ')]);
  if (a.constraints.length > 0)
    fields.push([
      'constraints',
      a.constraints.map((c) => c.filter((x) => x !== undefined).join(':')).join(', '),
    ]);
  if (a.healthChecks.length > 0)
    fields.push([
      'health checks',
      a.healthChecks.map((h) => `${h.protocol}${h.path ? ` ${h.path}` : ''}`).join(', '),
    ]);
  if (a.lastTaskFailure) {
    const f = a.lastTaskFailure;
    fields.push([
      'last failure',
      `${term.c.red(f.state)} ${f.message} (${f.taskId} at ${absoluteTime(f.timestamp)})`,
    ]);
  }
  term.out(renderFields(term, fields));
  const tasks = a.tasks ?? [];
  if (tasks.length > 0) {
    term.out('');
    term.out(
      renderTable(
        term,
        ['TASK', 'STATE', 'HOST', 'PORTS', 'STARTED'],
        tasks.map((t) => [
          t.id,
          paintState(term, t.state),
          t.host,
          t.ports.join(','),
          absoluteTime(t.startedAt ?? t.stagedAt),
        ]),
      ),
    );
  }
}
