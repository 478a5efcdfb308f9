/**
 * The text/plain task list haproxy-marathon-bridge and similar scripts read, byte for byte as
 * Marathon 1.x's EndpointsHelper writes it: one line per app and service port,
 *
 *   {app_id_with_underscores}\t{servicePort}\t{host:port}\t{host:port}\t...\n
 *
 * listing only TASK_RUNNING tasks, addresses sorted. An app without service ports gets one line
 * `{app}\t \t{host}\t{host}\t...`. Tabs separate every column, including after the last one.
 */
import type { AppDefinition } from '../../domain/app.js';
import { appIdToTaskPrefix } from '../../domain/app.js';
import { servicePortsOf } from '../../domain/service-ports.js';
import type { TaskRecord } from '../../domain/task.js';

export function tasksText(apps: AppDefinition[], tasksByApp: Map<string, TaskRecord[]>): string {
  let out = '';
  for (const app of apps) {
    const running = (tasksByApp.get(app.id) ?? []).filter((t) => t.state === 'TASK_RUNNING');
    const name = appIdToTaskPrefix(app.id);
    const servicePorts = servicePortsOf(app);
    if (servicePorts.length === 0) {
      out += `${name}\t \t${cells(running.map((t) => t.host))}\n`;
      continue;
    }
    servicePorts.forEach((servicePort, i) => {
      const addresses = running.map((t) => `${t.host}:${t.ports[i] ?? 0}`);
      out += `${name}\t${servicePort}\t${cells(addresses)}\n`;
    });
  }
  return out;
}

function cells(values: string[]): string {
  return [...values]
    .sort()
    .map((v) => `${v}\t`)
    .join('');
}
